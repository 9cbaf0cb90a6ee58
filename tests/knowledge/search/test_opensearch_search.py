"""Searching through a real opensearch-py client against a recording fake cluster: lexical, vector,
hybrid by client-side reciprocal rank fusion, and hybrid by the neural-search normalization pipeline."""

from __future__ import annotations

from collections.abc import Iterator

import numpy
import pytest

from core.errors import InvalidInput, StoreUnavailable
from knowledge.search.backend import reciprocal_rank_fusion
from knowledge.search.documents import DocType, KnowledgeDoc, SearchFilters, SearchMode
from knowledge.search.opensearch.client import SearchBackendRejected
from knowledge.search.opensearch.queries import (
    hybrid_search_body,
    knn_search_body,
    lexical_search_body,
)
from tests.knowledge.search.fake_opensearch import (
    FakeOpenSearch,
    backend_for,
    error_body,
    search_response,
    serve,
)

FILTERS = SearchFilters(tenant_id="sprintara", category="footwear")
QUERY_VECTOR = numpy.array([0.6, 0.8], dtype=numpy.float32)
SEARCH = "/t-knowledge/_search"


@pytest.fixture
def fake() -> Iterator[FakeOpenSearch]:
    yield from serve()


def article(doc_id: str, tenant_id: str = "global") -> KnowledgeDoc:
    return KnowledgeDoc(
        id=doc_id,
        tenant_id=tenant_id,
        doc_type=DocType.ARTICLE,
        title=doc_id.replace("-", " "),
        text="Measure your foot in the evening",
        category="footwear",
        source="pakka curated",
    )


MEASURE, WIDTH, CARE, RETURNS = (article(name) for name in ("measure", "width", "care", "returns"))


def hit(doc: KnowledgeDoc, score: float) -> tuple[str, KnowledgeDoc, float]:
    return f"{doc.tenant_id}|{doc.id}", doc, score


def test_lexical_search_sends_the_bm25_body_and_ranks_hits_in_order(fake: FakeOpenSearch) -> None:
    fake.on("POST", SEARCH, (200, search_response([hit(MEASURE, 7.5), hit(CARE, 2.0)])))

    hits = backend_for(fake).search("measure foot", None, FILTERS, k=4, mode=SearchMode.LEXICAL)

    assert [(h.doc, h.score, h.lexical_rank, h.vector_rank) for h in hits] == [
        (MEASURE, 7.5, 1, None),
        (CARE, 2.0, 2, None),
    ]
    [request] = fake.requests
    assert request.json() == lexical_search_body("measure foot", FILTERS, 4)


def test_vector_search_sends_filtered_knn_and_reports_cosine_similarity(fake: FakeOpenSearch) -> None:
    fake.on("POST", SEARCH, (200, search_response([hit(WIDTH, 0.95), hit(MEASURE, 0.75)])))

    hits = backend_for(fake).search("", QUERY_VECTOR, FILTERS, k=2, mode=SearchMode.VECTOR)

    assert [(h.doc, h.vector_rank, h.lexical_rank) for h in hits] == [(WIDTH, 1, None), (MEASURE, 2, None)]
    assert [h.score for h in hits] == pytest.approx([0.9, 0.5])
    [request] = fake.requests
    assert request.json() == knn_search_body(QUERY_VECTOR, FILTERS, 2)


def test_faiss_inner_product_scores_also_read_as_cosine(fake: FakeOpenSearch) -> None:
    fake.on("POST", SEARCH, (200, search_response([hit(WIDTH, 1.9)])))

    [found] = backend_for(fake, engine="faiss").search("", QUERY_VECTOR, FILTERS, mode=SearchMode.VECTOR)

    assert found.score == pytest.approx(0.9)


def test_vector_search_without_a_query_vector_is_refused(fake: FakeOpenSearch) -> None:
    with pytest.raises(InvalidInput, match="needs a query vector"):
        backend_for(fake).search("measure", None, FILTERS, mode=SearchMode.VECTOR)
    assert fake.requests == []


def test_a_query_vector_of_the_wrong_dimension_is_refused(fake: FakeOpenSearch) -> None:
    with pytest.raises(InvalidInput, match="wrong dimension"):
        backend_for(fake).search("measure", numpy.ones(3, dtype=numpy.float32), FILTERS)
    assert fake.requests == []


def test_k_below_one_is_refused(fake: FakeOpenSearch) -> None:
    with pytest.raises(InvalidInput, match="k must be"):
        backend_for(fake).search("measure", None, FILTERS, k=0)


def test_client_rrf_hybrid_sends_bm25_and_knn_in_one_msearch_and_fuses_them(fake: FakeOpenSearch) -> None:
    lexical = search_response([hit(MEASURE, 9.0), hit(CARE, 4.0), hit(RETURNS, 1.0)])
    vector = search_response([hit(WIDTH, 0.97), hit(MEASURE, 0.9)])
    fake.on("POST", "/_msearch", (200, {"took": 4, "responses": [lexical, vector]}))

    hits = backend_for(fake, candidates=3).search("measure", QUERY_VECTOR, FILTERS, k=3)

    expected = reciprocal_rank_fusion(
        [["global|measure", "global|care", "global|returns"], ["global|width", "global|measure"]]
    )[:3]
    assert [(f"{h.doc.tenant_id}|{h.doc.id}", h.score) for h in hits] == expected
    assert [(h.doc, h.lexical_rank, h.vector_rank) for h in hits] == [
        (MEASURE, 1, 2),
        (WIDTH, None, 1),
        (CARE, 2, None),
    ]
    [request] = fake.requests
    assert request.ndjson() == [
        {"index": "t-knowledge"},
        lexical_search_body("measure", FILTERS, 3),
        {"index": "t-knowledge"},
        knn_search_body(QUERY_VECTOR, FILTERS, 3),
    ]


def test_hybrid_fetches_at_least_k_candidates_from_each_retriever(fake: FakeOpenSearch) -> None:
    fake.on("POST", "/_msearch", (200, {"responses": [search_response([]), search_response([])]}))

    assert backend_for(fake, candidates=3).search("measure", QUERY_VECTOR, FILTERS, k=8) == []

    _, lexical, _, vector = fake.requests[0].ndjson()
    assert lexical["size"] == vector["size"] == vector["query"]["knn"]["embedding"]["k"] == 8


def test_hybrid_without_a_query_vector_is_plain_bm25(fake: FakeOpenSearch) -> None:
    fake.on("POST", SEARCH, (200, search_response([hit(CARE, 3.0), hit(MEASURE, 2.0)])))

    hits = backend_for(fake).search("care", None, FILTERS, k=5)

    assert [(h.doc, h.score, h.lexical_rank, h.vector_rank) for h in hits] == [
        (CARE, 3.0, 1, None),
        (MEASURE, 2.0, 2, None),
    ]
    [request] = fake.requests
    assert request.json() == lexical_search_body("care", FILTERS, 5)


def test_hybrid_returns_bm25_hits_as_they_are_when_knn_finds_nothing(fake: FakeOpenSearch) -> None:
    lexical = search_response([hit(CARE, 3.0), hit(MEASURE, 2.0)])
    fake.on("POST", "/_msearch", (200, {"responses": [lexical, search_response([])]}))

    hits = backend_for(fake).search("care", QUERY_VECTOR, FILTERS, k=1)

    assert [(h.doc, h.score, h.lexical_rank, h.vector_rank) for h in hits] == [(CARE, 3.0, 1, None)]


def test_hybrid_returns_knn_hits_with_cosine_scores_when_bm25_finds_nothing(fake: FakeOpenSearch) -> None:
    nearest = search_response([hit(WIDTH, 0.95)])
    fake.on("POST", "/_msearch", (200, {"responses": [search_response([]), nearest]}))

    [found] = backend_for(fake).search("zzz", QUERY_VECTOR, FILTERS)

    assert (found.doc, found.lexical_rank, found.vector_rank) == (WIDTH, None, 1)
    assert found.score == pytest.approx(0.9)


def test_a_failed_search_inside_msearch_raises_its_own_error(fake: FakeOpenSearch) -> None:
    reason = "query vector has invalid dimension: 2. Dimension should be: 384"
    failed = {**error_body("illegal_argument_exception", reason), "status": 400}
    fake.on("POST", "/_msearch", (200, {"responses": [search_response([]), failed]}))

    with pytest.raises(SearchBackendRejected, match="invalid dimension"):
        backend_for(fake).search("measure", QUERY_VECTOR, FILTERS)


def test_a_shard_failure_inside_msearch_is_a_backend_fault(fake: FakeOpenSearch) -> None:
    failed = {**error_body("search_phase_execution_exception", "all shards failed"), "status": 503}
    fake.on("POST", "/_msearch", (200, {"responses": [failed, search_response([])]}))

    with pytest.raises(StoreUnavailable, match="search_phase_execution_exception"):
        backend_for(fake).search("measure", QUERY_VECTOR, FILTERS)


def test_pipeline_hybrid_sends_one_hybrid_query_through_the_search_pipeline(fake: FakeOpenSearch) -> None:
    fake.on("POST", SEARCH, (200, search_response([hit(MEASURE, 0.93), hit(WIDTH, 0.41)])))

    hits = backend_for(fake, hybrid="pipeline", candidates=20).search("measure", QUERY_VECTOR, FILTERS, k=2)

    assert [(h.doc, h.score, h.lexical_rank, h.vector_rank) for h in hits] == [
        (MEASURE, 0.93, None, None),
        (WIDTH, 0.41, None, None),
    ]
    [request] = fake.requests
    assert request.query == {"search_pipeline": "t-knowledge-hybrid"}
    assert request.json() == hybrid_search_body("measure", QUERY_VECTOR, FILTERS, 2, 20)


def test_pipeline_hybrid_without_a_query_vector_is_plain_bm25_without_the_pipeline(
    fake: FakeOpenSearch,
) -> None:
    fake.on("POST", SEARCH, (200, search_response([hit(CARE, 3.0)])))

    [found] = backend_for(fake, hybrid="pipeline").search("care", None, FILTERS)

    assert (found.doc, found.score, found.lexical_rank) == (CARE, 3.0, 1)
    [request] = fake.requests
    assert request.query == {}
    assert request.json() == lexical_search_body("care", FILTERS, 10)
