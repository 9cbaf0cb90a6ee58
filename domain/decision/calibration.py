"""Maps a raw confidence to a calibrated probability that the recommendation fits, per product category.

The parameters are fitted offline (evals/decision/rtr_fit.py) and shipped as a data file, so the service
never fits anything at run time. Two methods: Platt scaling (a logistic curve) and isotonic regression
(a monotone step function, interpolated linearly between its knots). The file holds one map per category
with evidence behind it and a default (the identity) for the rest; a file holding a single map applies it
to every category.
"""

from __future__ import annotations

import bisect
import json
import math
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

DEFAULT_CALIBRATION = "calibration.json"


class PlattCalibration(BaseModel):
    """p = 1 / (1 + exp(-(slope * raw + intercept)))."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["platt"]
    slope: float
    intercept: float
    source: str = Field(min_length=3, description="What it was fitted on, and when.")

    def apply(self, raw: float) -> float:
        return 1.0 / (1.0 + math.exp(-(self.slope * raw + self.intercept)))


class IsotonicCalibration(BaseModel):
    """A non-decreasing map given by knots (raw_i -> calibrated_i); clamped outside the knots."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["isotonic"]
    raw: list[float] = Field(min_length=2)
    calibrated: list[float] = Field(min_length=2)
    source: str = Field(min_length=3, description="What it was fitted on, and when.")

    @model_validator(mode="after")
    def _monotone(self) -> IsotonicCalibration:
        if len(self.raw) != len(self.calibrated):
            raise ValueError("raw and calibrated need the same number of knots")
        if any(b <= a for a, b in zip(self.raw, self.raw[1:], strict=False)):
            raise ValueError("raw knots must be strictly increasing")
        if any(b < a for a, b in zip(self.calibrated, self.calibrated[1:], strict=False)):
            raise ValueError("calibrated values must be non-decreasing")
        if not all(0.0 <= value <= 1.0 for value in self.calibrated):
            raise ValueError("calibrated values must lie in [0, 1]")
        return self

    def apply(self, raw: float) -> float:
        if raw <= self.raw[0]:
            return self.calibrated[0]
        if raw >= self.raw[-1]:
            return self.calibrated[-1]
        upper = bisect.bisect_right(self.raw, raw)
        x0, x1 = self.raw[upper - 1], self.raw[upper]
        y0, y1 = self.calibrated[upper - 1], self.calibrated[upper]
        return y0 + (y1 - y0) * (raw - x0) / (x1 - x0)


Calibration = Annotated[PlattCalibration | IsotonicCalibration, Field(discriminator="method")]
_CALIBRATION = TypeAdapter(Calibration)


class CalibrationTable(BaseModel):
    """One calibration per product category (`apparel`, `footwear`...), and the one for any other."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default: Calibration
    categories: dict[str, Calibration] = Field(default_factory=dict)

    def for_category(self, category: str | None) -> PlattCalibration | IsotonicCalibration:
        if category is None:
            return self.default
        return self.categories.get(category, self.default)


def parse_calibration(text: str) -> PlattCalibration | IsotonicCalibration:
    return _CALIBRATION.validate_python(json.loads(text))


def parse_calibration_table(text: str) -> CalibrationTable:
    """A per-category table, or a single calibration (then used for every category)."""
    document = json.loads(text)
    if isinstance(document, dict) and "method" in document:
        return CalibrationTable(default=_CALIBRATION.validate_python(document))
    return CalibrationTable.model_validate(document)


def load_calibration_table(path: Path | None = None) -> CalibrationTable:
    """The table in `path`, or the packaged one (domain/decision/data/calibration.json, read once)."""
    if path is not None:
        return parse_calibration_table(path.read_text(encoding="utf-8"))
    return _packaged_table()


def load_calibration(
    path: Path | None = None, category: str | None = None
) -> PlattCalibration | IsotonicCalibration:
    """The calibration for recommendations in `category` (the default one when None or not in the table),
    from `path` or the packaged file."""
    return load_calibration_table(path).for_category(category)


@lru_cache(maxsize=1)
def _packaged_table() -> CalibrationTable:
    packaged = resources.files("domain.decision").joinpath("data", DEFAULT_CALIBRATION)
    return parse_calibration_table(packaged.read_text(encoding="utf-8"))
