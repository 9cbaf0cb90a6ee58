"""What a tenant's own history teaches about weighing comparables and how wide a range must be: pure numbers.

A comparable's weight is

    similarity ** p  x  0.5 ** (age / half-life)  x  exp(-c x condition steps)  x  exp(-b x other brand)

and the suggestion is (sum of weight x comparable log price + k x prior) / (sum of weights + k), the prior
being the tenant's price model (or the category's typical price on a history too small for one). None of
p, half-life, c, b or k is assumed: `learn_calibration` fits them on cases, past sales priced as if they were
new listings (each without itself among its comparables, with its out-of-fold model prediction), by
coordinate descent over small grids, minimising the squared log error. The half-life is learned for the whole
history and, where a top-level category has enough cases and prices there drift at another pace, for that
category; ages in cases are the time between the two sales, so the answer does not depend on when the
history happened, only on how prices moved within it.

Ranges are conformal (a cross-conformal, CV+-style split: every case's residual is out of fold): residuals are
divided by a scale that grows with how little and how scattered the comparable evidence is, and the scaled
residuals' quantiles are taken per top-level category (Mondrian conformal) with the finite-sample correction,
so each category's 80% range covers about 80% of its sales and no wider than its own residuals need. The scale
a listing is priced with is the one its category's scores were scaled with (the two cross-fitted halves'),
not a refit on all cases: a refit would shrink a small category's scale less and so widen (or narrow) its
range against its own quantiles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy

CONDITION_ORDER = ("new", "like_new", "good", "fair", "poor")
NO_DECAY = math.inf
DEFAULT_HALF_LIFE_DAYS = 120.0  # a history too small to learn from: a sale four months older counts half
SIMILARITY_POWERS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
HALF_LIVES_DAYS = (7.0, 15.0, 30.0, 60.0, 120.0, 240.0, 480.0, 960.0, NO_DECAY)
CONDITION_PENALTIES = (0.0, 0.1, 0.25, 0.5, 1.0)
BRAND_PENALTIES = (0.0, 0.25, 0.5, 1.0, 2.0)
PRIOR_WEIGHTS = tuple(float(value) for value in numpy.geomspace(0.02, 50.0, 34))
DESCENT_ROUNDS = 3
MIN_CASES = 30
# cases a top-level category needs for its own range quantiles: the fewest for which the 90% range's upper
# conformal rank, ceil((n + 1) x 0.95), is a real score; a smaller category takes the whole history's
# quantiles, which under-cover a volatile one (its scale is shrunk toward its parent's)
MIN_GROUP_CASES = 20
MIN_CATEGORY_DRIFT_CASES = 100  # cases with comparables a category needs for its own half-life
CATEGORY_DRIFT_GAIN = 0.01  # its own half-life must cut its squared error by this share
SCALE_FLOOR, SCALE_CEILING = 0.05, 3.0
RANGE_LEVELS = (0.80, 0.90)
SHARE_EDGES = (0.0, 0.25, 0.5)  # bins: 0 | (0, .25] | (.25, .5] | (.5, 1]
MIN_BIN_CASES = 20
SCALE_SHRINK = 50.0
RESIDUAL_FLOOR = 0.01
RangeQuantiles = tuple[float, float, float, float]  # log offsets at 5%, 10%, 90%, 95% around the centre


def condition_steps(a: str, b: str) -> int:
    """How many condition grades apart two conditions are (new -> like_new -> good -> fair -> poor)."""
    return abs(CONDITION_ORDER.index(a) - CONDITION_ORDER.index(b))


def top_level(category: str) -> str:
    return category.split("/", 1)[0]


@dataclass(frozen=True)
class Weighting:
    """How much one comparable counts (see the module notes); `category_half_life` holds the top-level
    categories whose prices drift at their own pace."""

    similarity_power: float = 1.0
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    condition_penalty: float = 0.0
    brand_penalty: float = 0.0
    category_half_life: dict[str, float] = field(default_factory=dict)

    def half_life(self, category: str) -> float:
        return self.category_half_life.get(top_level(category), self.half_life_days)

    def weights(
        self,
        similarity: numpy.ndarray,
        age_days: numpy.ndarray,
        steps: numpy.ndarray,
        other_brand: numpy.ndarray,
        category: str,
    ) -> numpy.ndarray:
        return _weights(
            similarity,
            age_days,
            steps,
            other_brand,
            self.similarity_power,
            self.half_life(category),
            self.condition_penalty,
            self.brand_penalty,
        )

    def describe(self, category: str) -> str:
        half_life = self.half_life(category)
        decay = "no time decay" if math.isinf(half_life) else f"half-life {half_life:.0f} days"
        return f"similarity^{self.similarity_power:g}, {decay}"


def _weights(
    similarity: numpy.ndarray,
    age_days: numpy.ndarray,
    steps: numpy.ndarray,
    other_brand: numpy.ndarray,
    power: float,
    half_life: float,
    condition_penalty: float,
    brand_penalty: float,
) -> numpy.ndarray:
    decay = 0.0 if math.isinf(half_life) else math.log(2.0) / half_life
    log_weight = (
        power * numpy.log(numpy.maximum(similarity, 1e-6))
        - decay * numpy.maximum(age_days, 0.0)
        - condition_penalty * steps
        - brand_penalty * other_brand
    )
    return numpy.exp(log_weight)


DEFAULT_WEIGHTING = Weighting()


@dataclass(frozen=True)
class Case:
    """One past sale priced as a new listing: its comparables (similarity, age in days, condition steps,
    1 where the brand differs, log price moved to the sale's condition and month), the prior's log price
    for it (out of fold), and what it sold for."""

    category: str
    similarity: numpy.ndarray
    age_days: numpy.ndarray
    steps: numpy.ndarray
    other_brand: numpy.ndarray
    adjusted: numpy.ndarray
    prior_log: float
    true_log: float


@dataclass(frozen=True)
class ConformalRanges:
    """Scaled-residual quantiles per top-level category ("" = the whole history) and the scale model.

    The scale of a listing's residual is the typical absolute residual of cases with a similar comparable
    share (bins at `SHARE_EDGES`: no comparables, a little, some, most of the price) times its category's
    difficulty (the log ratio of its cases' residuals to their bins', at each level of the category path,
    shrunk toward the parent level by SCALE_SHRINK cases): a listing resting on many close comparables in a
    calm category gets a narrow range, one in a volatile category with none a wide one."""

    bin_scales: tuple[float, ...]
    category_log_scale: dict[str, float]
    quantiles: dict[str, RangeQuantiles]
    cases: dict[str, int]
    halves: tuple[ConformalRanges, ...] = ()  # the scale models fitted on each half of the cases

    def scale(self, category: str, share: float) -> float:
        """The listing's residual scale: the geometric mean of the two cross-fitted scale models' when there
        are any (each case's conformal score was divided by one of them, the one that never saw it; their
        geometric mean is what is known at pricing time, where no half is held out), else this model's own."""
        if self.halves:
            return float(
                math.sqrt(self.halves[0].scale(category, share) * self.halves[1].scale(category, share))
            )
        log_scale = 0.0
        for path in reversed(category_path(category)):
            if path in self.category_log_scale:
                log_scale = self.category_log_scale[path]
                break
        scale = self.bin_scales[share_bin(share)] * math.exp(log_scale)
        return float(min(max(scale, SCALE_FLOOR), SCALE_CEILING))

    def group(self, category: str) -> str:
        key = top_level(category)
        return key if key in self.quantiles else ""

    def offsets(self, category: str, share: float) -> RangeQuantiles:
        scale = self.scale(category, share)
        q05, q10, q90, q95 = self.quantiles[self.group(category)]
        return q05 * scale, q10 * scale, q90 * scale, q95 * scale


def category_path(category: str) -> list[str]:
    """ "a/b/c" -> ["a", "a/b", "a/b/c"] (top level first)."""
    parts = category.split("/")
    return ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def share_bin(share: float) -> int:
    """Which of the SHARE_EDGES bins a comparable share falls in (0: no comparables)."""
    return int(numpy.searchsorted(SHARE_EDGES, share, side="left"))


@dataclass(frozen=True)
class Calibration:
    """The learned weighting, how much the prior counts (`prior_weight`, in units of comparable weight),
    whether that prior is the price model or the category level, and the conformal ranges."""

    weighting: Weighting
    prior_weight: float
    ranges: ConformalRanges
    cases: int
    prior: str = "model"  # "model": the tenant's price model; "category": the category's typical price
    loss: float = 0.0  # mean squared log error of the cases at the learned parameters


@dataclass(frozen=True)
class _Padded:
    """The cases as (cases x comparables) arrays, padded with zero-weight columns."""

    similarity: numpy.ndarray
    age: numpy.ndarray
    steps: numpy.ndarray
    other_brand: numpy.ndarray
    adjusted: numpy.ndarray
    present: numpy.ndarray
    prior: numpy.ndarray
    truth: numpy.ndarray
    groups: numpy.ndarray

    @classmethod
    def of(cls, cases: Sequence[Case]) -> _Padded:
        width = max([len(case.similarity) for case in cases] + [1])

        def pad(values: list[numpy.ndarray], fill: float = 0.0) -> numpy.ndarray:
            out = numpy.full((len(values), width), fill, dtype=numpy.float64)
            for row, value in enumerate(values):
                out[row, : len(value)] = value
            return out

        return cls(
            similarity=pad([case.similarity for case in cases], 1.0),
            age=pad([case.age_days for case in cases]),
            steps=pad([case.steps for case in cases]),
            other_brand=pad([case.other_brand for case in cases]),
            adjusted=pad([case.adjusted for case in cases]),
            present=pad([numpy.ones(len(case.similarity)) for case in cases]),
            prior=numpy.array([case.prior_log for case in cases]),
            truth=numpy.array([case.true_log for case in cases]),
            groups=numpy.array([top_level(case.category) for case in cases]),
        )

    def sums(
        self, power: float, half_lives: numpy.ndarray, condition: float, brand: float
    ) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """(sum of weights, sum of weight x adjusted log price) per case; `half_lives` per case."""
        decay = math.log(2.0) / half_lives  # 0 where the half-life is infinite
        log_weight = (
            power * numpy.log(numpy.maximum(self.similarity, 1e-6))
            - decay[:, None] * self.age
            - condition * self.steps
            - brand * self.other_brand
        )
        weight = numpy.exp(log_weight) * self.present
        return weight.sum(axis=1), (weight * self.adjusted).sum(axis=1), weight


def _blend(
    total: numpy.ndarray, weighted_sum: numpy.ndarray, prior: numpy.ndarray, k: float
) -> numpy.ndarray:
    return (weighted_sum + k * prior) / (total + k)


def _errors_by_k(total: numpy.ndarray, weighted_sum: numpy.ndarray, data: _Padded) -> numpy.ndarray:
    """Squared error per case (rows) for every prior weight on the grid (columns)."""
    ks = numpy.asarray(PRIOR_WEIGHTS)
    centre = (weighted_sum[:, None] + ks[None, :] * data.prior[:, None]) / (total[:, None] + ks[None, :])
    return (centre - data.truth[:, None]) ** 2


@dataclass
class _Search:
    power: float = 1.0
    half_life: float = NO_DECAY
    condition: float = 0.0
    brand: float = 0.0
    category_half_life: dict[str, float] = field(default_factory=dict)

    def half_lives(self, data: _Padded) -> numpy.ndarray:
        return numpy.array([self.category_half_life.get(group, self.half_life) for group in data.groups])


def _best_k(search: _Search, data: _Padded) -> tuple[float, float]:
    total, weighted_sum, _ = data.sums(search.power, search.half_lives(data), search.condition, search.brand)
    errors = _errors_by_k(total, weighted_sum, data).mean(axis=0)
    best = int(numpy.argmin(errors))
    return float(errors[best]), PRIOR_WEIGHTS[best]


def _descend(data: _Padded) -> tuple[_Search, float, float]:
    """Coordinate descent over the grids: each parameter in turn takes the grid value with the least squared
    error (with the prior weight refitted for each), for a few rounds."""
    search = _Search()
    loss, k = _best_k(search, data)
    grids = (
        ("power", SIMILARITY_POWERS),
        ("half_life", HALF_LIVES_DAYS),
        ("condition", CONDITION_PENALTIES),
        ("brand", BRAND_PENALTIES),
    )
    for _ in range(DESCENT_ROUNDS):
        changed = False
        for name, grid in grids:
            for value in grid:
                trial = replace(search, **{name: value})
                trial_loss, trial_k = _best_k(trial, data)
                if trial_loss < loss - 1e-12:
                    search, loss, k, changed = trial, trial_loss, trial_k, True
        if not changed:
            break
    return search, loss, k


def _category_drift(search: _Search, data: _Padded, k: float) -> dict[str, float]:
    """Top-level categories whose own half-life cuts their squared error by CATEGORY_DRIFT_GAIN or more."""
    own: dict[str, float] = {}
    has_comparables = data.present.sum(axis=1) > 0
    for group in sorted(set(data.groups.tolist())):
        rows = (data.groups == group) & has_comparables
        if int(rows.sum()) < MIN_CATEGORY_DRIFT_CASES:
            continue
        errors = []
        for half_life in HALF_LIVES_DAYS:
            lives = numpy.full(len(data.prior), half_life)
            total, weighted_sum, _ = data.sums(search.power, lives, search.condition, search.brand)
            centre = _blend(total, weighted_sum, data.prior, k)
            errors.append(float(((centre - data.truth)[rows] ** 2).mean()))
        shared = errors[HALF_LIVES_DAYS.index(search.half_life)]
        best = int(numpy.argmin(errors))
        if errors[best] < shared * (1 - CATEGORY_DRIFT_GAIN) and HALF_LIVES_DAYS[best] != search.half_life:
            own[group] = HALF_LIVES_DAYS[best]
    return own


def dispersion(weights: numpy.ndarray, adjusted: numpy.ndarray) -> float:
    """Weighted standard deviation of the comparables' adjusted log prices (0 with fewer than two)."""
    total = float(weights.sum())
    if total <= 0 or len(weights) < 2:
        return 0.0
    mean = float(weights @ adjusted) / total
    return math.sqrt(max(float(weights @ (adjusted - mean) ** 2) / total, 0.0))


def conformal_quantile(scores: numpy.ndarray, level: float, upper: bool) -> float:
    """The finite-sample conformal bound: the ceil((n + 1)(1 - a))-th smallest score for the upper tail of a
    central `level` interval (a = (1 - level) / 2), mirrored for the lower tail; the extreme score when n is
    too small for the rank."""
    ordered = numpy.sort(scores)
    count = len(ordered)
    tail = (1.0 - level) / 2.0
    if upper:
        rank = math.ceil((count + 1) * (1.0 - tail))
        return float(ordered[min(rank, count) - 1])
    rank = math.floor((count + 1) * tail)
    return float(ordered[max(rank, 1) - 1])


def _quantiles(scores: numpy.ndarray) -> RangeQuantiles:
    low90, high90 = (conformal_quantile(scores, RANGE_LEVELS[1], upper) for upper in (False, True))
    low80, high80 = (conformal_quantile(scores, RANGE_LEVELS[0], upper) for upper in (False, True))
    return min(low90, 0.0), min(low80, 0.0), max(high80, 0.0), max(high90, 0.0)


def _scale_model(
    residuals: numpy.ndarray, shares: numpy.ndarray, categories: Sequence[str]
) -> ConformalRanges:
    """The scale model alone (see ConformalRanges), fitted on these cases; no quantiles yet."""
    size = numpy.abs(residuals) + RESIDUAL_FLOOR
    overall = float(numpy.median(size))
    bins = numpy.array([share_bin(float(share)) for share in shares], dtype=numpy.int64)
    bin_scales = tuple(
        float(numpy.median(size[bins == index])) if int((bins == index).sum()) >= MIN_BIN_CASES else overall
        for index in range(len(SHARE_EDGES) + 1)
    )
    ratio = numpy.log(size) - numpy.log(numpy.array(bin_scales)[bins])
    by_path: dict[str, list[float]] = defaultdict(list)
    for value, category in zip(ratio.tolist(), categories, strict=True):
        for path in category_path(category):
            by_path[path].append(value)
    # the mean log ratio is not 0 for a typical case (the median is): measure categories against the whole
    centre = float(numpy.mean(ratio))
    category_log_scale: dict[str, float] = {}
    for path in sorted(by_path, key=lambda name: name.count("/")):
        parent = category_log_scale.get(path.rsplit("/", 1)[0], 0.0) if "/" in path else 0.0
        values = by_path[path]
        category_log_scale[path] = (sum(values) - len(values) * centre + SCALE_SHRINK * parent) / (
            len(values) + SCALE_SHRINK
        )
    return ConformalRanges(
        bin_scales=bin_scales, category_log_scale=category_log_scale, quantiles={}, cases={}
    )


def fit_ranges(residuals: numpy.ndarray, shares: numpy.ndarray, categories: Sequence[str]) -> ConformalRanges:
    """The scale models of the two halves of the cases (see ConformalRanges) and the conformal quantiles of
    scaled residuals per top-level category with MIN_GROUP_CASES cases and over all cases (the fallback for
    smaller categories). Each case's residual is scaled by the scale model fitted on the other half of the
    cases (cross-fitting; the halves are a fixed shuffle, so no order in the cases lines up with them), so
    the scale never learned from the residual it scales and the quantiles are not optimistic. No scale model
    is fitted on all cases: `ConformalRanges.scale` prices with the halves' (their geometric mean), so the
    returned ranges carry no scale model of their own (empty `bin_scales`)."""
    halves = numpy.random.default_rng(0).permutation(len(residuals)) % 2  # fixed: the same history, the same
    scores = numpy.empty(len(residuals), dtype=numpy.float64)
    models: list[ConformalRanges] = []
    for half in (0, 1):
        fit, scaled = halves != half, halves == half
        model = _scale_model(
            residuals[fit], shares[fit], [c for c, f in zip(categories, fit, strict=True) if f]
        )
        models.append(model)
        rows = numpy.flatnonzero(scaled)
        scores[rows] = residuals[rows] / numpy.array(
            [model.scale(categories[row], float(shares[row])) for row in rows]
        )
    ranges = ConformalRanges(
        bin_scales=(), category_log_scale={}, quantiles={}, cases={}, halves=tuple(models)
    )
    groups = numpy.array([top_level(category) for category in categories])
    ranges.quantiles[""] = _quantiles(scores)
    ranges.cases[""] = len(scores)
    for group in sorted(set(groups.tolist())):
        rows = groups == group
        if int(rows.sum()) >= MIN_GROUP_CASES:
            ranges.quantiles[group] = _quantiles(scores[rows])
            ranges.cases[group] = int(rows.sum())
    return ranges


def learn_calibration(cases: Sequence[Case], prior: str = "model") -> Calibration | None:
    """Weighting, prior weight and conformal ranges learned on `cases`; None with fewer than MIN_CASES."""
    if len(cases) < MIN_CASES:
        return None
    data = _Padded.of(cases)
    search, loss, k = _descend(data)
    search.category_half_life = _category_drift(search, data, k)
    if search.category_half_life:
        loss, k = _best_k(search, data)
    total, weighted_sum, _ = data.sums(search.power, search.half_lives(data), search.condition, search.brand)
    centre = _blend(total, weighted_sum, data.prior, k)
    ranges = fit_ranges(data.truth - centre, total / (total + k), [case.category for case in cases])
    weighting = Weighting(
        similarity_power=search.power,
        half_life_days=search.half_life,
        condition_penalty=search.condition,
        brand_penalty=search.brand,
        category_half_life=dict(search.category_half_life),
    )
    return Calibration(
        weighting=weighting, prior_weight=k, ranges=ranges, cases=len(cases), prior=prior, loss=loss
    )
