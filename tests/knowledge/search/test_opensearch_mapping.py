"""The knowledge index's names, settings, mapping and hybrid search pipeline, as sent to OpenSearch."""

from __future__ import annotations

import pytest

from knowledge.search.opensearch.mapping import (
    INDEX_ANALYZER,
    KEYWORD_NORMALIZER,
    SEARCH_ANALYZER,
    VECTOR_FIELD,
    alias_name,
    hybrid_pipeline_body,
    index_version,
    knowledge_index_body,
    pipeline_name,
    versioned_index_name,
    versioned_index_pattern,
)


def test_physical_indices_are_versioned_behind_one_alias() -> None:
    assert alias_name("pakka") == "pakka-knowledge"
    assert versioned_index_name("pakka", 3) == "pakka-knowledge-v3"
    assert versioned_index_pattern("pakka") == "pakka-knowledge-v*"
    assert pipeline_name("pakka") == "pakka-knowledge-hybrid"


@pytest.mark.parametrize(
    ("index", "version"),
    [
        ("pakka-knowledge-v1", 1),
        ("pakka-knowledge-v12", 12),
        ("pakka-knowledge", None),
        ("pakka-knowledge-v2-old", None),
        ("other-knowledge-v1", None),
        ("pakkax-knowledge-v1", None),
    ],
)
def test_index_version_reads_only_our_own_versioned_names(index: str, version: int | None) -> None:
    assert index_version("pakka", index) == version


def test_vector_field_is_an_hnsw_knn_vector_with_the_embedders_dimension() -> None:
    body = knowledge_index_body(384)

    assert body["settings"]["index"]["knn"] is True
    assert body["mappings"]["properties"][VECTOR_FIELD] == {
        "type": "knn_vector",
        "dimension": 384,
        "method": {
            "name": "hnsw",
            "engine": "lucene",
            "space_type": "cosinesimil",
            "parameters": {"m": 16, "ef_construction": 128},
        },
    }


def test_faiss_engine_uses_inner_product_which_equals_cosine_on_normalised_vectors() -> None:
    method = knowledge_index_body(8, engine="faiss")["mappings"]["properties"][VECTOR_FIELD]["method"]

    assert (method["engine"], method["space_type"]) == ("faiss", "innerproduct")


def test_lexical_only_index_has_no_vector_field_and_no_knn_setting() -> None:
    body = knowledge_index_body(None)

    assert VECTOR_FIELD not in body["mappings"]["properties"]
    assert "knn" not in body["settings"]["index"]


def test_a_non_positive_dimension_is_refused() -> None:
    with pytest.raises(ValueError, match="dimension"):
        knowledge_index_body(0)


def test_filter_fields_are_keywords_and_category_and_brand_ignore_case() -> None:
    properties = knowledge_index_body(4)["mappings"]["properties"]

    for field in ("id", "tenant_id", "doc_type", "category", "brand"):
        assert properties[field]["type"] == "keyword"
    assert properties["category"]["normalizer"] == KEYWORD_NORMALIZER
    assert properties["brand"]["normalizer"] == KEYWORD_NORMALIZER
    assert "normalizer" not in properties["tenant_id"]


def test_title_and_text_use_the_indian_english_analyzers() -> None:
    properties = knowledge_index_body(4)["mappings"]["properties"]

    for field in ("title", "text"):
        assert properties[field] == {
            "type": "text",
            "analyzer": INDEX_ANALYZER,
            "search_analyzer": SEARCH_ANALYZER,
        }


def test_mapping_is_strict_and_keeps_metadata_unindexed() -> None:
    mappings = knowledge_index_body(4)["mappings"]

    assert mappings["dynamic"] == "strict"
    assert mappings["properties"]["metadata"] == {"type": "object", "enabled": False}
    assert mappings["properties"]["source"] == {"type": "keyword", "index": False}


def test_synonyms_apply_at_search_time_only() -> None:
    analysis = knowledge_index_body(4)["settings"]["analysis"]
    index_filters = analysis["analyzer"][INDEX_ANALYZER]["filter"]
    search_filters = analysis["analyzer"][SEARCH_ANALYZER]["filter"]

    assert "pakka_synonyms" in search_filters
    assert "pakka_synonyms" not in index_filters
    assert [f for f in search_filters if f != "pakka_synonyms"] == index_filters
    synonyms = analysis["filter"]["pakka_synonyms"]
    assert synonyms["type"] == "synonym_graph"
    assert "saree, sari" in synonyms["synonyms"]


def test_both_analyzers_split_sizes_like_uk8_before_tokenizing() -> None:
    analysis = knowledge_index_body(4)["settings"]["analysis"]

    assert analysis["char_filter"]["pakka_split_letters_digits"]["type"] == "pattern_replace"
    for analyzer in (INDEX_ANALYZER, SEARCH_ANALYZER):
        assert analysis["analyzer"][analyzer]["char_filter"] == ["pakka_split_letters_digits"]
        assert analysis["analyzer"][analyzer]["tokenizer"] == "standard"
        assert "lowercase" in analysis["analyzer"][analyzer]["filter"]


def test_hybrid_pipeline_min_max_normalises_then_averages() -> None:
    processor = hybrid_pipeline_body()["phase_results_processors"][0]["normalization-processor"]

    assert processor["normalization"] == {"technique": "min_max"}
    assert processor["combination"] == {"technique": "arithmetic_mean", "parameters": {"weights": [0.5, 0.5]}}


def test_hybrid_pipeline_weights_can_favour_one_retriever() -> None:
    processor = hybrid_pipeline_body((0.3, 0.7))["phase_results_processors"][0]["normalization-processor"]

    assert processor["combination"]["parameters"]["weights"] == [0.3, 0.7]
