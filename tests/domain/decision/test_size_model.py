"""The latent true-size model: an ordinal logistic link of the size mismatch, and the one update rule that
moves Gaussian beliefs about item and brand offsets after each fit report, from priors worth several."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.records.feedback import FitReport
from domain.decision.size_model import (
    BRAND_PRIOR_VAR,
    FOOTWEAR_LINK,
    ITEM_PRIOR_VAR,
    Belief,
    OrdinalLink,
    log_likelihood_slopes,
    prior_variance,
    reliability,
    report_information,
    report_probabilities,
    update_offsets,
)

PRIOR_ITEM = Belief(0.0, ITEM_PRIOR_VAR)
PRIOR_BRAND = Belief(0.0, BRAND_PRIOR_VAR)
REPORTS = (FitReport.SMALL, FitReport.FIT, FitReport.LARGE)


def test_the_link_gives_three_probabilities_that_sum_to_one_and_shift_with_the_mismatch() -> None:
    probabilities = report_probabilities([-1.0, 0.0, 1.0], [0.0, 0.0, 0.0], FOOTWEAR_LINK)

    assert probabilities.sum(axis=1) == pytest.approx([1.0, 1.0, 1.0])
    small, fit, large = probabilities.T
    assert list(small) == sorted(small) and list(large) == sorted(large, reverse=True)
    assert fit[1] == pytest.approx(1 / (1 + math.exp(-1.7)) - 1 / (1 + math.exp(1.7)))


def test_an_uncertain_mismatch_is_less_likely_to_fit() -> None:
    certain, uncertain = report_probabilities([0.0, 0.0], [0.0, 0.5], FOOTWEAR_LINK)[:, 1]

    assert uncertain < certain


def test_the_slopes_of_the_log_likelihood_match_finite_differences() -> None:
    link = OrdinalLink(low=-0.4, high=1.3, scale=2.0)
    step = 1e-4
    for column, report in enumerate(REPORTS):
        for mismatch in (-0.8, 0.1, 0.9):

            def log_p(m: float, column: int = column) -> float:
                return math.log(float(report_probabilities(m, 0.0, link)[column]))

            first, second = log_likelihood_slopes(mismatch, report, link)
            slope = (log_p(mismatch + step) - log_p(mismatch - step)) / (2 * step)
            assert first == pytest.approx(slope, rel=1e-5)
            assert second == pytest.approx(
                (log_p(mismatch + step) - 2 * log_p(mismatch) + log_p(mismatch - step)) / step**2, rel=1e-3
            )
            assert second < 0


def test_a_link_needs_ordered_thresholds_and_a_positive_scale() -> None:
    with pytest.raises(ValueError):
        OrdinalLink(low=1.0, high=-1.0, scale=1.0)
    with pytest.raises(ValueError):
        OrdinalLink(low=-1.0, high=1.0, scale=0.0)


def update(item: Belief, brand: Belief, report: FitReport, shift: float = 0.0) -> Belief:
    """The item's belief after one report."""
    return update_offsets(item, brand, report, FOOTWEAR_LINK, shift)[0]


def test_too_small_moves_the_item_towards_running_small_and_too_large_the_other_way() -> None:
    assert update(PRIOR_ITEM, PRIOR_BRAND, FitReport.SMALL).mean > 0
    assert update(PRIOR_ITEM, PRIOR_BRAND, FitReport.LARGE).mean < 0
    assert update(PRIOR_ITEM, PRIOR_BRAND, FitReport.FIT).mean == pytest.approx(0.0)


def test_a_shopper_known_to_be_a_size_larger_saying_small_teaches_less_than_one_in_their_size() -> None:
    in_size = update(PRIOR_ITEM, PRIOR_BRAND, FitReport.SMALL)
    larger = update(PRIOR_ITEM, PRIOR_BRAND, FitReport.SMALL, shift=1.0)

    assert 0 < larger.mean < in_size.mean


def test_every_report_makes_the_item_belief_more_certain() -> None:
    for report in FitReport:
        assert update(PRIOR_ITEM, PRIOR_BRAND, report).variance < ITEM_PRIOR_VAR


def test_the_priors_are_worth_several_reports() -> None:
    information = report_information(FOOTWEAR_LINK)

    assert 1 / (ITEM_PRIOR_VAR * information) == pytest.approx(10)
    assert 1 / (BRAND_PRIOR_VAR * information) == pytest.approx(40)
    assert prior_variance(FOOTWEAR_LINK, 10) == pytest.approx(ITEM_PRIOR_VAR)


def test_the_information_of_a_report_matches_the_curvature_of_its_expected_log_likelihood() -> None:
    chances = report_probabilities(0.0, 0.0, FOOTWEAR_LINK)
    expected_curvature = sum(
        chance * log_likelihood_slopes(0.0, report, FOOTWEAR_LINK)[1]
        for chance, report in zip(chances, REPORTS, strict=True)
    )

    assert report_information(FOOTWEAR_LINK) == pytest.approx(-expected_curvature, rel=1e-6)


def test_one_report_moves_the_item_a_little_and_its_brand_less() -> None:
    item, brand = update_offsets(PRIOR_ITEM, PRIOR_BRAND, FitReport.SMALL, FOOTWEAR_LINK)

    assert 0.05 < item.mean < 0.2
    assert 0 < brand.mean < item.mean / 2
    assert brand.mean < 0.05  # under half a millimetre of foot length for every other shoe of the brand


def test_the_step_is_shared_by_the_variances_and_sums_to_one_step_on_the_sum() -> None:
    item, brand = Belief(0.0, 0.03), Belief(0.0, 0.01)
    new_item, new_brand = update_offsets(item, brand, FitReport.LARGE, FOOTWEAR_LINK)
    item_var, brand_var = 0.03 + FOOTWEAR_LINK.drift_var, 0.01 + FOOTWEAR_LINK.drift_var

    assert new_item.mean / new_brand.mean == pytest.approx(item_var / brand_var)
    first, second = log_likelihood_slopes(0.0, FitReport.LARGE, FOOTWEAR_LINK)
    total = item_var + brand_var
    assert new_item.mean + new_brand.mean == pytest.approx(first / (1 / total - second))


def test_many_consistent_reports_move_the_brand_a_long_way() -> None:
    brand = PRIOR_BRAND
    for _ in range(20):
        _, brand = update_offsets(PRIOR_ITEM, brand, FitReport.SMALL, FOOTWEAR_LINK)

    assert brand.mean > 0.5


def test_the_offset_of_an_item_that_runs_a_size_small_is_learned_from_reports() -> None:
    rng = np.random.default_rng(7)
    true_offset = 1.0
    item, brand = PRIOR_ITEM, PRIOR_BRAND
    chances = report_probabilities(true_offset, 0.0, FOOTWEAR_LINK)
    for column in rng.choice(3, size=300, p=chances):
        item, brand = update_offsets(item, brand, REPORTS[column], FOOTWEAR_LINK)

    assert item.mean + brand.mean == pytest.approx(true_offset, abs=0.2)


def test_a_brand_we_know_well_is_more_reliable_than_an_unknown_one() -> None:
    unknown = reliability(PRIOR_BRAND)

    assert reliability(Belief(0.0, 0.001)) > unknown
    assert 0.9 < unknown < 1.0
    assert reliability(Belief(0.0, 0.0)) == pytest.approx(1.0)
