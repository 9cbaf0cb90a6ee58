"""The recommendation filter: >= 0.75, in stock, within budget, <= 2 per brand, 3-5 items or none."""

from __future__ import annotations

from decimal import Decimal

from domain.decision.filtering import Elimination, FilterRules, select
from tests.domain.decision.candidates import candidate


def test_the_top_five_confident_products_are_chosen_best_first() -> None:
    candidates = [candidate(f"p{index}", 0.76 + index * 0.02) for index in range(7)]

    selection = select(candidates, FilterRules())

    assert [item.product_id for item in selection.chosen] == ["p6", "p5", "p4", "p3", "p2"]
    assert selection.eliminated == {Elimination.BEYOND_TOP: 2}


def test_nothing_below_075_is_ever_recommended() -> None:
    candidates = [
        candidate(f"p{index}", confidence) for index, confidence in enumerate([0.9, 0.8, 0.75, 0.749])
    ]

    selection = select(candidates, FilterRules())

    assert min(item.confidence for item in selection.chosen) >= 0.75
    assert selection.eliminated == {Elimination.LOW_CONFIDENCE: 1}


def test_at_most_two_products_of_a_brand_are_chosen_case_insensitively() -> None:
    candidates = [
        candidate("a1", 0.95, brand="Stride"),
        candidate("a2", 0.94, brand="stride"),
        candidate("a3", 0.93, brand="STRIDE "),
        candidate("b1", 0.80),
        candidate("c1", 0.79),
    ]

    selection = select(candidates, FilterRules())

    assert [item.product_id for item in selection.chosen] == ["a1", "a2", "b1", "c1"]
    assert selection.eliminated == {Elimination.BRAND_LIMIT: 1}


def test_out_of_stock_and_over_budget_products_are_dropped_with_their_reason() -> None:
    candidates = [
        candidate("cheap1", 0.9, price="999"),
        candidate("cheap2", 0.85, price="1500"),
        candidate("cheap3", 0.8, price="1499.99"),
        candidate("dear", 0.99, price="1500.01"),
        candidate("gone", 0.99, in_stock=False),
    ]

    selection = select(candidates, FilterRules(budget_inr=Decimal("1500")))

    assert [item.product_id for item in selection.chosen] == ["cheap1", "cheap2", "cheap3"]
    assert selection.eliminated == {Elimination.OVER_BUDGET: 1, Elimination.OUT_OF_STOCK: 1}


def test_fewer_than_three_confident_products_give_an_empty_list_not_a_padded_one() -> None:
    candidates = [candidate("p1", 0.9), candidate("p2", 0.8), candidate("p3", 0.5)]

    selection = select(candidates, FilterRules())

    assert selection.chosen == []
    assert selection.eliminated == {Elimination.LOW_CONFIDENCE: 1, Elimination.TOO_FEW_CONFIDENT: 2}
    assert selection.eliminated_total == 3


def test_when_nothing_passes_no_zero_count_too_few_reason_is_listed() -> None:
    candidates = [candidate("p1", 0.6), candidate("p2", 0.9, in_stock=False)]

    selection = select(candidates, FilterRules())

    assert selection.chosen == []
    assert selection.eliminated == {Elimination.LOW_CONFIDENCE: 1, Elimination.OUT_OF_STOCK: 1}


def test_an_empty_candidate_list_lists_no_elimination_reasons() -> None:
    assert select([], FilterRules()).eliminated == {}


def test_every_selection_of_a_varied_catalog_keeps_the_rules() -> None:
    brands = ["Stride", "Bata", "Liberty", "Woodland"]
    for seed in range(40):
        candidates = [
            candidate(f"p{index}", ((seed * 7 + index * 13) % 31) / 30, brands[index % 4])
            for index in range(12)
        ]

        chosen = select(candidates, FilterRules()).chosen

        assert chosen == [] or 3 <= len(chosen) <= 5
        assert all(item.confidence >= 0.75 for item in chosen)
        assert all(sum(item.brand == brand for item in chosen) <= 2 for brand in brands)


def test_one_pack_size_of_a_product_line_is_chosen_the_best_ranked_one() -> None:
    small = candidate("serum-15", 0.95, brand="Dewy").model_copy(update={"line": "dewy serum"})
    large = candidate("serum-50", 0.94, brand="Dewy").model_copy(update={"line": "dewy serum"})
    others = [candidate(f"p{i}", 0.9 - i / 100) for i in range(3)]

    selection = select([small, large, *others], FilterRules())

    assert [item.product_id for item in selection.chosen] == ["serum-15", "p0", "p1", "p2"]
    assert selection.eliminated == {Elimination.SAME_PRODUCT_LINE: 1}
