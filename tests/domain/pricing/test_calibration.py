"""What a history teaches about weighing comparables and range widths: learned on out-of-fold cases, not
assumed, and conformal ranges that hold their coverage per category."""

from __future__ import annotations

import math

import numpy
import pytest

from domain.pricing.calibration import (
    MIN_CASES,
    PRIOR_WEIGHTS,
    Case,
    conformal_quantile,
    fit_ranges,
    learn_calibration,
)


def make_cases(
    count: int = 600,
    *,
    comparable_noise: float = 0.1,
    model_noise: float = 0.5,
    loose_noise: float | None = None,
    drift_per_day: float = 0.0,
    category: str = "women/tops",
    seed: int = 7,
) -> list[Case]:
    """Cases with five comparables each: close ones (similarity 0.95) priced near the truth with
    `comparable_noise`, loose ones (0.65) with `loose_noise`; a comparable `age` days away is off by
    drift x age (prices moving over time); the prior (model) is off by `model_noise`."""
    rng = numpy.random.default_rng(seed)
    cases: list[Case] = []
    for _ in range(count):
        truth = float(rng.normal(4.0, 1.0))
        similarity = numpy.array([0.95, 0.95, 0.65, 0.65, 0.65])
        age = rng.uniform(0, 400, 5)
        noise = numpy.where(similarity > 0.9, comparable_noise, loose_noise or comparable_noise)
        drift = drift_per_day * age * rng.choice([-1.0, 1.0], 5)
        cases.append(
            Case(
                category=category,
                similarity=similarity,
                age_days=age,
                steps=numpy.zeros(5),
                other_brand=numpy.zeros(5),
                adjusted=truth + rng.normal(0, 1, 5) * noise + drift,
                prior_log=truth + float(rng.normal(0, model_noise)),
                true_log=truth,
            )
        )
    return cases


def test_the_upper_bound_is_the_finite_sample_conformal_rank() -> None:
    scores = numpy.arange(1.0, 20.0)  # 19 scores: the 90% upper rank is ceil(20 x 0.95) = 19

    assert conformal_quantile(scores, 0.9, upper=True) == 19.0
    assert conformal_quantile(scores, 0.9, upper=False) == 1.0
    assert conformal_quantile(scores, 0.8, upper=True) == 18.0  # ceil(20 x 0.9) = 18


def test_the_prior_counts_little_when_comparables_are_accurate_and_much_when_they_are_not() -> None:
    trusted_comparables = learn_calibration(make_cases(comparable_noise=0.05, model_noise=0.8))
    trusted_model = learn_calibration(make_cases(comparable_noise=0.8, model_noise=0.05))

    assert trusted_comparables is not None and trusted_model is not None
    assert trusted_comparables.prior_weight < 0.2 < 5 < trusted_model.prior_weight
    assert trusted_model.prior_weight <= PRIOR_WEIGHTS[-1]


def test_loosely_similar_comparables_lose_weight_when_they_price_badly() -> None:
    noisy_loose = learn_calibration(make_cases(comparable_noise=0.05, loose_noise=1.0))
    good_loose = learn_calibration(make_cases(comparable_noise=0.05, loose_noise=0.05))

    assert noisy_loose is not None and good_loose is not None
    assert noisy_loose.weighting.similarity_power >= 8
    assert good_loose.weighting.similarity_power < noisy_loose.weighting.similarity_power


def test_a_history_whose_prices_drift_learns_a_short_half_life_and_a_steady_one_a_long_one() -> None:
    drifting = learn_calibration(make_cases(drift_per_day=0.004))
    steady = learn_calibration(make_cases(drift_per_day=0.0))

    assert drifting is not None and steady is not None
    assert drifting.weighting.half_life_days <= 120
    assert steady.weighting.half_life_days >= 480


def test_too_few_cases_learn_nothing() -> None:
    assert learn_calibration(make_cases(MIN_CASES - 1)) is None


def test_each_category_gets_its_own_range_width_and_holds_its_coverage_on_fresh_sales() -> None:
    """Two categories, one four times as volatile: learned on one draw, the 80% and 90% ranges cover about
    80% and 90% of a fresh draw in each category, and the calm one's range is the narrower."""

    def draw(seed: int) -> tuple[numpy.ndarray, numpy.ndarray, list[str]]:
        rng = numpy.random.default_rng(seed)
        categories = ["calm/a" if number % 2 else "wild/b" for number in range(3000)]
        sigma = numpy.array([0.1 if name.startswith("calm") else 0.4 for name in categories])
        shares = rng.uniform(0, 1, 3000)
        return rng.normal(0, 1, 3000) * sigma * (1.5 - shares), shares, categories

    ranges = fit_ranges(*draw(1))
    residuals, shares, categories = draw(2)
    for group in ("calm", "wild"):
        rows = [row for row, name in enumerate(categories) if name.startswith(group)]
        offsets = numpy.array([ranges.offsets(categories[row], float(shares[row])) for row in rows])
        inside_80 = (offsets[:, 1] <= residuals[rows]) & (residuals[rows] <= offsets[:, 2])
        inside_90 = (offsets[:, 0] <= residuals[rows]) & (residuals[rows] <= offsets[:, 3])
        assert inside_80.mean() == pytest.approx(0.80, abs=0.03)
        assert inside_90.mean() == pytest.approx(0.90, abs=0.03)
    calm = ranges.offsets("calm/a", 0.5)
    wild = ranges.offsets("wild/b", 0.5)
    assert wild[2] - wild[1] > 2.5 * (calm[2] - calm[1])


def test_ranges_narrow_where_more_of_the_price_rests_on_comparables() -> None:
    rng = numpy.random.default_rng(3)
    shares = numpy.where(rng.uniform(0, 1, 2000) < 0.3, 0.0, rng.uniform(0, 1, 2000))  # 30% without any
    residuals = rng.normal(0, 1, 2000) * (0.6 - 0.5 * shares)

    ranges = fit_ranges(residuals, shares, ["women/tops"] * 2000)

    def width(share: float) -> float:
        _, low, high, _ = ranges.offsets("women/tops", share)
        return high - low

    assert width(0.0) > width(0.4) > width(0.9)
    assert math.isfinite(width(0.9)) and width(0.9) > 0


def test_a_small_volatile_category_beside_a_large_calm_one_holds_its_coverage() -> None:
    """60 sales of a volatile category next to 2,000 calm ones: its scale is shrunk toward the whole
    history's, and the range it is priced with is scaled as its conformal scores were, so over many
    histories its 80% range covers about 80% of fresh sales (a scale refitted on all cases shrinks less and
    covered about 90%)."""
    coverage = []
    for seed in range(20):
        rng = numpy.random.default_rng(seed)
        categories = ["calm/a"] * 2000 + ["volatile/b"] * 60
        sigma = numpy.array([0.2 if name.startswith("calm") else 0.8 for name in categories])
        ranges = fit_ranges(
            rng.normal(0, 1, len(categories)) * sigma, rng.uniform(0, 1, len(categories)), categories
        )
        fresh, shares = rng.normal(0, 1, 2000) * 0.8, rng.uniform(0, 1, 2000)
        offsets = numpy.array([ranges.offsets("volatile/b", float(share)) for share in shares])
        coverage.append(float(((offsets[:, 1] <= fresh) & (fresh <= offsets[:, 2])).mean()))

    assert numpy.mean(coverage) == pytest.approx(0.80, abs=0.03)
