"""The ANSUR II body priors: the committed coefficients, how a prediction carries input uncertainty, and that
the data file is exactly what the fitting script produces from ../shared/data/ansur2."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from evals.vision.fit_body_priors import PRIOR_SPECS, fit_priors, load_ansur, main
from tools.vision.body import PRIOR_FOR
from tools.vision.body_priors import BodyPriors, LinearPrior
from tools.vision.schemas import Measurement


@pytest.fixture(scope="module")
def priors() -> BodyPriors:
    return BodyPriors.load()


def cm(value: float, sigma: float = 0.0) -> Measurement:
    return Measurement(value=value, sigma=sigma, unit="cm")


LINE = LinearPrior(
    target="chestcircumference",
    features=["stature", "chestbreadth"],
    intercept=-20.0,
    coefficients=[0.1, 3.5],
    residual_sd=4.0,
    r_squared=0.7,
    rows=100,
)


def test_a_prediction_is_the_fitted_line_with_the_residual_sigma_when_inputs_are_exact() -> None:
    prediction = LINE.predict({"stature": cm(170.0), "chestbreadth": cm(30.0)})
    assert prediction.value == pytest.approx(-20.0 + 17.0 + 105.0)
    assert prediction.sigma == pytest.approx(4.0)
    assert prediction.unit == "cm"


def test_input_uncertainty_is_carried_through_each_coefficient() -> None:
    prediction = LINE.predict({"stature": cm(170.0, 2.0), "chestbreadth": cm(30.0, 1.0)})
    assert prediction.sigma == pytest.approx(math.sqrt(4.0**2 + (0.1 * 2.0) ** 2 + (3.5 * 1.0) ** 2))


def test_a_missing_feature_is_an_error_naming_it() -> None:
    with pytest.raises(KeyError, match="chestbreadth"):
        LINE.predict({"stature": cm(170.0)})


def test_the_committed_priors_cover_every_measurement_the_body_scan_reports(priors: BodyPriors) -> None:
    needed = {name for pair in PRIOR_FOR.values() for name in pair if name is not None}
    assert needed <= set(priors.models)
    assert "ANSUR II" in priors.source and "public domain" in priors.source
    assert all(model.rows > 6000 for model in priors.models.values())


def test_adding_a_side_depth_explains_more_of_each_circumference(priors: BodyPriors) -> None:
    for name in ("chest", "waist", "hip"):
        front, both = priors.model(name), priors.model(f"{name}_with_depth")
        assert both.r_squared > front.r_squared
        assert both.residual_sd < front.residual_sd


def test_wider_breadths_predict_larger_circumferences(priors: BodyPriors) -> None:
    for name in ("chest", "waist", "hip"):
        assert priors.model(name).coefficients[1] > 0


def test_the_data_file_is_exactly_what_the_fitting_script_writes(tmp_path: Path, priors: BodyPriors) -> None:
    out = tmp_path / "priors.json"
    main(["--out", str(out)])
    assert BodyPriors.model_validate(json.loads(out.read_text())) == priors
    assert BodyPriors.load(out) == priors


def test_fitting_on_a_subset_of_people_uses_only_those_rows() -> None:
    columns = load_ansur()
    half = fit_priors(columns, rows=np.arange(1000))
    assert {model.rows for model in half.models.values()} == {1000}
    assert set(half.models) == {spec.name for spec in PRIOR_SPECS}
