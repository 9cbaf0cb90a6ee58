"""Reciprocal rank: where the first relevant result sits in the top k."""

from __future__ import annotations

import math

from evals.metrics.ranking import reciprocal_rank


def test_the_first_relevant_result_decides_the_reciprocal_rank() -> None:
    assert reciprocal_rank(["a", "b", "c"], {"a"}, 3) == 1.0
    assert reciprocal_rank(["a", "b", "c"], {"c", "b"}, 3) == 0.5


def test_a_relevant_result_below_k_counts_as_none() -> None:
    assert reciprocal_rank(["a", "b", "c"], {"c"}, 2) == 0.0


def test_a_query_with_nothing_relevant_is_undefined() -> None:
    assert math.isnan(reciprocal_rank(["a"], set(), 1))
