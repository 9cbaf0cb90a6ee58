"""probability_within: the Gaussian measurement model behind every fit probability."""

from __future__ import annotations

import pytest

from knowledge.sizing.probability import probability_within


def test_a_range_one_sigma_each_side_holds_about_68_percent() -> None:
    assert probability_within(100.0, 2.0, 98.0, 102.0) == pytest.approx(0.6827, abs=1e-4)


def test_a_measurement_on_the_edge_splits_evenly_between_neighbours() -> None:
    below = probability_within(100.0, 3.0, 80.0, 100.0)
    above = probability_within(100.0, 3.0, 100.0, 120.0)
    assert below == pytest.approx(above)
    assert below == pytest.approx(0.5, abs=1e-6)


def test_zero_sigma_is_an_exact_measurement_with_a_half_open_range() -> None:
    assert probability_within(100.0, 0.0, 100.0, 101.0) == 1.0
    assert probability_within(101.0, 0.0, 100.0, 101.0) == 0.0


def test_far_away_ranges_get_nothing() -> None:
    assert probability_within(100.0, 2.0, 150.0, 160.0) == 0.0


def test_negative_sigma_and_reversed_ranges_are_errors() -> None:
    with pytest.raises(ValueError, match="sigma"):
        probability_within(100.0, -1.0, 90.0, 110.0)
    with pytest.raises(ValueError, match="high"):
        probability_within(100.0, 1.0, 110.0, 90.0)
