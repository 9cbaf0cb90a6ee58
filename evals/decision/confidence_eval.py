"""pakka's confidence score on rentals, its calibration, the reliability diagram and the calibration file.

For each rental the four factors of domain.decision.confidence, built like domain/decision/apparel.py builds
them so that the map fitted here speaks about the service's scores: fit = the latent model's P(fit), its
class weighting undone (a chance of fitting, as the chart probability is); attribute similarity = the same
from the shopper's body and chosen size alone, before anything learned about the item (RTR records no
preferred wear); metadata quality = the Product default (RTR listings carry no quality signal); brand
reliability = domain.decision.size_model.reliability of the item + category offsets as known on the rental's
date (RTR names no brands)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from core.records.feedback import FitReport
from core.schemas import Product
from domain.decision.confidence import ConfidenceFactors, raw_confidence
from domain.decision.size_model import Belief, OrdinalLink, reliability, report_probabilities
from evals.decision.latent_model import OffsetHistory, undo_class_weighting
from evals.decision.metrics import expected_calibration_error, reliability_bins
from evals.decision.rtr_data import CLASSES, FloatArray, IntArray

DEFAULT_METADATA_QUALITY = Product.model_fields["metadata_quality"].default
FIT = CLASSES.index(FitReport.FIT)
IDENTITY = {"method": "isotonic", "raw": [0.0, 1.0], "calibrated": [0.0, 1.0]}
IDENTITY_REASONS = {
    "footwear": "identity: no footwear purchase outcomes exist yet; a map fitted on apparel rentals is not "
    "evidence about shoes (another sizing system, other reasons to return)",
    "skincare": "identity: skincare confidence rests on ingredient compatibility, not size, and no "
    "skincare outcomes exist yet to fit a map on",
}


def raw_confidences(
    shifts: FloatArray, offsets: OffsetHistory, link: OrdinalLink, train_labels: IntArray
) -> FloatArray:
    balanced = report_probabilities(shifts + offsets.mean, offsets.variance, link)
    fit = undo_class_weighting(balanced, train_labels)[:, FIT]
    body_only = report_probabilities(shifts, np.zeros(len(shifts)), link)
    similarity = undo_class_weighting(body_only, train_labels)[:, FIT]
    return np.array(
        [
            raw_confidence(
                ConfidenceFactors(
                    fit=float(fit_probability),
                    attribute_similarity=float(similar),
                    metadata_quality=DEFAULT_METADATA_QUALITY,
                    brand_reliability=min(reliability(Belief(0.0, float(variance)), link), 1.0),
                )
            )
            for fit_probability, similar, variance in zip(fit, similarity, offsets.variance, strict=True)
        ]
    )


def calibration_document(
    knots_raw: list[float], knots_calibrated: list[float], rentals: int
) -> dict[str, Any]:
    """The packaged calibration file: the isotonic map for apparel, the identity elsewhere."""
    apparel = {
        "method": "isotonic",
        "raw": knots_raw,
        "calibrated": knots_calibrated,
        "source": "evals/decision/rtr_fit.py: isotonic map of pakka's raw confidence on RentTheRunway "
        f"(Misra et al. 2018) dresses, gowns and other apparel, {rentals} rentals of training users; "
        f"fitted {date.today().isoformat()}",
    }
    return {
        "default": {**IDENTITY, "source": "identity: no outcomes for this category yet"},
        "categories": {
            "apparel": apparel,
            **{category: {**IDENTITY, "source": reason} for category, reason in IDENTITY_REASONS.items()},
        },
    }


def reliability_diagram(path: Path, curves: dict[str, tuple[FloatArray, FloatArray]]) -> None:
    """A PNG of observed fit rate against confidence per bin, one line per curve."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect")
    for name, (confidence, outcome) in curves.items():
        bins = reliability_bins(confidence, outcome)
        ece = expected_calibration_error(confidence, outcome)
        axes.plot([b[0] for b in bins], [b[1] for b in bins], marker="o", label=f"{name} (ECE {ece:.3f})")
    axes.set_xlabel("confidence")
    axes.set_ylabel("observed fit rate")
    axes.set_title("RentTheRunway apparel, held-out users")
    axes.legend(loc="upper left")
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)


def reliability_table(curves: dict[str, tuple[FloatArray, FloatArray]]) -> str:
    """The diagram's numbers as text: per curve, each bin's mean confidence, observed rate and count."""
    lines = []
    for name, (confidence, outcome) in curves.items():
        lines.append(f"{name}: ECE {expected_calibration_error(confidence, outcome):.3f}")
        lines.append(f"  {'confidence':>10} {'fit rate':>9} {'rentals':>8}")
        bins = reliability_bins(confidence, outcome)
        lines.extend(f"  {mean:>10.3f} {rate:>9.3f} {count:>8d}" for mean, rate, count in bins)
    return "\n".join(lines) + "\n"
