"""The price estimate: weights, learned factors, weighted quantiles, range and confidence; time measured from
the pricing moment, never the wall clock."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy
import pytest

from domain.pricing.calibration import Calibration, ConformalRanges, Weighting
from domain.pricing.estimate import (
    HistoryFactors,
    PricedSale,
    WeightedComparable,
    age_days,
    comparable_evidence,
    estimate_price,
    weighted_quantile,
)

NOW = datetime(2026, 6, 15, tzinfo=UTC)


def sale(
    price: float, *, days_ago: float = 10, condition: str = "good", category: str = "men/jeans"
) -> PricedSale:
    return PricedSale(
        price=price, sold_at=NOW - timedelta(days=days_ago), category=category, condition=condition
    )


def near(price: float, similarity: float = 0.9, **kwargs: object) -> WeightedComparable:
    return WeightedComparable(sale=sale(price, **kwargs), similarity=similarity)  # type: ignore[arg-type]


def flat_history() -> HistoryFactors:
    """30 recent men/jeans sales at 1000 in good condition."""
    return HistoryFactors.learn([sale(1000) for _ in range(30)])


def test_age_is_measured_from_the_pricing_moment_and_a_later_sale_counts_as_new() -> None:
    assert age_days(NOW, NOW - timedelta(days=60)) == pytest.approx(60)
    assert age_days(NOW, NOW + timedelta(days=5)) == 0.0
    assert age_days(NOW, NOW + timedelta(days=5), symmetric=True) == pytest.approx(5)


def test_weights_are_similarity_to_a_power_times_recency_decay_and_penalties() -> None:
    weighting = Weighting(similarity_power=2.0, half_life_days=60.0, condition_penalty=0.5, brand_penalty=1.0)
    history = flat_history().with_calibration(calibrated(weighting))
    found = [
        near(100, 0.8, days_ago=0),
        near(100, 0.9, days_ago=60),
        near(100, 1.0, days_ago=0, condition="fair"),
    ]

    evidence = comparable_evidence(found, category="men/jeans", condition="good", now=NOW, history=history)

    assert evidence.weights.tolist() == pytest.approx(
        [0.8**2, 0.9**2 * 0.5, math.exp(-0.5)]  # good -> fair is one condition step
    )


def test_a_comparable_of_another_brand_counts_less_when_the_history_says_so() -> None:
    weighting = Weighting(similarity_power=1.0, half_life_days=math.inf, brand_penalty=1.0)
    history = flat_history().with_calibration(calibrated(weighting))
    levis = WeightedComparable(PricedSale(100, NOW, "men/jeans", "good", "Levi's"), 1.0)
    other = WeightedComparable(PricedSale(100, NOW, "men/jeans", "good", "Roadster"), 1.0)

    evidence = comparable_evidence(
        [levis, other], category="men/jeans", condition="good", now=NOW, history=history, brand="levi's"
    )

    assert evidence.weights.tolist() == pytest.approx([1.0, math.exp(-1.0)])


def test_weighted_quantile_follows_the_weights() -> None:
    values = [10.0, 20.0, 30.0]

    assert weighted_quantile(values, [1, 1, 1], 0.5) == pytest.approx(20.0)
    assert 25.0 < weighted_quantile(values, [1, 1, 8], 0.5) < 30.0
    assert weighted_quantile(values, [1, 1, 8], 0.7) == pytest.approx(30.0)
    assert weighted_quantile(values, [1, 1, 1], 0.0) == 10.0
    assert weighted_quantile(values, [1, 1, 1], 1.0) == 30.0


def test_weighted_quantile_refuses_empty_input_and_zero_weights() -> None:
    with pytest.raises(ValueError, match="no values"):
        weighted_quantile([], [], 0.5)
    with pytest.raises(ValueError, match="positive sum"):
        weighted_quantile([1.0], [0.0], 0.5)


def test_condition_multipliers_are_learned_from_history() -> None:
    history = [sale(2000, condition="new") for _ in range(50)] + [
        sale(1000, condition="fair") for _ in range(50)
    ]

    factors = HistoryFactors.learn(history)

    new_over_fair = math.exp(
        factors.condition_log("men/jeans", "new") - factors.condition_log("men/jeans", "fair")
    )
    assert 1.6 < new_over_fair < 2.0  # ~x2 in the data, shrunk a little toward no effect
    assert factors.condition_log("men/jeans", "poor") == 0.0  # never seen: no adjustment


def test_a_factor_seen_a_few_times_is_shrunk_toward_no_effect() -> None:
    few = HistoryFactors.learn([sale(2000, condition="new"), sale(1000, condition="fair")])
    many = HistoryFactors.learn([sale(2000, condition="new"), sale(1000, condition="fair")] * 40)

    assert 0 < few.condition_log("men/jeans", "new") < many.condition_log("men/jeans", "new")


def test_seasonal_index_is_learned_per_category_and_month() -> None:
    winter = [PricedSale(3000, datetime(2025, 12, 10, tzinfo=UTC), "jackets", "good") for _ in range(60)]
    summer = [PricedSale(1500, datetime(2025, 6, 10, tzinfo=UTC), "jackets", "good") for _ in range(60)]

    factors = HistoryFactors.learn(winter + summer)

    assert factors.season_log("jackets", 12) > 0 > factors.season_log("jackets", 6)
    assert factors.season_log("jackets", 3) == 0.0


def test_the_estimate_sits_among_the_comparables_and_the_range_brackets_it() -> None:
    comparables = [near(price) for price in (900, 1000, 1000, 1100, 1200, 950, 1050)]
    history = HistoryFactors.learn([c.sale for c in comparables])

    estimate = estimate_price(comparables, category="men/jeans", condition="good", now=NOW, history=history)

    assert 950 < estimate.price < 1100
    assert estimate.p5 <= estimate.low < estimate.price < estimate.high <= estimate.p95
    assert len(estimate.weights) == len(comparables)


def test_comparables_in_a_better_condition_are_priced_down_to_the_listing() -> None:
    history = HistoryFactors.learn(
        [sale(2000, condition="new") for _ in range(60)] + [sale(1000, condition="fair") for _ in range(60)]
    )
    new_sales = [near(2000, condition="new") for _ in range(8)]

    as_new = estimate_price(new_sales, category="men/jeans", condition="new", now=NOW, history=history)
    as_fair = estimate_price(new_sales, category="men/jeans", condition="fair", now=NOW, history=history)

    assert as_fair.price < 0.7 * as_new.price
    condition = next(a for a in as_fair.adjustments if a.kind == "condition")
    assert condition.factor < 0.7 and "fair" in condition.reason


def test_more_similar_and_tighter_comparables_give_more_confidence() -> None:
    history = HistoryFactors.learn([sale(1000)])
    tight = [near(1000 + 10 * i, 0.95) for i in range(15)]
    loose = [near(300 * (i + 1), 0.72) for i in range(15)]
    few = tight[:2]

    def confidence(items: list[WeightedComparable]) -> float:
        return estimate_price(
            items, category="men/jeans", condition="good", now=NOW, history=history
        ).confidence

    assert confidence(tight) > confidence(loose)
    assert confidence(tight) > confidence(few)
    assert confidence(loose) >= 0.05 and confidence(tight) <= 0.95


def test_without_comparables_the_category_level_is_used_with_minimum_confidence() -> None:
    history = HistoryFactors.learn([sale(500, category="men/jeans") for _ in range(10)])

    estimate = estimate_price([], category="men/jeans", condition="good", now=NOW, history=history)

    assert estimate.price == pytest.approx(500, rel=0.01)
    assert estimate.confidence == 0.05
    assert estimate.weights == ()


def test_a_photo_assessment_multiplies_the_price_and_is_reported() -> None:
    comparables = [near(1000) for _ in range(6)]
    history = HistoryFactors.learn([c.sale for c in comparables])

    plain = estimate_price(comparables, category="men/jeans", condition="good", now=NOW, history=history)
    stained = estimate_price(
        comparables,
        category="men/jeans",
        condition="good",
        now=NOW,
        history=history,
        photo_log_factor=math.log(0.9),
        photo_reason="stains visible",
    )

    assert stained.price == pytest.approx(0.9 * (plain.price + 1) - 1, rel=0.01)
    assert [a.reason for a in stained.adjustments if a.kind == "photo_condition"] == ["stains visible"]


def test_a_single_far_off_comparable_is_pulled_toward_the_category_level() -> None:
    history = flat_history()

    estimate = estimate_price(
        [near(5000, 0.75)], category="men/jeans", condition="good", now=NOW, history=history
    )

    assert 1000 < estimate.price < 5000
    assert numpy.isfinite(estimate.low) and estimate.low > 0


def test_a_category_with_few_sales_borrows_its_level_from_the_parent() -> None:
    history = HistoryFactors.learn(
        [sale(1000, category="men/jeans/slim") for _ in range(40)]
        + [sale(3000, category="men/jeans/bootcut")]
    )

    bootcut = math.expm1(history.level("men/jeans/bootcut"))
    assert 1000 < bootcut < 3000  # one sale cannot set a level on its own
    assert history.level("men/jeans/unseen") == history.level("men/jeans")


def test_a_brand_that_sells_above_its_category_lifts_the_prior() -> None:
    history = HistoryFactors.learn(
        [PricedSale(3000, NOW, "men/jeans", "good", brand="Levi's") for _ in range(30)]
        + [PricedSale(1000, NOW, "men/jeans", "good", brand="Roadster") for _ in range(30)]
    )

    levis = estimate_price(
        [], category="men/jeans", condition="good", now=NOW, history=history, brand="levi's"
    )
    unknown = estimate_price(
        [], category="men/jeans", condition="good", now=NOW, history=history, brand="Zara"
    )

    assert levis.price > 1.5 * unknown.price
    assert any(a.kind == "brand" and a.factor > 1 for a in levis.adjustments)


def test_a_few_identical_comparables_do_not_make_the_range_falsely_tight() -> None:
    history = HistoryFactors.learn([sale(500 * (1 + i % 5)) for i in range(100)])
    twins = [near(1000), near(1000)]
    many = [near(1000) for _ in range(40)]

    few_range = estimate_price(twins, category="men/jeans", condition="good", now=NOW, history=history)
    many_range = estimate_price(many, category="men/jeans", condition="good", now=NOW, history=history)

    assert few_range.high / few_range.low > many_range.high / many_range.low


def calibrated(
    weighting: Weighting | None = None,
    *,
    prior_weight: float = 2.0,
    quantiles: tuple[float, float, float, float] = (-1.0, -0.6, 0.6, 1.0),
    scales: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0),
) -> Calibration:
    """A calibration as a history of 400 cases might teach it (scaled-residual quantiles, bin scales)."""
    return Calibration(
        weighting=weighting or Weighting(similarity_power=1.0, half_life_days=math.inf),
        prior_weight=prior_weight,
        ranges=ConformalRanges(
            bin_scales=scales, category_log_scale={}, quantiles={"": quantiles}, cases={"": 400}
        ),
        cases=400,
    )


def test_without_comparables_the_price_model_sets_the_price_and_the_conformal_quantiles_the_range() -> None:
    history = flat_history().with_calibration(calibrated())

    estimate = estimate_price(
        [], category="men/jeans", condition="good", now=NOW, history=history, model_log_price=math.log1p(2400)
    )

    assert estimate.price == pytest.approx(2400, rel=1e-3)
    assert math.log1p(estimate.low) - math.log1p(estimate.price) == pytest.approx(-0.6, abs=1e-3)
    assert math.log1p(estimate.p95) - math.log1p(estimate.price) == pytest.approx(1.0, abs=1e-3)
    [model] = [a for a in estimate.adjustments if a.kind == "price_model"]
    assert model.factor == pytest.approx(2.4, rel=0.01)
    assert "carries 100% of the price" in model.reason and "learned out of fold on 400" in model.reason


def test_comparables_and_the_price_model_are_averaged_at_the_learned_weight() -> None:
    history = flat_history().with_calibration(calibrated(scales=(1.0, 1.0, 1.0, 0.5)))
    found = [near(3000, 1.0, days_ago=0), near(3000, 1.0, days_ago=0)]

    estimate = estimate_price(
        found,
        category="men/jeans",
        condition="good",
        now=NOW,
        history=history,
        model_log_price=math.log1p(1000),
    )

    expected = (2.0 * math.log1p(3000) + 2.0 * math.log1p(1000)) / 4.0
    assert math.log1p(estimate.price) == pytest.approx(expected, abs=1e-3)
    # half the price rests on comparables: the range is the scale of that bin times the quantile
    assert math.log1p(estimate.high) - math.log1p(estimate.price) == pytest.approx(0.6 * 1.0, abs=1e-3)
    assert estimate.weights == pytest.approx((0.25, 0.25))  # each comparable's share of the price
    assert estimate.comparable_share == pytest.approx(0.5)


def test_many_close_comparables_narrow_the_range_as_far_as_their_residuals_allow() -> None:
    history = flat_history().with_calibration(calibrated(scales=(0.8, 0.6, 0.4, 0.2), prior_weight=2.0))

    def width(found: list[WeightedComparable]) -> float:
        estimate = estimate_price(
            found, category="men/jeans", condition="good", now=NOW, history=history, model_log_price=7.0
        )
        return estimate.high / estimate.low

    assert width([]) > width([near(1000, 0.8)]) > width([near(1000, 1.0) for _ in range(10)])


def test_the_price_model_is_ignored_until_a_calibration_is_learned() -> None:
    history = flat_history()

    with_model = estimate_price(
        [near(1200)], category="men/jeans", condition="good", now=NOW, history=history, model_log_price=9.0
    )
    without = estimate_price([near(1200)], category="men/jeans", condition="good", now=NOW, history=history)

    assert with_model == without


def test_moving_the_pricing_moment_and_every_sale_by_years_changes_nothing() -> None:
    weighting = Weighting(similarity_power=2.0, half_life_days=90.0, condition_penalty=0.25)
    comparables = [near(800 + 50 * i, 0.75 + 0.02 * i, days_ago=30 * i) for i in range(10)]
    history = HistoryFactors.learn([c.sale for c in comparables]).with_calibration(calibrated(weighting))
    years = timedelta(days=4 * 1461)  # 16 calendar years to the day: every month stays the month it was

    def moved(item: WeightedComparable) -> WeightedComparable:
        return WeightedComparable(replace(item.sale, sold_at=item.sale.sold_at - years), item.similarity)

    old = [moved(item) for item in comparables]
    old_history = HistoryFactors.learn([c.sale for c in old]).with_calibration(calibrated(weighting))

    now = estimate_price(comparables, category="men/jeans", condition="good", now=NOW, history=history)
    then = estimate_price(old, category="men/jeans", condition="good", now=NOW - years, history=old_history)

    assert then == now


def test_comparable_evidence_moves_each_sale_to_the_listings_condition() -> None:
    history = HistoryFactors.learn([sale(2000, condition="new"), sale(1000, condition="fair")] * 40)

    evidence = comparable_evidence(
        [near(1000, condition="fair", days_ago=0)],
        category="men/jeans",
        condition="new",
        now=NOW,
        history=history,
    )

    assert evidence.total == pytest.approx(0.9)  # default weighting: similarity, age 0
    assert evidence.condition_moves[0] > 0.3
    assert evidence.mean() == pytest.approx(math.log1p(1000) + evidence.condition_moves[0])
