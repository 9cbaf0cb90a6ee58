"""Bm25Index: BM25 top-N over tenant partitions of postings, with metadata filters."""

from __future__ import annotations

import math

import pytest

from knowledge.search.bm25_index import K1, TITLE_WEIGHT, B, Bm25Index, LexicalRow
from knowledge.search.row_filter import ANY_ROW, RowFilter
from knowledge.search.text_analysis import postings, query_terms


def row(
    rowid: int,
    title: str,
    text: str = "",
    doc_type: str = "article",
    category: str | None = "footwear",
    brand: str | None = None,
) -> LexicalRow:
    return LexicalRow(
        rowid=rowid, doc_type=doc_type, category=category, brand=brand, postings=postings(title, text)
    )


@pytest.fixture
def index() -> Bm25Index:
    built = Bm25Index()
    built.replace_tenant(
        "shop",
        [
            row(1, "Stride runner", "light running shoes", doc_type="product", brand="Stride"),
            row(2, "Trail boots", "waterproof leather boots for hiking", doc_type="product", brand="Kadam"),
            row(3, "Caring for suede", "brush suede shoes when dry"),
        ],
    )
    built.replace_tenant("rival", [row(11, "Rival runner", "running shoes", doc_type="product")])
    built.replace_tenant(
        "global",
        [
            row(21, "How to measure your foot", "measure the longest toe"),
            row(22, "Niacinamide", "calms redness", doc_type="ingredient", category="skincare"),
        ],
    )
    return built


def search(index: Bm25Index, query: str, wanted: RowFilter = ANY_ROW) -> list[int]:
    return [
        rowid for rowid, _ in index.search(query_terms(query), ["shop", "global"], top_n=10, wanted=wanted)
    ]


def test_only_documents_holding_a_query_term_are_returned_best_first(index: Bm25Index) -> None:
    hits = index.search(query_terms("running shoes"), ["shop", "global"], top_n=10)

    assert [rowid for rowid, _ in hits] == [1, 3]
    assert hits[0][1] > hits[1][1] > 0


def test_a_score_is_bm25_with_the_title_counted_three_times() -> None:
    index = Bm25Index()
    index.replace_tenant("shop", [row(1, "suede", "suede care tips"), row(2, "boots", "leather care")])

    [(rowid, score), _] = index.search(query_terms("suede care"), ["shop"], top_n=10)

    average_length = (4 + 3) / 2
    norm = K1 * (1 - B + B * 4 / average_length)
    frequency = TITLE_WEIGHT + 1
    idf_suede = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))
    idf_care = math.log(1 + (2 - 2 + 0.5) / (2 + 0.5))
    expected = idf_suede * frequency * (K1 + 1) / (frequency + norm) + idf_care * 1 * (K1 + 1) / (1 + norm)
    assert rowid == 1
    assert score == pytest.approx(expected, rel=1e-5)


def test_another_tenants_documents_are_never_returned(index: Bm25Index) -> None:
    assert 11 not in search(index, "rival runner")
    assert search(index, "rival") == []


def test_document_frequencies_count_only_the_searched_partitions() -> None:
    """Another tenant's many 'runner' chunks must not make the term look common to this one."""
    shop = [row(1, "Stride runner", "light running shoes"), row(2, "Trail boots", "leather boots")]
    alone, crowded = Bm25Index(), Bm25Index()
    alone.replace_tenant("shop", shop)
    crowded.replace_tenant("shop", shop)
    crowded.replace_tenant("other", [row(i, "runner", "runner") for i in range(100, 150)])

    [(_, by_itself)] = alone.search(["runner"], ["shop"], top_n=10)
    [(_, with_neighbours)] = crowded.search(["runner"], ["shop"], top_n=10)

    assert with_neighbours == pytest.approx(by_itself)


def test_a_document_scores_the_same_in_the_global_partition_as_in_the_tenants() -> None:
    """Term rarity and average length are taken over everything searched, not per partition."""
    shop = [row(1, "Stride runner", "light running shoes"), row(2, "Trail boots", "leather boots for hiking")]
    guide = row(3, "Running shoe guide", "how to choose running shoes for flat feet and long runs")
    split, together = Bm25Index(), Bm25Index()
    split.replace_tenant("shop", shop)
    split.replace_tenant("global", [guide])
    together.replace_tenant("shop", [*shop, guide])

    terms = query_terms("running shoes")
    split_hits = split.search(terms, ["shop", "global"], top_n=10)
    together_hits = together.search(terms, ["shop"], top_n=10)

    assert [rowid for rowid, _ in split_hits] == [rowid for rowid, _ in together_hits] == [3, 1]
    assert [score for _, score in split_hits] == pytest.approx([score for _, score in together_hits])


def test_filters_apply_to_doc_type_category_and_brand_ignoring_case(index: Bm25Index) -> None:
    assert search(index, "shoes boots", RowFilter(doc_types=["product"])) == [2, 1]
    assert search(index, "shoes boots measure", RowFilter(category="FOOTWEAR", brand="stride")) == [1]
    assert search(index, "redness shoes", RowFilter(category="skincare")) == [22]
    assert search(index, "shoes", RowFilter(brand="no such brand")) == []
    assert search(index, "shoes", RowFilter(doc_types=[])) == []


def test_replacing_a_tenant_with_no_rows_removes_its_partition(index: Bm25Index) -> None:
    index.replace_tenant("shop", [])

    assert len(index) == 3
    assert search(index, "suede boots") == []


def test_a_query_with_no_indexed_term_finds_nothing(index: Bm25Index) -> None:
    assert search(index, "umbrella") == []
    assert index.search([], ["shop"], top_n=10) == []
