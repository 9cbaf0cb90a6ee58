"""The eval metrics, checked against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from domain.decision.calibration import IsotonicCalibration
from evals.decision.metrics import (
    auc,
    average_one_vs_rest_auc,
    expected_calibration_error,
    isotonic_fit,
    macro_f1,
)


def test_auc_is_one_for_a_perfect_ranking_and_a_half_for_ties() -> None:
    assert auc(np.array([0.1, 0.2, 0.8, 0.9]), np.array([False, False, True, True])) == 1.0
    assert auc(np.array([0.5, 0.5, 0.5, 0.5]), np.array([False, True, False, True])) == 0.5
    assert auc(np.array([0.1, 0.4, 0.35, 0.8]), np.array([False, False, True, True])) == 0.75


def test_average_auc_covers_every_class() -> None:
    probabilities = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])

    assert average_one_vs_rest_auc(probabilities, np.array([0, 1, 2])) == 1.0


def test_macro_f1_averages_per_class_f1() -> None:
    labels = np.array([0, 0, 1, 1, 2, 2])
    predicted = np.array([0, 1, 1, 1, 2, 0])

    assert macro_f1(predicted, labels, 3) == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)


def test_ece_is_zero_when_confidence_matches_the_observed_rate() -> None:
    confidence = np.array([0.25] * 4 + [0.75] * 4)
    outcome = np.array([1, 0, 0, 0, 1, 1, 1, 0])

    assert expected_calibration_error(confidence, outcome) == pytest.approx(0.0)
    assert expected_calibration_error(np.full(4, 0.9), np.array([1, 0, 0, 0])) == pytest.approx(0.65)


def test_isotonic_fit_is_monotone_and_loads_as_a_calibration() -> None:
    rng = np.random.default_rng(3)
    raw = rng.uniform(0, 1, 20_000)
    outcome = rng.uniform(0, 1, 20_000) < raw**2

    knots_raw, knots_calibrated = isotonic_fit(raw, outcome)

    calibration = IsotonicCalibration(
        method="isotonic", raw=knots_raw, calibrated=knots_calibrated, source="test"
    )
    assert calibration.apply(0.5) == pytest.approx(0.25, abs=0.04)
    assert calibration.apply(0.9) == pytest.approx(0.81, abs=0.04)


def test_a_few_fitting_rows_at_the_top_do_not_pin_the_isotonic_map_to_one() -> None:
    rng = np.random.default_rng(4)
    raw = np.sort(rng.uniform(0, 1, 10_000))
    outcome = rng.uniform(0, 1, 10_000) < 0.7
    outcome[-5:] = True

    _, knots_calibrated = isotonic_fit(raw, outcome)

    assert knots_calibrated[-1] == pytest.approx(0.7, abs=0.05)
