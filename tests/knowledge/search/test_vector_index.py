"""VectorIndex: exact cosine top-N over tenant partitions with type, category and brand filters."""

from __future__ import annotations

from dataclasses import replace

import numpy
import pytest

from knowledge.search.row_filter import RowFilter
from knowledge.search.vector_index import EXACT_UP_TO_ROWS, VectorIndex, VectorRow

DIM = 16


def unit(seed: int) -> numpy.ndarray:
    vector = numpy.random.default_rng(seed).standard_normal(DIM).astype(numpy.float32)
    return vector / numpy.linalg.norm(vector)


def row(
    rowid: int,
    doc_type: str = "product",
    category: str | None = "footwear",
    brand: str | None = "Stride",
) -> VectorRow:
    return VectorRow(rowid=rowid, doc_type=doc_type, category=category, brand=brand, vector=unit(rowid))


@pytest.fixture
def index() -> VectorIndex:
    built = VectorIndex(DIM)
    built.replace_tenant("shop", [row(i, doc_type="product" if i % 2 else "article") for i in range(1, 41)])
    built.replace_tenant("other", [row(i) for i in range(41, 61)])
    built.replace_tenant("global", [row(i, doc_type="size_chart", brand=None) for i in range(61, 71)])
    return built


def brute_force(rows: list[VectorRow], query: numpy.ndarray, n: int) -> list[int]:
    scored = sorted(rows, key=lambda r: -float(r.vector @ query))
    return [r.rowid for r in scored[:n]]


def test_results_are_the_exact_cosine_top_n_of_the_searched_tenants(index: VectorIndex) -> None:
    query = unit(999)
    rows = [row(i, doc_type="product" if i % 2 else "article") for i in range(1, 41)]
    rows += [row(i, doc_type="size_chart", brand=None) for i in range(61, 71)]

    hits = index.search(query, ["shop", "global"], top_n=7)

    assert [rowid for rowid, _ in hits] == brute_force(rows, query, 7)
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)


def test_another_tenants_partition_is_never_searched(index: VectorIndex) -> None:
    hits = index.search(unit(45), ["shop", "global"], top_n=100)

    assert not {rowid for rowid, _ in hits} & set(range(41, 61))
    assert len(hits) == 50


def test_a_doc_type_filter_keeps_only_rows_of_those_types(index: VectorIndex) -> None:
    wanted = RowFilter(doc_types=["size_chart", "article"])

    hits = index.search(unit(3), ["shop", "global"], top_n=100, wanted=wanted)

    assert {rowid for rowid, _ in hits} == set(range(2, 41, 2)) | set(range(61, 71))


def test_category_and_brand_filters_ignore_case_and_unknown_values_match_nothing(index: VectorIndex) -> None:
    wanted = RowFilter(brand="STRIDE", doc_types=["product"])

    by_brand = index.search(unit(3), ["shop", "global"], top_n=100, wanted=wanted)

    assert {rowid for rowid, _ in by_brand} == set(range(1, 41, 2))
    assert index.search(unit(3), ["shop", "global"], top_n=10, wanted=RowFilter(category="skincare")) == []


def test_selective_and_broad_filters_score_rows_identically(index: VectorIndex) -> None:
    query = unit(7)
    wanted = RowFilter(doc_types=["product"], brand="stride")

    narrow = dict(index.search(query, ["shop"], top_n=100, wanted=wanted))
    broad = dict(index.search(query, ["shop"], top_n=100))

    assert narrow and all(narrow[rowid] == pytest.approx(broad[rowid]) for rowid in narrow)


def test_replacing_a_tenant_with_no_rows_removes_its_partition(index: VectorIndex) -> None:
    index.replace_tenant("shop", [])

    assert len(index) == 30
    assert {rowid for rowid, _ in index.search(unit(1), ["shop"], top_n=10)} == set()


def test_a_query_of_the_wrong_dimension_is_rejected(index: VectorIndex) -> None:
    with pytest.raises(ValueError, match="dimensions"):
        index.search(numpy.ones(DIM + 1, dtype=numpy.float32), ["shop"], top_n=5)


def clustered_rows(count: int, dim: int, seed: int) -> tuple[list[VectorRow], numpy.ndarray]:
    """Vectors around 100 random centres, the way text embeddings cluster by topic."""
    rng = numpy.random.default_rng(seed)
    centres = rng.standard_normal((100, dim)).astype(numpy.float32)
    vectors = centres[rng.integers(0, 100, count)] + rng.standard_normal((count, dim)).astype(numpy.float32)
    vectors /= numpy.linalg.norm(vectors, axis=1, keepdims=True)
    types = ["product", "article"]
    return [VectorRow(i, types[i % 2], None, None, vectors[i]) for i in range(count)], vectors


def test_a_large_partition_still_returns_the_exact_top_n_with_exact_scores() -> None:
    """Past EXACT_UP_TO_ROWS a reduced-dimension pass picks the rows to re-score; on clustered vectors it
    misses none of the true nearest neighbours."""
    rows, vectors = clustered_rows(EXACT_UP_TO_ROWS + 5_000, 192, seed=4)
    index = VectorIndex(192)
    index.replace_tenant("shop", rows)

    for query in vectors[:10]:
        hits = index.search(query, ["shop"], top_n=10)

        exact = numpy.argsort(-(vectors @ query), kind="stable")[:10]
        assert [rowid for rowid, _ in hits] == exact.tolist()
        assert [score for _, score in hits] == pytest.approx((vectors[exact] @ query).tolist(), rel=1e-5)


def test_a_filter_leaving_few_rows_of_a_large_partition_searches_them_exactly() -> None:
    rows, vectors = clustered_rows(EXACT_UP_TO_ROWS + 2_000, 192, seed=6)
    index = VectorIndex(192)
    index.replace_tenant("shop", [replace(r, category="boots" if r.rowid % 10 == 0 else None) for r in rows])
    boots = numpy.arange(0, len(rows), 10)  # 1,200 rows: fewer than the first pass would keep
    query = vectors[0]

    hits = index.search(query, ["shop"], top_n=10, wanted=RowFilter(category="boots"))

    exact = boots[numpy.argsort(-(vectors[boots] @ query), kind="stable")[:10]]
    assert [rowid for rowid, _ in hits] == exact.tolist()
