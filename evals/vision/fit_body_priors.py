"""Fit the body-measurement priors on ANSUR II and write tools/vision/data/body_priors.json.

ANSUR II (U.S. Army Natick, 2012; public domain) measured 6,068 soldiers by hand. Each prior is an
ordinary least-squares line from what a photo can measure to what a size chart needs, pooled over men and
women (the scan does not ask for sex). Run: python -m evals.vision.fit_body_priors [--data DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evals.shared_data import SHARED_DATA
from tools.vision.body_priors import BodyPriors, LinearPrior

DEFAULT_DATA = SHARED_DATA / "ansur2"
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "tools" / "vision" / "data" / "body_priors.json"
FILES = ("ANSUR_II_MALE_Public.csv", "ANSUR_II_FEMALE_Public.csv")
SOURCE = (
    "ANSUR II 2012 U.S. Army Anthropometric Survey (Gordon et al. 2014, NATICK/TR-15/007), public domain; "
    "male and female public-release files pooled"
)


@dataclass(frozen=True)
class PriorSpec:
    """One prior: the ANSUR column predicted and the photo-measurable features (derived columns allowed)."""

    name: str
    target: str
    features: tuple[str, ...]


# Photo features: stature (the shopper's height), front silhouette breadths, side silhouette depths, and
# leg length (hip joint to ankle, which ANSUR records as trochanterion minus lateral malleolus height).
PRIOR_SPECS = (
    PriorSpec("shoulder_width", "biacromialbreadth", ("stature", "bideltoidbreadth")),
    PriorSpec("chest", "chestcircumference", ("stature", "chestbreadth")),
    PriorSpec("chest_with_depth", "chestcircumference", ("stature", "chestbreadth", "chestdepth")),
    PriorSpec("waist", "waistcircumference", ("stature", "waistbreadth")),
    PriorSpec("waist_with_depth", "waistcircumference", ("stature", "waistbreadth", "waistdepth")),
    PriorSpec("hip", "buttockcircumference", ("stature", "hipbreadth")),
    PriorSpec("hip_with_depth", "buttockcircumference", ("stature", "hipbreadth", "buttockdepth")),
    PriorSpec("inseam", "crotchheight", ("stature", "leg_length")),
)
DERIVED = {"leg_length": ("trochanterionheight", "lateralmalleolusheight")}


def load_ansur(data_dir: Path = DEFAULT_DATA) -> dict[str, np.ndarray]:
    """Every numeric ANSUR column needed, in centimetres, men and women stacked; plus derived columns."""
    needed = {spec.target for spec in PRIOR_SPECS} | {f for spec in PRIOR_SPECS for f in spec.features}
    raw_columns = (needed - DERIVED.keys()) | {column for pair in DERIVED.values() for column in pair}
    rows: list[dict[str, str]] = []
    for name in FILES:
        with (data_dir / name).open(newline="", encoding="latin-1") as handle:
            rows.extend(csv.DictReader(handle))
    columns = {column: np.array([float(row[column]) for row in rows]) / 10.0 for column in raw_columns}
    for derived, (top, bottom) in DERIVED.items():
        columns[derived] = columns[top] - columns[bottom]
    return columns


def fit_prior(spec: PriorSpec, columns: dict[str, np.ndarray], rows: np.ndarray | None = None) -> LinearPrior:
    """Least squares on the chosen rows (all rows by default)."""
    index = np.arange(len(columns["stature"])) if rows is None else rows
    design = np.column_stack([np.ones(len(index)), *(columns[feature][index] for feature in spec.features)])
    target = columns[spec.target][index]
    solution, *_ = np.linalg.lstsq(design, target, rcond=None)
    residuals = target - design @ solution
    return LinearPrior(
        target=spec.target,
        features=list(spec.features),
        intercept=round(float(solution[0]), 4),
        coefficients=[round(float(value), 4) for value in solution[1:]],
        residual_sd=round(float(residuals.std(ddof=len(solution))), 3),
        r_squared=round(float(1 - residuals.var() / target.var()), 4),
        rows=len(index),
    )


def fit_priors(columns: dict[str, np.ndarray], rows: np.ndarray | None = None) -> BodyPriors:
    return BodyPriors(
        source=SOURCE, models={spec.name: fit_prior(spec, columns, rows) for spec in PRIOR_SPECS}
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    priors = fit_priors(load_ansur(args.data))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(priors.model_dump(mode="json"), indent=1) + "\n")
    for name, model in priors.models.items():
        print(f"{name:18s} R2={model.r_squared:.3f} residual sd={model.residual_sd:.2f} cm (n={model.rows})")


if __name__ == "__main__":
    main()
