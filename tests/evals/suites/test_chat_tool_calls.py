"""The chat suite's tool-call metrics judge only the arguments a task names, as the suite's own judge does."""

from __future__ import annotations

import asyncio

from evals.suites.chat import tool_call_scores

EXPECTED = [{"name": "search_products", "args": {"category": "footwear", "max_price_inr": 3000}}]


def scores(actual: list[dict]) -> dict[str, float]:
    return asyncio.run(tool_call_scores(actual, EXPECTED))


def test_the_expected_call_with_extra_arguments_scores_full_marks() -> None:
    found = scores(
        [{"name": "search_products", "args": {"category": "footwear", "max_price_inr": 3000, "q": "x"}}]
    )

    assert found == {"tool_call_f1": 1.0, "tool_call_accuracy": 1.0, "trajectory_match": 1.0}


def test_a_wrong_argument_or_an_extra_call_costs_precision_but_not_the_superset_match() -> None:
    wrong = scores([{"name": "search_products", "args": {"category": "apparel", "max_price_inr": 3000}}])
    extra = scores(
        [
            {"name": "search_products", "args": {"category": "footwear", "max_price_inr": 3000}},
            {"name": "get_product", "args": {"product_id": "p1"}},
        ]
    )

    assert (
        wrong["tool_call_f1"] == 0.0
        and wrong["tool_call_accuracy"] == 0.5
        and wrong["trajectory_match"] == 0.0
    )
    assert 0.0 < extra["tool_call_f1"] < 1.0 and extra["trajectory_match"] == 1.0


def test_no_call_at_all_scores_nothing() -> None:
    assert scores([]) == {"tool_call_f1": 0.0, "tool_call_accuracy": 0.0, "trajectory_match": 0.0}
