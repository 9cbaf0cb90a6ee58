"""The intent parser keeps its measured quality on the project's Hinglish sets (evals/intent)."""

from __future__ import annotations

from evals.intent.evaluate import GOLDEN, HOLDOUT, AttributeScores, evaluate_golden, matches


def test_development_set_attributes_are_all_recovered() -> None:
    fields, attributes = evaluate_golden(GOLDEN)

    assert AttributeScores.overall(attributes.recall).rate >= 0.95
    assert AttributeScores.overall(attributes.precision).rate >= 0.98
    assert min(score.rate for score in fields.values()) >= 0.9


def test_held_out_set_stays_above_nine_in_ten() -> None:
    _, attributes = evaluate_golden(HOLDOUT)

    assert AttributeScores.overall(attributes.recall).rate >= 0.9
    assert AttributeScores.overall(attributes.precision).rate >= 0.95


def test_a_colour_may_name_the_base_of_a_gold_shade() -> None:
    assert matches("colour", "lake blue", "blue")
    assert not matches("colour", "blue", "lake blue")
    assert matches("budget_max_inr", 3000, 3000.0)
