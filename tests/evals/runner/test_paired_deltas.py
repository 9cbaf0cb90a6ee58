"""Paired deltas: when both runs recorded a mean metric's per-item values (items.jsonl) for the same items,
the delta's interval is a bootstrap of the per-item differences over the shared items, which is far
narrower than treating the two runs as independent samples; otherwise the independent interval is used,
and the delta says which."""

from __future__ import annotations

from typing import Any

import numpy as np

from evals.runner.compare import compare, failed, paired_interval
from evals.runner.records import MetricRecord, RunRecord, SuiteRecord
from evals.runner.stats import mean_metric
from evals.runner.suite import Direction, ItemColumn

QUERIES = [f"query {n}" for n in range(50)]
BASELINE_HITS = [float(n % 5 != 0 and n % 7 != 0) for n in range(50)]  # 33 of 50 hits
"""Per-query hits of the baseline; the degraded run loses six of them (a drop of 0.12)."""
LOST = {1, 2, 3, 4, 6, 8}


def run(mode: str, hits: list[float], queries: list[str] = QUERIES) -> tuple[RunRecord, list[dict[str, Any]]]:
    """A retrieval-like run: the gated metric is the mean of the `hit@5` column over the served mode's rows,
    paired by query text (the row ids carry the mode, which differs between the runs)."""
    column = ItemColumn(column="hit@5", key="query", where={"mode": mode})
    value = mean_metric("kb/hit@5", hits, per_item=column)
    record = MetricRecord(**value.model_dump(), direction=Direction.HIGHER, tolerance=0.05)
    suite = SuiteRecord(name="retrieval", status="passed", metrics=[record])
    items = [
        {"suite": "retrieval", "id": f"kb:{mode}:{query}", "query": query, "mode": mode, "hit@5": hit}
        for query, hit in zip(queries, hits, strict=True)
    ]
    items.append({"suite": "retrieval", "id": "kb:other", "query": QUERIES[0], "mode": "vector", "hit@5": 0})
    return (
        RunRecord(
            run_id=mode,
            started_at="",
            git_commit=None,
            git_dirty=None,
            tier="rules",
            limit=None,
            smoke=False,
            seed=0,
            suites=[suite],
            seconds=0.0,
        ),
        items,
    )


def degraded() -> list[float]:
    return [0.0 if n in LOST else hit for n, hit in enumerate(BASELINE_HITS)]


def test_a_real_drop_on_fifty_queries_has_a_paired_interval_below_zero() -> None:
    baseline, baseline_items = run("hybrid", BASELINE_HITS)
    current, current_items = run("lexical", degraded())

    (delta,) = compare(baseline, current, baseline_items, current_items)

    assert delta.verdict == "worse" and failed([delta])
    assert delta.interval_kind == "paired" and delta.paired_n == 50
    assert delta.low is not None and delta.high is not None
    assert delta.low <= delta.delta <= delta.high < 0  # type: ignore[operator]


def test_without_items_the_same_drop_gets_the_wider_independent_interval_that_crosses_zero() -> None:
    baseline, _ = run("hybrid", BASELINE_HITS)
    current, _ = run("lexical", degraded())

    (delta,) = compare(baseline, current)

    assert delta.verdict == "worse"
    assert delta.interval_kind == "independent" and delta.paired_n is None
    assert delta.low is not None and delta.high is not None and delta.low < 0 < delta.high


def test_runs_over_different_items_fall_back_to_the_independent_interval() -> None:
    baseline, baseline_items = run("hybrid", BASELINE_HITS)
    other = [f"another query {n}" for n in range(50)]
    current, current_items = run("lexical", degraded(), queries=other)

    (delta,) = compare(baseline, current, baseline_items, current_items)

    assert delta.interval_kind == "independent"


def test_the_paired_interval_is_of_the_per_item_differences() -> None:
    column = ItemColumn(column="score", key="id")
    before = [{"id": "a", "score": 0.5}, {"id": "b", "score": 0.7}, {"id": "c", "score": 0.9}]
    after = [{"id": "c", "score": 0.8}, {"id": "a", "score": 0.4}, {"id": "b", "score": 0.6}]

    found = paired_interval(before, after, column, column)

    assert found is not None
    low, high, shared = found
    assert shared == 3
    assert np.isclose(low, -0.1) and np.isclose(high, -0.1)  # every difference is -0.1


def test_runs_that_scored_different_items_are_not_paired() -> None:
    """An item scored in one run only moves the delta but has no difference: pairing the rest would give
    an interval around another number than the delta."""
    column = ItemColumn(column="score", key="id")
    before = [{"id": "a", "score": 0.5}, {"id": "b", "score": 0.7}, {"id": "c", "score": 0.1}]
    after = [{"id": "a", "score": 0.5}, {"id": "b", "score": 0.7}, {"id": "c", "score": None}]

    assert paired_interval(before, after, column, column) is None


def test_metrics_over_different_columns_are_not_paired() -> None:
    rows = [{"id": str(n), "a": 1.0, "b": 0.0} for n in range(5)]

    assert paired_interval(rows, rows, ItemColumn(column="a"), ItemColumn(column="b")) is None
