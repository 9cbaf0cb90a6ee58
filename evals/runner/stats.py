"""Bootstrap confidence intervals for suite metrics."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from evals.runner.suite import ItemColumn, MetricValue

RESAMPLES = 1000
LEVEL = 0.95


def bootstrap_interval(
    n: int,
    statistic: Callable[[np.ndarray], float],
    resamples: int = RESAMPLES,
    seed: int = 0,
    level: float = LEVEL,
) -> tuple[float, float] | None:
    """Percentile interval of `statistic(indices)` over `resamples` resamples (with replacement) of the item
    indices 0..n-1; None for fewer than two items or when every resample is undefined (nan)."""
    if n < 2:
        return None
    rng = np.random.default_rng(seed)
    values = np.array([statistic(rng.integers(0, n, n)) for _ in range(resamples)], dtype=float)
    values = values[np.isfinite(values)]
    if not len(values):
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def mean_metric(
    name: str,
    values: Sequence[float | None],
    seed: int = 0,
    note: str = "",
    per_item: ItemColumn | None = None,
) -> MetricValue:
    """The mean of per-item values (nan and None ones left out) with its bootstrap interval; `per_item` says
    where the same values are in items.jsonl (for paired comparisons)."""
    array = np.asarray([v for v in values if v is not None], dtype=float)
    array = array[np.isfinite(array)]
    if not len(array):
        return MetricValue(name=name, value=None, n=0, note=note or "no items")
    interval = bootstrap_interval(len(array), lambda idx: float(array[idx].mean()), seed=seed)
    return MetricValue(
        name=name,
        value=float(array.mean()),
        low=interval[0] if interval else None,
        high=interval[1] if interval else None,
        n=len(array),
        note=note,
        per_item=per_item,
    )


def indexed_metric(
    name: str,
    n: int,
    statistic: Callable[[np.ndarray], float],
    seed: int = 0,
    note: str = "",
    resamples: int = RESAMPLES,
) -> MetricValue:
    """A statistic over all items at once (AUC, macro-F1, ECE, RMSLE): `statistic(indices)` is evaluated on
    0..n-1 for the value and on bootstrap resamples of the indices for the interval."""
    if n == 0:
        return MetricValue(name=name, value=None, n=0, note=note or "no items")
    value = float(statistic(np.arange(n)))
    interval = bootstrap_interval(n, statistic, resamples=resamples, seed=seed)
    return MetricValue(
        name=name,
        value=value if np.isfinite(value) else None,
        note=note if np.isfinite(value) else note or "undefined on these items",
        low=interval[0] if interval else None,
        high=interval[1] if interval else None,
        n=n,
    )


def point_metric(name: str, value: float | None, n: int | None = None, note: str = "") -> MetricValue:
    """A value without an interval (a count, a rate from a single run, a wall time)."""
    return MetricValue(name=name, value=value, n=n, note=note)
