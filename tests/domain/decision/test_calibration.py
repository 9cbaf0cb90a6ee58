"""Calibration maps raw confidence monotonically onto fitted probabilities read from a data file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.decision.calibration import (
    IsotonicCalibration,
    PlattCalibration,
    load_calibration,
    load_calibration_table,
    parse_calibration,
    parse_calibration_table,
)


def test_the_packaged_calibration_loads_and_is_monotone() -> None:
    calibration = load_calibration()
    values = [calibration.apply(step / 20) for step in range(21)]

    assert values == sorted(values)
    assert all(0.0 <= value <= 1.0 for value in values)
    assert len(calibration.source) > 3


def test_platt_scaling_is_a_logistic_curve_of_the_raw_score() -> None:
    platt = PlattCalibration(method="platt", slope=8.0, intercept=-4.0, source="test fit")

    assert platt.apply(0.5) == pytest.approx(0.5)
    assert platt.apply(0.9) > 0.95
    assert platt.apply(0.1) < 0.05


def test_isotonic_calibration_interpolates_between_knots_and_clamps_outside() -> None:
    isotonic = IsotonicCalibration(
        method="isotonic", raw=[0.2, 0.6, 0.9], calibrated=[0.1, 0.5, 0.8], source="test fit"
    )

    assert isotonic.apply(0.4) == pytest.approx(0.3)
    assert isotonic.apply(0.0) == pytest.approx(0.1)
    assert isotonic.apply(1.0) == pytest.approx(0.8)


def test_an_isotonic_calibration_that_goes_down_is_rejected() -> None:
    with pytest.raises(ValidationError):
        IsotonicCalibration(method="isotonic", raw=[0.2, 0.6], calibrated=[0.6, 0.4], source="bad fit")


def test_a_calibration_file_names_its_method(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"method": "platt", "slope": 6, "intercept": -3, "source": "unit test"}))

    assert isinstance(load_calibration(path), PlattCalibration)
    with pytest.raises(ValidationError):
        parse_calibration(json.dumps({"method": "histogram", "source": "unit test"}))


def test_the_packaged_file_calibrates_apparel_from_rentals_and_leaves_shoes_and_skincare_alone() -> None:
    table = load_calibration_table()

    apparel = table.for_category("apparel")
    assert isinstance(apparel, IsotonicCalibration) and len(apparel.raw) > 2
    assert "RentTheRunway" in apparel.source
    for category in ("footwear", "skincare", "beauty", None):
        identity = table.for_category(category)
        assert [identity.apply(step / 10) for step in range(11)] == pytest.approx(
            [step / 10 for step in range(11)]
        )
    assert load_calibration(category="apparel") == apparel
    assert load_calibration() == table.default


def test_a_category_without_its_own_map_gets_the_default(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(
        json.dumps(
            {
                "default": {"method": "isotonic", "raw": [0, 1], "calibrated": [0, 1], "source": "identity"},
                "categories": {
                    "apparel": {"method": "platt", "slope": 6, "intercept": -3, "source": "unit test"}
                },
            }
        )
    )

    assert isinstance(load_calibration(path, category="apparel"), PlattCalibration)
    assert isinstance(load_calibration(path, category="footwear"), IsotonicCalibration)


def test_a_file_with_a_single_map_applies_it_to_every_category(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"method": "platt", "slope": 6, "intercept": -3, "source": "unit test"}))

    table = load_calibration_table(path)

    assert table.categories == {}
    assert table.for_category("apparel") == table.for_category("footwear") == load_calibration(path)


def test_a_table_with_a_category_map_that_goes_down_is_rejected() -> None:
    falling = {"method": "isotonic", "raw": [0.2, 0.5], "calibrated": [0.6, 0.4], "source": "bad fit"}
    identity = {"method": "isotonic", "raw": [0, 1], "calibrated": [0, 1], "source": "identity"}

    assert parse_calibration_table(json.dumps({"default": identity, "categories": {"apparel": identity}}))
    with pytest.raises(ValidationError):
        parse_calibration_table(json.dumps({"default": identity, "categories": {"apparel": falling}}))
