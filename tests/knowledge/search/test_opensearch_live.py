"""The OpenSearch backend against a live cluster named by PAKKA_OPENSEARCH_URL (none can run here).

Each test works in indices under a fresh prefix and deletes them afterwards. The pipeline strategy needs
the neural-search plugin (OpenSearch >= 2.10); the client_rrf strategy needs only k-NN.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import numpy
import pytest
from opensearchpy import OpenSearch

from knowledge.search.documents import (
    GLOBAL_TENANT,
    DocType,
    KnowledgeDoc,
    SearchFilters,
    SearchHit,
    SearchMode,
)
from knowledge.search.opensearch.backend import OpenSearchBackend
from knowledge.search.opensearch.client import open_client
from knowledge.search.opensearch.mapping import pipeline_name

OPENSEARCH_URL = os.environ.get("PAKKA_OPENSEARCH_URL", "")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not OPENSEARCH_URL, reason="set PAKKA_OPENSEARCH_URL to test a live OpenSearch"),
]


def unit(*values: float) -> numpy.ndarray:
    vector = numpy.array(values, dtype=numpy.float32)
    return vector / numpy.linalg.norm(vector)


def make_doc(
    doc_id: str, title: str, text: str, tenant_id: str = GLOBAL_TENANT, **fields: str
) -> KnowledgeDoc:
    return KnowledgeDoc(
        id=doc_id,
        tenant_id=tenant_id,
        doc_type=DocType(fields.pop("doc_type", DocType.ARTICLE)),
        title=title,
        text=text,
        source="pakka curated",
        **fields,
    )


MEASURE = make_doc("article:measure", "How to measure your foot", "Trace your foot on paper in the evening.")
SAREE = make_doc(
    "article:saree", "Saree draping guide", "Pleat the saree and pin the pallu.", category="apparel"
)
SPRINTARA_UK8 = make_doc(
    "chart:sprintara:uk-8",
    "Sprintara UK 8",
    "Running shoe for a foot length of 262 mm",
    tenant_id="sprintara",
    doc_type=DocType.SIZE_CHART,
    category="footwear",
    brand="Sprintara",
)
RIVAL_UK8 = make_doc(
    "chart:rival:uk-8",
    "Rival UK 8",
    "Running shoe for a foot length of 262 mm",
    tenant_id="rival",
    doc_type=DocType.SIZE_CHART,
    category="footwear",
    brand="Rival",
)
DOCS = [MEASURE, SAREE, SPRINTARA_UK8, RIVAL_UK8]
VECTORS = numpy.stack([unit(1, 0, 0, 0), unit(0, 1, 0, 0), unit(0, 0, 1, 0.2), unit(0, 0, 1, 0.1)])
SPRINTARA = SearchFilters(tenant_id="sprintara")


@pytest.fixture
def client() -> Iterator[OpenSearch]:
    """A client for inspecting the cluster directly; the backend under test shares it."""
    opened = open_client(OPENSEARCH_URL)
    yield opened
    opened.close()


@pytest.fixture(params=["client_rrf", "pipeline"])
def backend(request: pytest.FixtureRequest, client: OpenSearch) -> Iterator[OpenSearchBackend]:
    prefix = f"pakka-test-{uuid.uuid4().hex[:10]}"
    opened = OpenSearchBackend(client, index_prefix=prefix, dimension=4, hybrid=request.param, replicas=0)
    try:
        opened.ensure_index()
        yield opened
    finally:
        ours = client.indices.get(index=f"{prefix}-knowledge-v*", allow_no_indices=True)
        if ours:
            client.indices.delete(index=",".join(ours))
        if request.param == "pipeline":
            client.search_pipeline.delete(id=pipeline_name(prefix))


@pytest.fixture
def loaded(backend: OpenSearchBackend) -> OpenSearchBackend:
    assert backend.index(DOCS, VECTORS) == len(DOCS)
    return backend


def ids(hits: list[SearchHit]) -> list[str]:
    return [hit.doc.id for hit in hits]


def test_ensure_index_creates_version_one_behind_the_alias_with_a_knn_mapping(
    backend: OpenSearchBackend, client: OpenSearch
) -> None:
    assert backend.current_index() == f"{backend.alias}-v1"
    assert backend.ensure_index() == f"{backend.alias}-v1"
    mapping = client.indices.get_mapping(index=backend.alias)
    [properties] = [entry["mappings"]["properties"] for entry in mapping.values()]
    assert properties["embedding"]["type"] == "knn_vector"
    assert properties["embedding"]["dimension"] == 4


def test_ingested_documents_are_counted_per_tenant(loaded: OpenSearchBackend) -> None:
    assert loaded.count() == 4
    assert loaded.count(GLOBAL_TENANT) == 2
    assert loaded.count("sprintara") == 1


def test_lexical_search_sees_own_and_global_documents_but_not_other_tenants(
    loaded: OpenSearchBackend,
) -> None:
    hits = loaded.search("running shoe foot", None, SPRINTARA, mode=SearchMode.LEXICAL)

    assert "chart:sprintara:uk-8" in ids(hits)
    assert "article:measure" in ids(hits)
    assert "chart:rival:uk-8" not in ids(hits)


def test_filters_narrow_by_category_brand_and_doc_type(loaded: OpenSearchBackend) -> None:
    filters = SearchFilters(
        tenant_id="sprintara", category="Footwear", brand="sprintara", doc_types=[DocType.SIZE_CHART]
    )

    assert ids(loaded.search("foot", None, filters, mode=SearchMode.LEXICAL)) == ["chart:sprintara:uk-8"]


def test_indian_english_synonyms_and_glued_sizes_match(loaded: OpenSearchBackend) -> None:
    assert ids(loaded.search("sari", None, SPRINTARA, mode=SearchMode.LEXICAL)) == ["article:saree"]
    assert ids(loaded.search("UK8", None, SPRINTARA, mode=SearchMode.LEXICAL))[0] == "chart:sprintara:uk-8"


def test_vector_search_filters_inside_knn_and_reports_cosine(loaded: OpenSearchBackend) -> None:
    hits = loaded.search("", unit(0, 0, 1, 0.1), SPRINTARA, k=2, mode=SearchMode.VECTOR)

    assert ids(hits)[0] == "chart:sprintara:uk-8"
    assert "chart:rival:uk-8" not in ids(hits)
    assert hits[0].score == pytest.approx(float(unit(0, 0, 1, 0.1) @ VECTORS[2]), abs=1e-3)


def test_hybrid_search_ranks_the_document_both_retrievers_agree_on_first(loaded: OpenSearchBackend) -> None:
    hits = loaded.search("measure foot", unit(1, 0, 0, 0.05), SPRINTARA, k=3)

    assert ids(hits)[0] == "article:measure"
    assert "chart:rival:uk-8" not in ids(hits)


def test_deleted_documents_stop_matching(loaded: OpenSearchBackend) -> None:
    assert loaded.delete("sprintara", ["chart:sprintara:uk-8", "never-indexed"]) == 1

    assert loaded.count("sprintara") == 0
    remaining = loaded.search("running shoe", None, SPRINTARA, mode=SearchMode.LEXICAL)
    assert "chart:sprintara:uk-8" not in ids(remaining)


def test_reindex_swaps_the_alias_to_a_new_version_and_drops_the_old_one(
    loaded: OpenSearchBackend, client: OpenSearch
) -> None:
    assert loaded.reindex([MEASURE], VECTORS[:1]) == f"{loaded.alias}-v2"

    assert loaded.current_index() == f"{loaded.alias}-v2"
    assert not client.indices.exists(index=f"{loaded.alias}-v1")
    assert loaded.count() == 1
    assert ids(loaded.search("measure", None, SPRINTARA, mode=SearchMode.LEXICAL)) == ["article:measure"]
