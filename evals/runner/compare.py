"""The regression gate: a run against a baseline run, metric by metric, within each metric's tolerance.

A metric is worse when it moved in its bad direction by more than its declared tolerance (absolute, in its
own unit). A metric that was not judged on either side (its note says "not judged: ...": ragas with no model
tier to judge it) is "unjudged": shown with its reason, never gated. Any other value the baseline had and this
run lacks (a mean over no items, a statistic undefined on them) is "missing", which fails like "worse".

Two runs compare only over the same profile (--smoke, --limit) and the same datasets; `mismatches` lists
how they differ (a different tier is what a tier comparison is for: reported, never refused).

The interval of a delta:
- paired, where both runs recorded the metric as the mean of an items.jsonl column (`MetricValue.per_item`)
  over the same items (the same keys, at least two): a bootstrap of the mean per-item difference (the same
  queries answered twice, so their shared difficulty cancels). Runs over different items (another --limit,
  an item scored in one run only) are not paired: the mean difference over the shared items would not be
  the delta;
- independent otherwise: the two runs' bootstrap intervals taken as independent normal ones (half-widths
  combined in quadrature), which is what two unrelated samples are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from evals.runner.records import MetricRecord, RunRecord
from evals.runner.stats import bootstrap_interval
from evals.runner.suite import Direction, ItemColumn

Verdict = Literal["ok", "better", "worse", "missing", "new", "ungated", "unjudged"]
IntervalKind = Literal["paired", "independent", ""]


@dataclass(frozen=True)
class Delta:
    suite: str
    metric: str
    baseline: float | None
    current: float | None
    delta: float | None
    low: float | None
    high: float | None
    tolerance: float | None
    direction: Direction | None
    verdict: Verdict
    interval_kind: IntervalKind = ""
    """How the interval was computed (module docstring)."""
    paired_n: int | None = None
    """Item keys both runs share, for a paired interval."""
    note: str = ""
    """Why a metric has no value on one side (an unjudged one, a missing one)."""

    @property
    def fails(self) -> bool:
        return self.verdict in ("worse", "missing")

    @property
    def interval_label(self) -> str:
        if self.interval_kind == "paired":
            return f"paired, {self.paired_n} items"
        return self.interval_kind


def _half_width(metric: MetricRecord) -> float | None:
    if metric.low is None or metric.high is None:
        return None
    return (metric.high - metric.low) / 2


NOT_JUDGED = "not judged: "
"""How the note of a metric that was not judged starts (evals/metrics/ragas_judge.py)."""


def _unjudged_reason(baseline: MetricRecord | None, current: MetricRecord | None) -> str | None:
    """Why a metric cannot be compared: one of the runs did not judge it (None when both did)."""
    for side, metric in (("this run", current), ("baseline", baseline)):
        if metric is not None and metric.value is None and metric.note.startswith(NOT_JUDGED):
            return f"{side}: {metric.note}"
    return None


def _no_value(side: str, metric: MetricRecord | None) -> str:
    if metric is None or metric.value is not None:
        return ""
    return f"{side}: no value ({metric.note or 'no reason given'})"


def delta_of(
    suite: str,
    baseline: MetricRecord | None,
    current: MetricRecord | None,
    paired: tuple[float, float, int] | None = None,
) -> Delta:
    """One metric's delta and verdict; `paired` is a paired (low, high, shared items) interval when known."""
    spec = current if current is not None and current.direction is not None else baseline
    direction = spec.direction if spec else None
    tolerance = spec.tolerance if spec else None
    before = baseline.value if baseline else None
    after = current.value if current else None
    name = (current or baseline).name  # type: ignore[union-attr]
    unjudged = _unjudged_reason(baseline, current)
    if unjudged is not None:
        return Delta(
            suite, name, before, after, None, None, None, tolerance, direction, "unjudged", note=unjudged
        )
    if before is None or after is None or baseline is None or current is None:
        gated = direction is not None and tolerance is not None
        if before is None:  # nothing to lose: new, or no value in either run
            verdict: Verdict = "new" if after is not None else "ungated"
        else:
            verdict = "missing" if gated else "ungated"
        note = _no_value("this run", current) or _no_value("baseline", baseline)
        return Delta(suite, name, before, after, None, None, None, tolerance, direction, verdict, note=note)
    change = after - before
    kind: IntervalKind = ""
    paired_n = None
    low: float | None
    high: float | None
    if paired is not None:
        low, high, paired_n = paired
        kind = "paired"
    else:
        halves = [h for h in (_half_width(baseline), _half_width(current)) if h is not None]
        spread = math.sqrt(sum(h * h for h in halves)) if len(halves) == 2 else None
        low, high = (change - spread, change + spread) if spread is not None else (None, None)
        kind = "independent" if spread is not None else ""
    if direction is None or tolerance is None:
        verdict = "ungated"
    else:
        gain = change if direction == Direction.HIGHER else -change
        verdict = "worse" if gain < -tolerance else "better" if gain > tolerance else "ok"
    return Delta(suite, name, before, after, change, low, high, tolerance, direction, verdict, kind, paired_n)


def _number(value: Any) -> float | None:
    if isinstance(value, bool | int | float) and math.isfinite(float(value)):
        return float(value)
    return None


def item_values(rows: Iterable[Mapping[str, Any]], column: ItemColumn) -> dict[str, float]:
    """Item key -> the column's value, over the rows that match `column.where` and have a finite number."""
    values = {}
    for row in rows:
        if any(row.get(field) != wanted for field, wanted in column.where.items()):
            continue
        value = _number(row.get(column.column))
        if value is not None and row.get(column.key) is not None:
            values[str(row[column.key])] = value
    return values


def paired_interval(
    baseline_rows: Iterable[Mapping[str, Any]],
    current_rows: Iterable[Mapping[str, Any]],
    baseline: ItemColumn,
    current: ItemColumn,
    seed: int = 0,
) -> tuple[float, float, int] | None:
    """(low, high, items) of the bootstrap interval of the mean per-item difference (current minus
    baseline); None unless both metrics are the same column over the same items (at least two), where that
    mean difference is the delta itself."""
    if (baseline.column, baseline.key) != (current.column, current.key):
        return None
    before = item_values(baseline_rows, baseline)
    after = item_values(current_rows, current)
    if before.keys() != after.keys():
        return None
    shared = sorted(before)
    diffs = np.array([after[key] - before[key] for key in shared], dtype=float)
    interval = bootstrap_interval(len(diffs), lambda idx: float(diffs[idx].mean()), seed=seed)
    return None if interval is None else (interval[0], interval[1], len(shared))


def _by_suite(rows: Iterable[Mapping[str, Any]] | None) -> dict[str, list[Mapping[str, Any]]]:
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows or ():
        grouped.setdefault(str(row.get("suite")), []).append(row)
    return grouped


def compare(
    baseline: RunRecord,
    current: RunRecord,
    baseline_items: Iterable[Mapping[str, Any]] | None = None,
    current_items: Iterable[Mapping[str, Any]] | None = None,
) -> list[Delta]:
    """Deltas for every metric of every suite either run measured. A gated metric the baseline has and the
    current run lacks (its suite failed or was skipped) is "missing", which fails like "worse"; suites that
    only one of them ran are left out. With both runs' items.jsonl rows, intervals are paired where they
    can be."""
    before_rows, after_rows = _by_suite(baseline_items), _by_suite(current_items)
    deltas = []
    for suite in current.suites:
        before = baseline.suite(suite.name)
        if before is None or before.status != "passed":
            continue
        names = [m.name for m in before.metrics] + [
            m.name for m in suite.metrics if before.metric(m.name) is None
        ]
        for name in names:
            old, new = before.metric(name), suite.metric(name)
            paired = None
            if old is not None and new is not None and old.per_item and new.per_item:
                paired = paired_interval(
                    before_rows.get(suite.name, []),
                    after_rows.get(suite.name, []),
                    old.per_item,
                    new.per_item,
                    seed=current.seed,
                )
            deltas.append(delta_of(suite.name, old, new, paired))
    return deltas


@dataclass(frozen=True)
class Mismatch:
    """One way two runs differ in what they measured."""

    what: str
    baseline: str
    current: str
    refused: bool
    """True where it makes the runs' numbers incomparable (another profile, other data): compare refuses to
    gate them unless told to; False where it is what a comparison may be about (the tier)."""

    def __str__(self) -> str:
        return f"{self.what}: baseline {self.baseline}, this run {self.current}"


def mismatches(baseline: RunRecord, current: RunRecord) -> list[Mismatch]:
    """How the runs differ: profile (--smoke, --limit), tier, and the content hash of each dataset of every
    suite that passed in both (a dataset one of them had and the other lacked is "absent" on that side)."""
    found = [
        Mismatch(what, str(getattr(baseline, what)), str(getattr(current, what)), refused)
        for what, refused in (("smoke", True), ("limit", True), ("tier", False))
        if getattr(baseline, what) != getattr(current, what)
    ]
    for suite in current.suites:
        before = baseline.suite(suite.name)
        if before is None or before.status != "passed" or suite.status != "passed":
            continue
        for name in sorted(before.datasets.keys() | suite.datasets.keys()):
            old, new = before.datasets.get(name), suite.datasets.get(name)
            if old != new:
                found.append(Mismatch(f"dataset {suite.name}/{name}", old or "absent", new or "absent", True))
    return found


def failed(deltas: list[Delta]) -> bool:
    return any(delta.fails for delta in deltas)
