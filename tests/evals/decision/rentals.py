"""Small synthetic rental sets for the eval's tests, drawn from a known latent size model."""

from __future__ import annotations

import numpy as np

from core.records.feedback import FitReport
from evals.decision.rtr_data import CLASSES, Rentals


def rentals_from(
    reports: list[FitReport], items: list[str], groups: list[str], sizes: list[float] | None = None
) -> Rentals:
    """Rentals in the given (time) order, one user each, no body measurements."""
    count = len(reports)
    return Rentals(
        labels=np.array([CLASSES.index(report) for report in reports]),
        users=np.array([f"u{index}" for index in range(count)]),
        items=items,
        groups=groups,
        sizes=np.array(sizes if sizes is not None else [8.0] * count),
        body=np.zeros((count, 1)),
        categories=np.zeros((count, 1)),
        order=np.arange(count),
    )


def simulated_rentals(count: int, seed: int = 0) -> tuple[Rentals, dict[str, float]]:
    """Shoppers whose true size is 8 + 4 x their (standardised) height, renting a size near it; twenty
    items, the first five running a size small and the next five a size large. Returns the rentals and
    each item's true offset (RTR size units, positive runs small)."""
    rng = np.random.default_rng(seed)
    item_offsets = {f"item-{k}": 4.0 if k < 5 else -4.0 if k < 10 else 0.0 for k in range(20)}
    height = rng.normal(0.0, 1.0, count)
    true_size = 8.0 + 4.0 * height
    sizes = np.clip(np.round((true_size + rng.normal(0.0, 2.0, count)) / 4) * 4, 0, 24)
    items = [f"item-{k}" for k in rng.integers(0, 20, count)]
    offsets = np.array([item_offsets[item] for item in items])
    mismatch = true_size - sizes + offsets + rng.logistic(0.0, 1.0, count)
    labels = np.where(mismatch > 3.0, 0, np.where(mismatch < -3.0, 2, 1))
    rentals = Rentals(
        labels=labels,
        users=np.array([f"u{index}" for index in range(count)]),
        items=items,
        groups=["dress"] * count,
        sizes=sizes,
        body=height[:, None],
        categories=np.ones((count, 1)),
        order=np.arange(count),
    )
    return rentals, item_offsets
