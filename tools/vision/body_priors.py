"""Linear priors fitted on ANSUR II that turn what a photo can see (stature, breadths, depths, leg length)
into what a size chart needs (circumferences, inseam), with an uncertainty.

A prediction's variance is the model's residual variance plus each input's own variance carried through
its coefficient, so a poorly measured breadth widens the circumference's sigma. The coefficients live in
tools/vision/data/body_priors.json, written by evals/vision/fit_body_priors.py (ANSUR II is public domain).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, Field

from tools.vision.schemas import Measurement

PRIORS_FILE = "body_priors.json"


class LinearPrior(BaseModel):
    """target = intercept + sum(coefficient * feature), all in centimetres."""

    target: str
    features: list[str]
    intercept: float
    coefficients: list[float]
    residual_sd: float = Field(ge=0)
    r_squared: float
    rows: int

    def predict(self, values: Mapping[str, Measurement]) -> Measurement:
        """The target for measured features; `values` must hold every feature (cm, with sigmas)."""
        missing = [name for name in self.features if name not in values]
        if missing:
            raise KeyError(f"{self.target} prior needs {missing}")
        value = self.intercept + sum(
            coefficient * values[name].value
            for name, coefficient in zip(self.features, self.coefficients, strict=True)
        )
        variance = self.residual_sd**2 + sum(
            (coefficient * values[name].sigma) ** 2
            for name, coefficient in zip(self.features, self.coefficients, strict=True)
        )
        return Measurement(value=value, sigma=math.sqrt(variance), unit="cm")


class BodyPriors(BaseModel):
    """Every fitted prior by name, e.g. "chest" (front breadth) and "chest_with_depth" (front and side)."""

    source: str
    models: dict[str, LinearPrior]

    def model(self, name: str) -> LinearPrior:
        return self.models[name]

    @classmethod
    def load(cls, path: Path | None = None) -> BodyPriors:
        """The committed priors, or those in `path`."""
        text = (
            path.read_text()
            if path is not None
            else (files("tools.vision") / "data" / PRIORS_FILE).read_text()
        )
        return cls.model_validate(json.loads(text))
