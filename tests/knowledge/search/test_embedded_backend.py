"""EmbeddedSearchBackend: BM25 + vector hybrid search in one real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy
import pytest

from core.errors import InvalidInput
from knowledge.search.backend import SearchBackend
from knowledge.search.documents import (
    GLOBAL_TENANT,
    DocType,
    KnowledgeDoc,
    SearchFilters,
    SearchMode,
)
from knowledge.search.embedded import EmbeddedSearchBackend

DIM = 4
TENANT = "shop"


def axis(*weights: float) -> numpy.ndarray:
    """A normalised vector; tests place documents on axes so cosine order is obvious."""
    vector = numpy.array(weights, dtype=numpy.float32)
    return vector / numpy.linalg.norm(vector)


DOCS = [
    KnowledgeDoc(
        id="chart:sprintara:uk",
        doc_type=DocType.SIZE_CHART,
        title="Sprintara shoe size chart",
        text="Foot length in mm to UK, EU and India shoe sizes.",
        category="footwear",
        brand="Sprintara",
        source="pakka curated",
    ),
    KnowledgeDoc(
        id="article:how-to-measure-foot",
        doc_type=DocType.ARTICLE,
        title="How to measure your foot",
        text="Stand on paper, mark the heel and the longest toe, measure the length.",
        category="footwear",
        source="pakka curated",
    ),
    KnowledgeDoc(
        id="ingredient:niacinamide",
        doc_type=DocType.INGREDIENT,
        title="Niacinamide",
        text="Vitamin B3; calms redness and suits oily and combination skin.",
        category="skincare",
        source="pakka curated",
    ),
    KnowledgeDoc(
        id="product:sh-runner",
        tenant_id=TENANT,
        doc_type=DocType.PRODUCT,
        title="Stride Runner Running Shoes",
        text="Light mesh running shoes with a cushioned sole.",
        category="footwear",
        brand="Stride",
        source="catalog",
        metadata={"price_inr": 2499},
    ),
    KnowledgeDoc(
        id="product:rival-sneaker",
        tenant_id="rival",
        doc_type=DocType.PRODUCT,
        title="Rival running sneaker",
        text="Running shoes sold by another shop.",
        category="footwear",
        brand="Rival",
        source="catalog",
    ),
]
VECTORS = numpy.stack(
    [axis(1, 0, 0, 0), axis(0, 1, 0, 0), axis(0, 0, 1, 0), axis(1, 0, 0, 1), axis(1, 0, 0, 0)]
)


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[EmbeddedSearchBackend]:
    opened = EmbeddedSearchBackend(tmp_path / "kb" / "knowledge.db")
    opened.index(DOCS, VECTORS)
    try:
        yield opened
    finally:
        opened.close()


def ids(hits: list) -> list[str]:
    return [hit.doc.id for hit in hits]


def test_it_satisfies_the_search_backend_protocol(backend: EmbeddedSearchBackend) -> None:
    assert isinstance(backend, SearchBackend)
    assert backend.kind == "embedded"


def test_lexical_search_ranks_by_bm25_and_returns_the_whole_document(backend: EmbeddedSearchBackend) -> None:
    hits = backend.search(
        "measure foot length", None, SearchFilters(tenant_id=TENANT), mode=SearchMode.LEXICAL
    )

    assert ids(hits)[0] == "article:how-to-measure-foot"
    assert hits[0].doc == DOCS[1]
    assert hits[0].lexical_rank == 1 and hits[0].vector_rank is None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_lexical_search_stems_words(backend: EmbeddedSearchBackend) -> None:
    hits = backend.search("measuring", None, SearchFilters(tenant_id=TENANT), mode=SearchMode.LEXICAL)

    assert ids(hits) == ["article:how-to-measure-foot"]


def test_a_tenant_sees_its_own_and_global_documents_but_never_another_tenants(
    backend: EmbeddedSearchBackend,
) -> None:
    hits = backend.search("running shoes", axis(1, 0, 0, 0), SearchFilters(tenant_id=TENANT), k=10)

    assert "product:sh-runner" in ids(hits)
    assert "chart:sprintara:uk" in ids(hits)
    assert "product:rival-sneaker" not in ids(hits)


def test_the_global_tenant_sees_only_global_documents(backend: EmbeddedSearchBackend) -> None:
    hits = backend.search("shoes", axis(1, 0, 0, 0), SearchFilters(tenant_id=GLOBAL_TENANT))

    assert {hit.doc.tenant_id for hit in hits} == {GLOBAL_TENANT}


@pytest.mark.parametrize("mode", list(SearchMode))
def test_category_brand_and_doc_type_filters_apply_in_every_mode(
    backend: EmbeddedSearchBackend, mode: SearchMode
) -> None:
    query, vector = "shoe size running", axis(1, 0, 0, 0)

    by_category = backend.search(
        query, vector, SearchFilters(tenant_id=TENANT, category="Skincare"), mode=mode
    )
    by_brand = backend.search(query, vector, SearchFilters(tenant_id=TENANT, brand="stride"), mode=mode)
    by_type = backend.search(
        query, vector, SearchFilters(tenant_id=TENANT, doc_types=[DocType.SIZE_CHART]), mode=mode
    )

    assert all(hit.doc.category == "skincare" for hit in by_category)
    assert ids(by_brand) == ["product:sh-runner"]
    assert ids(by_type) == ["chart:sprintara:uk"]


def test_vector_search_ranks_by_cosine_similarity(backend: EmbeddedSearchBackend) -> None:
    hits = backend.search(
        "", axis(0, 0, 1, 0.1), SearchFilters(tenant_id=TENANT), mode=SearchMode.VECTOR, k=2
    )

    assert ids(hits)[0] == "ingredient:niacinamide"
    assert hits[0].score == pytest.approx(float(axis(0, 0, 1, 0.1) @ axis(0, 0, 1, 0)))
    assert hits[0].vector_rank == 1 and hits[0].lexical_rank is None


def test_hybrid_search_fuses_both_rankings_with_rrf(backend: EmbeddedSearchBackend) -> None:
    hits = backend.search("redness", axis(0, 1, 0, 0), SearchFilters(tenant_id=TENANT), k=3)

    assert set(ids(hits)[:2]) == {"ingredient:niacinamide", "article:how-to-measure-foot"}
    niacinamide = next(hit for hit in hits if hit.doc.id == "ingredient:niacinamide")
    assert niacinamide.lexical_rank == 1
    assert niacinamide.score == pytest.approx(1 / 61 + 1 / (60 + niacinamide.vector_rank))


def test_a_document_found_by_both_retrievers_outranks_one_found_by_either(
    backend: EmbeddedSearchBackend,
) -> None:
    hits = backend.search("stride runner", axis(1, 0, 0, 1), SearchFilters(tenant_id=TENANT))

    assert ids(hits)[0] == "product:sh-runner"
    assert hits[0].lexical_rank == 1 and hits[0].vector_rank == 1


def test_indexing_the_same_id_again_replaces_the_document(backend: EmbeddedSearchBackend) -> None:
    updated = DOCS[3].model_copy(update={"title": "Stride Trail Boots", "text": "Waterproof hiking boots."})

    backend.index([updated], axis(0, 0, 0, 1)[None, :])

    assert backend.count(TENANT) == 1
    assert (
        backend.search(
            "running", None, SearchFilters(tenant_id=TENANT, brand="Stride"), mode=SearchMode.LEXICAL
        )
        == []
    )
    hits = backend.search("hiking boots", axis(0, 0, 0, 1), SearchFilters(tenant_id=TENANT))
    assert hits[0].doc == updated
    assert hits[0].lexical_rank == 1 and hits[0].vector_rank == 1


def test_deleted_documents_leave_both_indexes(backend: EmbeddedSearchBackend) -> None:
    assert backend.delete(TENANT, ["product:sh-runner", "product:never-indexed"]) == 1
    assert backend.delete(TENANT, ["chart:sprintara:uk"]) == 0  # a global doc is not the tenant's to delete

    for mode in SearchMode:
        hits = backend.search("stride runner", axis(1, 0, 0, 1), SearchFilters(tenant_id=TENANT), mode=mode)
        assert "product:sh-runner" not in ids(hits)
    assert backend.count(TENANT) == 0


def test_count_is_per_tenant_or_overall(backend: EmbeddedSearchBackend) -> None:
    assert backend.count() == 5
    assert backend.count(GLOBAL_TENANT) == 3
    assert backend.count(TENANT) == 1
    assert backend.count("nobody") == 0


def test_documents_and_vectors_survive_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "knowledge.db"
    first = EmbeddedSearchBackend(path)
    first.index(DOCS, VECTORS)
    first.close()

    reopened = EmbeddedSearchBackend(path)
    try:
        hits = reopened.search("", axis(0, 0, 1, 0), SearchFilters(tenant_id=TENANT), mode=SearchMode.VECTOR)
        assert reopened.dim == DIM
        assert ids(hits)[0] == "ingredient:niacinamide"
        assert reopened.count() == 5
    finally:
        reopened.close()


def test_a_lexical_only_index_answers_hybrid_queries_from_bm25(tmp_path: Path) -> None:
    backend = EmbeddedSearchBackend(tmp_path / "knowledge.db")
    try:
        backend.index(DOCS, None)
        hits = backend.search("niacinamide", None, SearchFilters(tenant_id=TENANT))

        assert ids(hits) == ["ingredient:niacinamide"]
        assert backend.dim is None
        with pytest.raises(InvalidInput, match="query vector"):
            backend.search("niacinamide", None, SearchFilters(tenant_id=TENANT), mode=SearchMode.VECTOR)
    finally:
        backend.close()


def test_vectors_must_be_row_aligned_and_of_the_indexed_dimension(backend: EmbeddedSearchBackend) -> None:
    with pytest.raises(ValueError, match="row-aligned"):
        backend.index(DOCS[:2], VECTORS)
    with pytest.raises(ValueError, match="dimensions"):
        backend.index(DOCS[:1], numpy.ones((1, DIM + 2), dtype=numpy.float32))


def test_query_punctuation_and_operators_are_plain_text(backend: EmbeddedSearchBackend) -> None:
    hits = backend.search(
        'niacinamide" OR (NEAR AND *', None, SearchFilters(tenant_id=TENANT), mode=SearchMode.LEXICAL
    )

    assert ids(hits)[0] == "ingredient:niacinamide"
    assert backend.search("?!", None, SearchFilters(tenant_id=TENANT)) == []


def test_a_rarer_query_term_outweighs_a_common_one(tmp_path: Path) -> None:
    backend = EmbeddedSearchBackend(tmp_path / "knowledge.db")
    common = [
        KnowledgeDoc(
            id=f"article:{i}", doc_type=DocType.ARTICLE, title=f"Shoe guide {i}", text="shoe care", source="t"
        )
        for i in range(10)
    ]
    rare = KnowledgeDoc(id="article:suede", doc_type=DocType.ARTICLE, title="Suede", text="care", source="t")
    try:
        backend.index([*common, rare], None)
        hits = backend.search(
            "suede shoe", None, SearchFilters(tenant_id=TENANT), k=20, mode=SearchMode.LEXICAL
        )

        assert ids(hits)[0] == "article:suede"
        assert len(hits) == 11  # the common term still finds every chunk holding it, ranked below
    finally:
        backend.close()


def test_a_title_match_outranks_the_same_term_in_the_body(tmp_path: Path) -> None:
    backend = EmbeddedSearchBackend(tmp_path / "knowledge.db")
    article = KnowledgeDoc(id="article:body", doc_type=DocType.ARTICLE, title="", text="", source="t")
    in_body = article.model_copy(update={"title": "Care guide", "text": "Clean suede gently."})
    in_title = article.model_copy(
        update={"id": "article:title", "title": "Suede guide", "text": "Clean it gently."}
    )
    try:
        backend.index([in_body, in_title], None)
        hits = backend.search("suede", None, SearchFilters(tenant_id=TENANT), mode=SearchMode.LEXICAL)

        assert ids(hits) == ["article:title", "article:body"]
    finally:
        backend.close()
