"""Request bodies the OpenSearch backend builds, and how it reads OpenSearch's answers."""

from __future__ import annotations

import numpy
import pytest

from knowledge.search.documents import DocType, KnowledgeDoc, SearchFilters
from knowledge.search.opensearch.queries import (
    cosine_from_knn_score,
    count_body,
    delete_actions,
    document_id,
    filter_clauses,
    hybrid_search_body,
    index_actions,
    knn_search_body,
    lexical_search_body,
    msearch_body,
    response_hits,
)
from tests.knowledge.search.fake_opensearch import search_response

TENANT_ONLY = {"terms": {"tenant_id": ["sprintara", "global"]}}
CHART = KnowledgeDoc(
    id="chart:sprintara:uk-8",
    tenant_id="sprintara",
    doc_type=DocType.SIZE_CHART,
    title="Sprintara UK 8",
    text="Foot length 262-266 mm",
    category="footwear",
    brand="Sprintara",
    source="brand-published: https://example.com/chart",
    metadata={"row": 8},
)


def test_a_tenant_sees_its_own_documents_and_global_ones() -> None:
    assert filter_clauses(SearchFilters(tenant_id="sprintara")) == [TENANT_ONLY]


def test_the_global_tenant_sees_only_global_documents() -> None:
    assert filter_clauses(SearchFilters(tenant_id="global")) == [{"terms": {"tenant_id": ["global"]}}]


def test_category_brand_and_doc_types_narrow_the_filter() -> None:
    filters = SearchFilters(
        tenant_id="sprintara",
        category="footwear",
        brand="Sprintara",
        doc_types=[DocType.SIZE_CHART, DocType.FIT_RULE],
    )

    assert filter_clauses(filters) == [
        TENANT_ONLY,
        {"term": {"category": "footwear"}},
        {"term": {"brand": "Sprintara"}},
        {"terms": {"doc_type": ["size_chart", "fit_rule"]}},
    ]


def test_lexical_body_is_bm25_over_boosted_title_and_text_with_filters() -> None:
    body = lexical_search_body("running shoes", SearchFilters(tenant_id="sprintara", category="footwear"), 7)

    assert body == {
        "size": 7,
        "_source": {"excludes": ["embedding"]},
        "query": {
            "bool": {
                "must": [
                    {
                        "multi_match": {
                            "query": "running shoes",
                            "fields": ["title^2", "text"],
                            "type": "best_fields",
                        }
                    }
                ],
                "filter": [TENANT_ONLY, {"term": {"category": "footwear"}}],
            }
        },
    }


def test_knn_body_filters_inside_the_knn_clause() -> None:
    vector = numpy.array([0.6, 0.8], dtype=numpy.float32)

    body = knn_search_body(vector, SearchFilters(tenant_id="sprintara", brand="Sprintara"), 5)

    assert body["size"] == 5
    assert body["_source"] == {"excludes": ["embedding"]}
    knn = body["query"]["knn"]["embedding"]
    assert knn["k"] == 5
    assert knn["vector"] == pytest.approx([0.6, 0.8])
    assert knn["filter"] == {"bool": {"filter": [TENANT_ONLY, {"term": {"brand": "Sprintara"}}]}}


def test_hybrid_body_carries_both_sub_queries_with_the_same_filters() -> None:
    filters = SearchFilters(tenant_id="sprintara", doc_types=[DocType.ARTICLE])
    vector = numpy.array([1.0, 0.0], dtype=numpy.float32)

    body = hybrid_search_body("how to measure", vector, filters, 10, 50)

    lexical, knn = body["query"]["hybrid"]["queries"]
    assert body["size"] == 10
    assert lexical == lexical_search_body("how to measure", filters, 10)["query"]
    assert knn == knn_search_body(vector, filters, 50)["query"]


def test_msearch_pairs_a_header_with_each_search() -> None:
    bodies = [{"size": 1}, {"size": 2}]

    assert msearch_body("pakka-knowledge", bodies) == [
        {"index": "pakka-knowledge"},
        {"size": 1},
        {"index": "pakka-knowledge"},
        {"size": 2},
    ]


def test_count_is_per_own_tenant_or_over_everything() -> None:
    assert count_body("sprintara") == {"query": {"term": {"tenant_id": "sprintara"}}}
    assert count_body(None) == {"query": {"match_all": {}}}


def test_document_ids_are_unique_per_tenant() -> None:
    assert document_id("sprintara", "article:care") != document_id("global", "article:care")


def test_index_actions_upsert_each_document_with_its_vector_row() -> None:
    vectors = numpy.array([[0.6, 0.8]], dtype=numpy.float32)

    [action] = index_actions("pakka-knowledge", [CHART], vectors)

    assert action["_op_type"] == "index"
    assert action["_index"] == "pakka-knowledge"
    assert action["_id"] == "sprintara|chart:sprintara:uk-8"
    source = action["_source"]
    assert source.pop("embedding") == pytest.approx([0.6, 0.8])
    assert source == CHART.model_dump(mode="json")


def test_index_actions_without_vectors_index_lexically_only() -> None:
    [action] = index_actions("pakka-knowledge", [CHART], None)

    assert "embedding" not in action["_source"]


def test_delete_actions_address_the_tenants_documents() -> None:
    assert list(delete_actions("pakka-knowledge", "sprintara", ["a", "b"])) == [
        {"_op_type": "delete", "_index": "pakka-knowledge", "_id": "sprintara|a"},
        {"_op_type": "delete", "_index": "pakka-knowledge", "_id": "sprintara|b"},
    ]


def test_response_hits_keep_opensearch_order_ids_and_scores() -> None:
    other = CHART.model_copy(update={"id": "chart:sprintara:uk-9"})
    response = search_response([("sprintara|chart:sprintara:uk-9", other, 3.5), ("sprintara|x", CHART, 1.25)])

    assert response_hits(response) == [
        ("sprintara|chart:sprintara:uk-9", other, 3.5),
        ("sprintara|x", CHART, 1.25),
    ]


@pytest.mark.parametrize(
    ("score", "space_type", "cosine"),
    [
        (1.0, "cosinesimil", 1.0),
        (0.5, "cosinesimil", 0.0),
        (0.0, "cosinesimil", -1.0),
        (1.8, "innerproduct", 0.8),
        (1.0, "innerproduct", 0.0),
        (0.5, "innerproduct", -1.0),
    ],
)
def test_knn_scores_convert_back_to_cosine_similarity(score: float, space_type: str, cosine: float) -> None:
    assert cosine_from_knn_score(score, space_type) == pytest.approx(cosine)


def test_an_unknown_space_type_has_no_cosine_conversion() -> None:
    with pytest.raises(ValueError, match="l2"):
        cosine_from_knn_score(0.5, "l2")
