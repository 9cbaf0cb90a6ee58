"""Comparable-sales price estimate: pure numbers, no I/O.

A suggestion is the weighted centre of what similar items sold for, after each sale is moved to the listing's
condition and month, blended with a prior: the tenant's price model (domain/pricing/price_model.py) or, on a
history too small for one, the category's typical price. Everything happens in log-price space (prices are
multiplicative).

Time belongs to the data: a comparable's age is measured from the pricing moment (`now`), which the callers
take from the request's `as_of` or the newest sale in the tenant's history, never from the wall clock, so a
history dated years ago prices exactly like the same history dated last week. How much a comparable counts
(similarity, age, condition and brand) and how much the prior counts are learned on the tenant's own history
(domain/pricing/calibration.py); so are the ranges, conformal quantiles of out-of-fold residuals per
top-level category. A history too small to learn from uses `DEFAULT_WEIGHTING`, PRIOR_WEIGHT and the
category's residual spread.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy

from agents.pricing.money import money
from domain.pricing.calibration import (
    DEFAULT_WEIGHTING,
    Calibration,
    RangeQuantiles,
    Weighting,
    condition_steps,
    dispersion,
)

PRIOR_WEIGHT = 0.6  # without a calibration, the category prior counts as this much total comparable weight
FACTOR_SHRINK = 20.0  # sales a learned factor needs before it counts half
MAX_FACTOR_LOG = math.log(2.0)  # learned factors stay within x0.5 .. x2
RANGE_LEVEL = 0.8  # the range is the central 80% (10th to 90th percentile)
RANGE_QUANTILES = (0.05, 0.10, 0.90, 0.95)
CONFIDENT_COUNT = 10.0  # comparables at which the count term reaches ~0.63
MIN_SIMILARITY = 0.60
MIN_CONFIDENCE = 0.05
LEVEL_SHRINK = 5.0  # sales a category needs before its own mean outweighs its parent's
BRAND_SHRINK = 3.0
MIN_SPREAD_SALES = 20  # sales a category needs for its own range spread
RANGE_PRIOR_WEIGHT = 2.0  # the category's spread counts as this much comparable weight in the range
DEFAULT_SPREAD = (-0.5, -0.4, 0.4, 0.5)
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class PricedSale:
    """A past sale as the estimator sees it (condition and category as plain strings)."""

    price: float
    sold_at: datetime
    category: str
    condition: str
    brand: str | None = None


@dataclass(frozen=True)
class WeightedComparable:
    sale: PricedSale
    similarity: float


@dataclass(frozen=True)
class Adjustment:
    kind: str
    factor: float
    reason: str


@dataclass(frozen=True)
class PriceEstimate:
    price: float
    low: float
    high: float
    p5: float
    p95: float
    confidence: float
    weights: tuple[float, ...]  # each comparable's share of the price
    adjustments: tuple[Adjustment, ...]
    comparable_share: float = 0.0  # the comparables' share together; the prior holds the rest


def age_days(now: datetime, sold_at: datetime, *, symmetric: bool = False) -> float:
    """Days from a sale to the pricing moment (a sale after it counts as age 0); `symmetric` measures the
    distance either way (calibration cases, where the other sale may be the later one)."""
    days = (now - sold_at).total_seconds() / SECONDS_PER_DAY
    return abs(days) if symmetric else max(days, 0.0)


def weighted_quantile(
    values: Sequence[float] | numpy.ndarray, weights: Sequence[float] | numpy.ndarray, q: float
) -> float:
    """Quantile `q` of `values` under `weights`, interpolating between weighted mid-points (Hyndman-Fan 5)."""
    data = numpy.asarray(values, dtype=numpy.float64)
    mass = numpy.asarray(weights, dtype=numpy.float64)
    if data.size == 0:
        raise ValueError("no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError("q must be within [0, 1]")
    order = numpy.argsort(data)
    data, mass = data[order], mass[order]
    total = mass.sum()
    if total <= 0:
        raise ValueError("weights must have a positive sum")
    positions = (numpy.cumsum(mass) - 0.5 * mass) / total
    return float(numpy.interp(q, positions, data))


def _shrunk_log_ratio(residuals: list[float], shrink: float = FACTOR_SHRINK) -> float:
    """Mean log residual, shrunk toward 0 by the number of sales behind it and clipped to x0.5 .. x2."""
    if not residuals:
        return 0.0
    count = len(residuals)
    mean = float(numpy.mean(residuals)) * count / (count + shrink)
    return max(-MAX_FACTOR_LOG, min(MAX_FACTOR_LOG, mean))


def _category_path(category: str) -> list[str]:
    """ "a/b/c" -> ["a", "a/b", "a/b/c"] (top level first)."""
    parts = category.split("/")
    return ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def _residual_quantiles(residuals: Sequence[float]) -> RangeQuantiles:
    q05, q10, q90, q95 = (float(value) for value in numpy.quantile(residuals, RANGE_QUANTILES))
    return q05, q10, q90, q95


@dataclass(frozen=True)
class HistoryFactors:
    """Price levels, seasonal indices, condition and brand multipliers learned from one tenant's sales.

    `category_log_price[c]` is the mean log1p price of category path c, shrunk toward its parent's level by
    the number of sales behind it; `season[c][month]`, `condition[c][k]` and `brand[b]` are log multipliers
    relative to that level (0 = no effect); `spread[c]` holds residual quantiles around it. Unknown keys fall
    back to the parent category or the tenant-wide value, then to no adjustment."""

    overall_log_price: float
    category_log_price: dict[str, float] = field(default_factory=dict)
    season: dict[str, dict[int, float]] = field(default_factory=dict)
    condition: dict[str, dict[str, float]] = field(default_factory=dict)
    brand: dict[str, float] = field(default_factory=dict)
    spread: dict[str, RangeQuantiles] = field(default_factory=dict)
    sales: int = 0
    calibration: Calibration | None = None
    newest: datetime | None = None  # the newest sale behind these factors: the default pricing moment

    def with_calibration(self, calibration: Calibration | None) -> HistoryFactors:
        """These factors plus what the history taught about weighing comparables, the prior and ranges."""
        return replace(self, calibration=calibration)

    @property
    def weighting(self) -> Weighting:
        return self.calibration.weighting if self.calibration is not None else DEFAULT_WEIGHTING

    @classmethod
    def learn(cls, sales: Iterable[PricedSale]) -> HistoryFactors:
        rows = [sale for sale in sales if sale.price > 0]
        if not rows:
            return cls(overall_log_price=0.0)
        logs = numpy.log1p([sale.price for sale in rows])
        overall = float(numpy.mean(logs))
        by_path: dict[str, list[float]] = defaultdict(list)
        for sale, log_price in zip(rows, logs, strict=True):
            for path in _category_path(sale.category):
                by_path[path].append(float(log_price))
        level: dict[str, float] = {}
        for path in sorted(by_path, key=lambda name: name.count("/")):
            parent = level.get(path.rsplit("/", 1)[0], overall) if "/" in path else overall
            values = by_path[path]
            level[path] = (sum(values) + LEVEL_SHRINK * parent) / (len(values) + LEVEL_SHRINK)
        season_residuals: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
        condition_residuals: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        brand_residuals: dict[str, list[float]] = defaultdict(list)
        spread_residuals: dict[str, list[float]] = defaultdict(list)
        for sale, log_price in zip(rows, logs, strict=True):
            residual = float(log_price) - level[sale.category]
            for key in (sale.category, ""):
                season_residuals[key][sale.sold_at.month].append(residual)
                condition_residuals[key][sale.condition].append(residual)
                spread_residuals[key].append(residual)
            if sale.brand:
                brand_residuals[sale.brand.lower()].append(residual)
        return cls(
            overall_log_price=overall,
            newest=max(sale.sold_at for sale in rows),
            category_log_price=level,
            season={
                category: {month: _shrunk_log_ratio(values) for month, values in months.items()}
                for category, months in season_residuals.items()
            },
            condition={
                category: {name: _shrunk_log_ratio(values) for name, values in names.items()}
                for category, names in condition_residuals.items()
            },
            brand={name: _shrunk_log_ratio(values, BRAND_SHRINK) for name, values in brand_residuals.items()},
            sales=len(rows),
            spread={
                category: _residual_quantiles(values)
                for category, values in spread_residuals.items()
                if category == "" or len(values) >= MIN_SPREAD_SALES
            },
        )

    def level(self, category: str) -> float:
        for path in reversed(_category_path(category)):
            if path in self.category_log_price:
                return self.category_log_price[path]
        return self.overall_log_price

    def season_log(self, category: str, month: int) -> float:
        table = self.season.get(category) or self.season.get("", {})
        return table.get(month, self.season.get("", {}).get(month, 0.0))

    def condition_log(self, category: str, condition: str) -> float:
        table = self.condition.get(category) or self.condition.get("", {})
        return table.get(condition, self.condition.get("", {}).get(condition, 0.0))

    def brand_log(self, brand: str | None) -> float:
        return self.brand.get(brand.lower(), 0.0) if brand else 0.0

    def residual_spread(self, category: str) -> RangeQuantiles:
        """How far this category's prices fall from its level (the whole history's when it has few sales)."""
        return self.spread.get(category) or self.spread.get("", DEFAULT_SPREAD)


def _confidence(count: int, mean_similarity: float, log_spread: float) -> float:
    """0.4 count + 0.3 similarity + 0.3 tightness, each in [0, 1]; kept within [0.05, 0.95]."""
    count_term = 1.0 - math.exp(-count / CONFIDENT_COUNT)
    similarity_term = min(max((mean_similarity - MIN_SIMILARITY) / (1.0 - MIN_SIMILARITY), 0.0), 1.0)
    tightness_term = 1.0 / (1.0 + 2.0 * log_spread)
    score = 0.4 * count_term + 0.3 * similarity_term + 0.3 * tightness_term
    return round(min(max(score, MIN_CONFIDENCE), 0.95), 3)


def _adjustment(kind: str, log_factor: float, reason: str) -> Adjustment:
    return Adjustment(kind=kind, factor=round(math.exp(log_factor), 4), reason=reason)


def _blended_range(
    deviations: numpy.ndarray, weights: numpy.ndarray, category_spread: RangeQuantiles
) -> RangeQuantiles:
    """Range quantiles (log, around the centre) mixing the comparables' own spread with the category's,
    the category counting RANGE_PRIOR_WEIGHT: a few comparables cannot make a range look falsely tight."""
    total = float(weights.sum())
    own = (
        tuple(weighted_quantile(deviations, weights, q) for q in RANGE_QUANTILES)
        if total > 0
        else category_spread
    )
    q05, q10, q90, q95 = (
        (total * mine + RANGE_PRIOR_WEIGHT * theirs) / (total + RANGE_PRIOR_WEIGHT)
        for mine, theirs in zip(own, category_spread, strict=True)
    )
    return min(q05, -0.05), min(q10, -0.05), max(q90, 0.05), max(q95, 0.05)


@dataclass(frozen=True)
class ComparableEvidence:
    """The comparables' log prices moved to the listing's condition and month, with their learned weights."""

    weights: numpy.ndarray
    adjusted: numpy.ndarray
    condition_moves: numpy.ndarray
    season_moves: numpy.ndarray

    @property
    def total(self) -> float:
        return float(self.weights.sum())

    def mean(self, values: numpy.ndarray | None = None) -> float:
        """Weighted mean of the adjusted log prices (or of `values`); only when `total` > 0."""
        return float(self.weights @ (self.adjusted if values is None else values)) / self.total

    def dispersion(self) -> float:
        return dispersion(self.weights, self.adjusted)


def comparable_evidence(
    comparables: Sequence[WeightedComparable],
    *,
    category: str,
    condition: str,
    now: datetime,
    history: HistoryFactors,
    brand: str | None = None,
    symmetric_ages: bool = False,
) -> ComparableEvidence:
    """Learned weights (similarity, age from `now`, condition steps, other brand: `history.weighting`) and
    log prices moved by (target condition - the sale's condition) and (this month - the sale's month)."""
    target_condition = history.condition_log(category, condition)
    target_season = history.season_log(category, now.month)
    condition_moves = numpy.array(
        [target_condition - history.condition_log(category, item.sale.condition) for item in comparables],
        dtype=numpy.float64,
    )
    season_moves = numpy.array(
        [target_season - history.season_log(category, item.sale.sold_at.month) for item in comparables],
        dtype=numpy.float64,
    )
    logs = numpy.log1p(numpy.array([item.sale.price for item in comparables], dtype=numpy.float64))
    features = comparable_features(
        comparables, condition=condition, brand=brand, now=now, symmetric=symmetric_ages
    )
    weights = history.weighting.weights(*features, category) if comparables else numpy.zeros(0)
    return ComparableEvidence(
        weights=weights,
        adjusted=logs + condition_moves + season_moves,
        condition_moves=condition_moves,
        season_moves=season_moves,
    )


def comparable_features(
    comparables: Sequence[WeightedComparable],
    *,
    condition: str,
    brand: str | None,
    now: datetime,
    symmetric: bool = False,
) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """(similarity, age in days, condition steps, 1 where both brands are known and differ) per comparable."""
    wanted = brand.lower() if brand else None
    return (
        numpy.array([max(item.similarity, 0.0) for item in comparables], dtype=numpy.float64),
        numpy.array([age_days(now, item.sale.sold_at, symmetric=symmetric) for item in comparables]),
        numpy.array([condition_steps(condition, item.sale.condition) for item in comparables], dtype=float),
        numpy.array(
            [
                float(wanted is not None and bool(item.sale.brand) and item.sale.brand.lower() != wanted)
                for item in comparables
            ],
            dtype=numpy.float64,
        ),
    )


def estimate_price(
    comparables: Sequence[WeightedComparable],
    *,
    category: str,
    condition: str,
    now: datetime,
    history: HistoryFactors,
    brand: str | None = None,
    photo_log_factor: float = 0.0,
    photo_reason: str = "",
    model_log_price: float | None = None,
    currency: str = "INR",
) -> PriceEstimate:
    """Suggested price, range and confidence for a listing of `category` in `condition`, priced at `now`
    (the request's as-of moment or the history's newest sale: never the wall clock).

    Each comparable's log price is moved by (target condition - its condition) and (this month - its month)
    and weighted as the history taught (`history.calibration`); the centre is their weighted mean blended
    with the prior at the learned prior weight, and the range is the conformal one for the listing's
    category and evidence. Without a calibration (a history too small to learn from) the prior is category
    level x brand x condition x season at PRIOR_WEIGHT, the weighting `DEFAULT_WEIGHTING`, and the range mixes
    the comparables' weighted quantiles with the category's spread. A photo assessment multiplies everything
    when given. `weights` are each comparable's share of the price (the prior holds the rest)."""
    target_condition = history.condition_log(category, condition)
    target_season = history.season_log(category, now.month)
    brand_shift = history.brand_log(brand)
    category_prior = history.level(category) + brand_shift + target_condition + target_season
    evidence = comparable_evidence(
        comparables, category=category, condition=condition, now=now, history=history, brand=brand
    )
    total = evidence.total
    learned = history.calibration
    uses_model = learned is not None and learned.prior == "model" and model_log_price is not None
    if uses_model:
        assert model_log_price is not None
        prior = model_log_price + target_season
    else:
        prior = category_prior
    prior_weight = learned.prior_weight if learned is not None else PRIOR_WEIGHT
    share = total / (total + prior_weight) if total > 0 else 0.0
    centre = share * evidence.mean() + (1 - share) * prior if total > 0 else prior
    if total > 0:
        condition_shift = share * evidence.mean(evidence.condition_moves)
        season_shift = share * evidence.mean(evidence.season_moves) + (1 - share) * target_season
        spread = weighted_quantile(evidence.adjusted, evidence.weights, 0.9) - weighted_quantile(
            evidence.adjusted, evidence.weights, 0.1
        )
        mean_similarity = float(numpy.mean([item.similarity for item in comparables]))
        confidence = _confidence(len(comparables), mean_similarity, spread)
    else:
        condition_shift, season_shift = 0.0, target_season
        confidence = MIN_CONFIDENCE
    if learned is not None:
        q05, q10, q90, q95 = learned.ranges.offsets(category, share)
        q05, q10, q90, q95 = min(q05, -0.01), min(q10, -0.01), max(q90, 0.01), max(q95, 0.01)
    else:
        deviations = evidence.adjusted - evidence.mean() if total > 0 else numpy.zeros(0)
        q05, q10, q90, q95 = _blended_range(deviations, evidence.weights, history.residual_spread(category))

    def price(log_value: float) -> float:
        return round(max(math.expm1(log_value + photo_log_factor), 0.0), 2)

    adjustments = [
        _adjustment(
            "condition",
            condition_shift + (0.0 if uses_model else (1 - share) * target_condition),
            f"moved to '{condition}' condition using this shop's sales by condition",
        ),
        _adjustment("season", season_shift, f"seasonal index for {category} in month {now.month}"),
    ]
    weighting = history.weighting
    how = (
        f"weights learned out of fold on {learned.cases} of this shop's past sales "
        f"({weighting.describe(category)})"
        if learned is not None
        else f"default weights ({weighting.describe(category)}): too few sales to learn from"
    )
    if uses_model:
        assert model_log_price is not None
        without_model = (
            (total * evidence.mean() + PRIOR_WEIGHT * category_prior) / (total + PRIOR_WEIGHT)
            if total > 0
            else category_prior
        )
        adjustments.append(
            _adjustment(
                "price_model",
                centre - without_model,
                f"a ridge regression on this shop's sales (title, brand, category, description, condition) "
                f"expects {money(math.expm1(model_log_price), currency)} and carries {1 - share:.0%} of the "
                f"price, the comparables {share:.0%}; {how}",
            )
        )
    else:
        adjustments.append(
            _adjustment(
                "brand",
                (1 - share) * brand_shift,
                f"this shop's sales of {brand} against the rest of the category; {how}",
            )
        )
    if photo_log_factor:
        adjustments.append(
            _adjustment("photo_condition", photo_log_factor, photo_reason or "photo assessment")
        )
    shares = evidence.weights / (total + prior_weight) if total > 0 else evidence.weights
    return PriceEstimate(
        price=price(centre),
        low=price(centre + q10),
        high=price(centre + q90),
        p5=price(centre + q05),
        p95=price(centre + q95),
        confidence=confidence,
        weights=tuple(round(float(w), 4) for w in shares),
        adjustments=tuple(a for a in adjustments if abs(a.factor - 1.0) >= 0.005),
        comparable_share=round(share, 4),
    )
