"""Fit prediction on RentTheRunway feedback, and the calibration of pakka's confidence score.

Data: ../shared/data/rtr_fit/rtr_dev.csv.gz (Misra et al., RecSys 2018). The split is user-disjoint (a
fifth of the users, by a hash of their id, are held out), as a new shopper would be.

- Baseline: class-balanced multinomial logistic regression on body measurements (height, weight, bust,
  cup, age, body type) plus the rented size and category: about 0.62 average one-vs-rest AUC.
- pakka: the latent true-size model of core/decision/size_model.py. A shopper's true size is regressed
  from body measurements (on training rows reported as `fit`); the mismatch with the rented size, plus the
  item's offset learned online over the training feedback in time order, gives P(small | fit | large).
- Calibration: pakka's raw confidence (core/decision/confidence.py) for each held-out rental, with the fit
  factor P(fit), attribute similarity from the body-size mismatch, the default listing quality and the
  item's reliability; an isotonic map is fitted on the training users and its ECE measured on the
  held-out ones, with a reliability diagram. `--write-calibration PATH` stores it in the format of
  core/decision/data/calibration.json (the packaged file stays the identity until footwear feedback exists:
  a map fitted on apparel rentals is not evidence about shoes).

Run: `python -m evals.decision.rtr_fit [--out DIR] [--write-calibration PATH]` (about a minute and a half).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from core.decision.confidence import ConfidenceFactors, raw_confidence
from core.decision.schemas import FitReport
from core.decision.size_model import ITEM_PRIOR_VAR, NOISE_VAR, THRESHOLD, Belief, reliability, update
from evals.decision.metrics import (
    average_one_vs_rest_auc,
    expected_calibration_error,
    isotonic_fit,
    macro_f1,
    reliability_bins,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "rtr_fit" / "rtr_dev.csv.gz"
CLASSES = (FitReport.SMALL, FitReport.FIT, FitReport.LARGE)
SIZE_UNITS_PER_STEP = (2.0, 3.0, 4.0, 6.0)
"""Candidate RTR size units per latent size step (sizes run 0, 1, 4, 8, 12...); chosen on training users."""
DEFAULT_METADATA_QUALITY = 0.5
NUMERIC = ("height_in", "weight_lbs", "bust_size_num", "age")


@dataclass
class Rentals:
    labels: np.ndarray  # index into CLASSES
    users: np.ndarray
    items: list[str]
    sizes: np.ndarray
    body: np.ndarray  # imputed numeric measurements + missing flags + one-hot body type and cup
    categories: np.ndarray  # one-hot category
    order: np.ndarray  # review date ordinal, for the online pass

    def subset(self, mask: np.ndarray) -> Rentals:
        return Rentals(
            self.labels[mask],
            self.users[mask],
            [item for item, keep in zip(self.items, mask, strict=True) if keep],
            self.sizes[mask],
            self.body[mask],
            self.categories[mask],
            self.order[mask],
        )


def _one_hot(values: list[str], top: int) -> np.ndarray:
    kinds = [value for value, _ in sorted(_counts(values).items(), key=lambda pair: -pair[1])[:top]]
    return np.array([[value == kind for kind in kinds] for value in values], dtype=float)


def _counts(values: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def load(path: Path = DATA) -> Rentals:
    with gzip.open(path, "rt", newline="") as handle:
        rows = [
            row for row in csv.DictReader(handle) if row["fit"] in {"small", "fit", "large"} and row["size"]
        ]
    numeric = np.array([[float(row[name]) if row[name] else np.nan for name in NUMERIC] for row in rows])
    missing = np.isnan(numeric)
    numeric = np.where(missing, np.nanmean(numeric, axis=0), numeric)
    numeric = (numeric - numeric.mean(axis=0)) / numeric.std(axis=0)
    body = np.hstack(
        [
            numeric,
            missing.astype(float),
            _one_hot([row["body_type"] for row in rows], 8),
            _one_hot([row["bust_size_letter"] for row in rows], 8),
        ]
    )
    return Rentals(
        labels=np.array([[c.value for c in CLASSES].index(row["fit"]) for row in rows]),
        users=np.array([row["user_id"] for row in rows]),
        items=[row["item_id"] for row in rows],
        sizes=np.array([float(row["size"]) for row in rows]),
        body=body,
        categories=_one_hot([row["category"] for row in rows], 20),
        order=np.array(
            [date.fromisoformat(row["review_date"]).toordinal() if row["review_date"] else 0 for row in rows]
        ),
    )


def held_out(users: np.ndarray, share: int = 5) -> np.ndarray:
    """True for the users in the test fifth (stable across runs: a hash of the user id)."""
    return np.array([int(hashlib.sha256(user.encode()).hexdigest(), 16) % share == 0 for user in users])


def softmax_regression(
    x: np.ndarray, labels: np.ndarray, *, steps: int = 400, rate: float = 0.5
) -> np.ndarray:
    """Class-balanced multinomial logistic regression by gradient descent; returns the weights."""
    x = np.hstack([x, np.ones((len(x), 1))])
    targets = np.eye(len(CLASSES))[labels]
    class_weight = len(labels) / (len(CLASSES) * np.bincount(labels, minlength=len(CLASSES)))
    row_weight = class_weight[labels][:, None]
    weights = np.zeros((x.shape[1], len(CLASSES)))
    for _ in range(steps):
        logits = x @ weights
        probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        weights -= rate * x.T @ (row_weight * (probabilities - targets)) / row_weight.sum()
    return weights


def predict_softmax(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    logits = np.hstack([x, np.ones((len(x), 1))]) @ weights
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    return probabilities / probabilities.sum(axis=1, keepdims=True)


def _cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


class LatentSizeModel:
    """Shopper true size from body measurements, item offsets learned online from feedback."""

    def __init__(self, train: Rentals, units_per_step: float) -> None:
        self.units_per_step = units_per_step
        fits = train.labels == CLASSES.index(FitReport.FIT)
        design = np.hstack([train.body[fits], np.ones((int(fits.sum()), 1))])
        self.true_size_weights = np.linalg.lstsq(design, train.sizes[fits], rcond=None)[0]
        self.items: dict[str, Belief] = {}
        shifts = self.shift(train)
        for index in np.argsort(train.order, kind="mergesort"):
            item = train.items[index]
            prior = self.items.get(item, Belief(0.0, ITEM_PRIOR_VAR))
            self.items[item] = update(prior, Belief(float(shifts[index]), 0.0), CLASSES[train.labels[index]])

    def shift(self, rentals: Rentals) -> np.ndarray:
        """How many size steps the shopper's predicted true size is above the size they rented."""
        predicted = np.hstack([rentals.body, np.ones((len(rentals.sizes), 1))]) @ self.true_size_weights
        return (predicted - rentals.sizes) / self.units_per_step

    def item_beliefs(self, rentals: Rentals) -> list[Belief]:
        return [self.items.get(item, Belief(0.0, ITEM_PRIOR_VAR)) for item in rentals.items]

    def predict(self, rentals: Rentals) -> np.ndarray:
        beliefs = self.item_beliefs(rentals)
        mean = self.shift(rentals) + np.array([belief.mean for belief in beliefs])
        sd = np.sqrt(np.array([belief.variance for belief in beliefs]) + NOISE_VAR)
        small = 1 - _cdf((THRESHOLD - mean) / sd)
        large = _cdf((-THRESHOLD - mean) / sd)
        return np.column_stack([small, np.clip(1 - small - large, 0, 1), large])


def balanced_predictions(probabilities: np.ndarray, train_labels: np.ndarray) -> np.ndarray:
    """Argmax after dividing by the training class shares (what macro-F1 rewards), for a model trained
    without class weights."""
    priors = np.bincount(train_labels, minlength=len(CLASSES)) / len(train_labels)
    return np.asarray(np.argmax(probabilities / priors, axis=1))


def raw_confidences(model: LatentSizeModel, rentals: Rentals) -> np.ndarray:
    fit_probability = model.predict(rentals)[:, CLASSES.index(FitReport.FIT)]
    similarity = np.exp(-0.5 * model.shift(rentals) ** 2)
    return np.array(
        [
            raw_confidence(
                ConfidenceFactors(
                    fit=float(fit),
                    attribute_similarity=float(similar),
                    metadata_quality=DEFAULT_METADATA_QUALITY,
                    brand_reliability=reliability(belief),
                )
            )
            for fit, similar, belief in zip(
                fit_probability, similarity, model.item_beliefs(rentals), strict=True
            )
        ]
    )


def reliability_diagram(path: Path, curves: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
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
    axes.set_title("RentTheRunway, held-out users")
    axes.legend(loc="upper left")
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(".pakka/evals/decision"))
    parser.add_argument("--write-calibration", type=Path, default=None, metavar="PATH")
    args = parser.parse_args()
    rentals = load()
    test_mask = held_out(rentals.users)
    train, test = rentals.subset(~test_mask), rentals.subset(test_mask)
    assert not set(train.users) & set(test.users)

    baseline_x = np.hstack([rentals.body, rentals.categories, ((rentals.sizes - 12) / 8)[:, None]])
    weights = softmax_regression(baseline_x[~test_mask], train.labels)
    baseline = predict_softmax(weights, baseline_x[test_mask])

    tuning = held_out(train.users, share=4)
    tune_train, tune_valid = train.subset(~tuning), train.subset(tuning)
    units = max(
        SIZE_UNITS_PER_STEP,
        key=lambda unit: average_one_vs_rest_auc(
            LatentSizeModel(tune_train, unit).predict(tune_valid), tune_valid.labels
        ),
    )
    model = LatentSizeModel(train, units)
    latent = model.predict(test)

    calibration_users = held_out(train.users, share=2)
    calibration_model = LatentSizeModel(train.subset(~calibration_users), units)
    calibration_rows = train.subset(calibration_users)
    fit_label = CLASSES.index(FitReport.FIT)
    knots_raw, knots_calibrated = isotonic_fit(
        raw_confidences(calibration_model, calibration_rows), calibration_rows.labels == fit_label
    )
    test_raw = raw_confidences(model, test)
    test_calibrated = np.interp(test_raw, knots_raw, knots_calibrated)
    fitted = test.labels == fit_label

    print(
        f"rentals {len(rentals.labels)}, train {len(train.labels)}, test {len(test.labels)} (user-disjoint)"
    )
    print(f"{'model':<34}{'avg OvR AUC':>12}{'macro-F1':>10}")
    rows = (
        ("logistic regression (body)", baseline, np.argmax(baseline, axis=1)),
        (f"latent size ({units:g} units/step)", latent, balanced_predictions(latent, train.labels)),
    )
    for name, probabilities, predicted in rows:
        f1 = macro_f1(predicted, test.labels, len(CLASSES))
        print(f"{name:<34}{average_one_vs_rest_auc(probabilities, test.labels):>12.3f}{f1:>10.3f}")
    print(f"ECE of P(fit):               {expected_calibration_error(latent[:, fit_label], fitted):.3f}")
    print(f"ECE of raw confidence:       {expected_calibration_error(test_raw, fitted):.3f}")
    print(f"ECE of calibrated confidence: {expected_calibration_error(test_calibrated, fitted):.3f}")
    args.out.mkdir(parents=True, exist_ok=True)
    diagram = args.out / "rtr_reliability.png"
    reliability_diagram(
        diagram, {"raw confidence": (test_raw, fitted), "calibrated": (test_calibrated, fitted)}
    )
    print(f"reliability diagram: {diagram}")
    if args.write_calibration is not None:
        calibration = {
            "method": "isotonic",
            "raw": knots_raw,
            "calibrated": knots_calibrated,
            "source": f"evals/decision/rtr_fit.py on RentTheRunway (Misra et al. 2018): "
            f"{len(calibration_rows.labels)} rentals of training users held out from the size model; "
            f"fitted {date.today().isoformat()}",
        }
        args.write_calibration.write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")
        print(f"calibration written: {args.write_calibration}")


if __name__ == "__main__":
    main()
