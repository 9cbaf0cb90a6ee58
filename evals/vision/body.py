"""How well the ANSUR II priors turn photo-measurable inputs into garment measurements, on held-out people.

The priors are refitted on a random 80% of ANSUR II and scored on the other 20%. Each test person's
breadths, depths and leg length get the noise the body scan assumes for a photo (tools/vision/body.py:
silhouette edges, scale, clothing, landmark jitter), so the report shows the error a scan can expect from
the priors plus the photo, and whether the predicted sigmas are honest (about 68% of errors within 1 sigma,
95% within 2). Run: python -m evals.vision.body [--seed N]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from evals.vision.fit_body_priors import PRIOR_SPECS, fit_priors, load_ansur
from tools.vision.body import (
    CLOTHING_SIGMA_CM,
    EDGE_SIGMA_PX,
    HEIGHT_SIGMA_CM,
    LANDMARK_SIGMA_CM,
    SCALE_RELATIVE_SIGMA,
)
from tools.vision.schemas import Measurement

TYPICAL_CM_PER_PX = 0.17  # a 1080p full-length photo: about 1000 px for 170 cm
TEST_SHARE = 0.2


@dataclass(frozen=True)
class PriorScore:
    name: str
    target: str
    mean_absolute_error_cm: float
    within_one_sigma: float
    within_two_sigma: float


def photo_sigma(feature: str, value_cm: float) -> float:
    """The uncertainty body.py attaches to a photo-measured feature of this size."""
    if feature == "stature":
        return HEIGHT_SIGMA_CM
    if feature == "leg_length":
        return float(np.hypot(LANDMARK_SIGMA_CM, SCALE_RELATIVE_SIGMA * value_cm))
    return float(
        np.sqrt(
            (EDGE_SIGMA_PX * TYPICAL_CM_PER_PX) ** 2
            + (SCALE_RELATIVE_SIGMA * value_cm) ** 2
            + CLOTHING_SIGMA_CM**2
        )
    )


def evaluate(seed: int = 0) -> list[PriorScore]:
    """Score every prior on a held-out 20% of ANSUR II with simulated photo noise on its inputs."""
    columns = load_ansur()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(columns["stature"]))
    cut = int(len(order) * (1 - TEST_SHARE))
    train, test = order[:cut], order[cut:]
    priors = fit_priors(columns, train)
    scores = []
    for spec in PRIOR_SPECS:
        model = priors.model(spec.name)
        errors: list[float] = []
        sigmas: list[float] = []
        for row in test:
            inputs: dict[str, Measurement] = {}
            for feature in spec.features:
                truth = float(columns[feature][row])
                sigma = photo_sigma(feature, truth)
                inputs[feature] = Measurement(value=truth + rng.normal(0.0, sigma), sigma=sigma, unit="cm")
            prediction = model.predict(inputs)
            errors.append(prediction.value - float(columns[spec.target][row]))
            sigmas.append(prediction.sigma)
        error, predicted_sigma = np.abs(np.array(errors)), np.array(sigmas)
        scores.append(
            PriorScore(
                name=spec.name,
                target=spec.target,
                mean_absolute_error_cm=float(error.mean()),
                within_one_sigma=float((error <= predicted_sigma).mean()),
                within_two_sigma=float((error <= 2 * predicted_sigma).mean()),
            )
        )
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Held-out accuracy of the ANSUR II body priors")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(f"{'prior':18s} {'ANSUR target':22s} {'MAE cm':>7s} {'<=1 sigma':>10s} {'<=2 sigma':>10s}")
    for score in evaluate(args.seed):
        print(
            f"{score.name:18s} {score.target:22s} {score.mean_absolute_error_cm:7.2f} "
            f"{score.within_one_sigma:10.1%} {score.within_two_sigma:10.1%}"
        )


if __name__ == "__main__":
    main()
