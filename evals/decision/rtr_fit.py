"""Fit prediction on RentTheRunway feedback, and the calibration of pakka's confidence score.

Data: ../shared/data/rtr_fit/rtr_dev.csv.gz (Misra et al., RecSys 2018). The split is user-disjoint (a fifth
of the users, by a hash of their id, are held out), as a new shopper would be. Every model is fitted, and
every decision threshold and calibration map chosen, on the training users only.

- logistic regression: the issue's baseline (evals/decision/baseline.py).
- latent size: domain.decision.size_model fitted by evals/decision/latent_model.py. Item and category offsets
  are learned from the training users' reports in time order by the service's own update rule; a held-out
  rental sees them as they stood on its date.
- combined: the logistic regression's features plus the latent model's log-probabilities.
- macro-F1 answers by evals/decision/decision_rule.py, tuned on training users (for the latent model and
  the combination on their reports as predicted before each was learned from).
- calibration: pakka's raw confidence (evals/decision/confidence_eval.py); an isotonic map fitted on the
  training users, its ECE measured on the held-out ones, with a reliability diagram (PNG, and a text table).
  `--write-calibration PATH` writes the per-category calibration file (the packaged one is
  domain/decision/data/calibration.json).

Run: `python -m evals.decision.rtr_fit [--out DIR] [--write-calibration PATH]` (about 2.5 minutes of CPU).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from domain.decision.size_model import report_probabilities
from evals.decision.baseline import baseline_features, predict_softmax, softmax_regression
from evals.decision.confidence_eval import (
    FIT,
    calibration_document,
    raw_confidences,
    reliability_diagram,
    reliability_table,
)
from evals.decision.decision_rule import DecisionRule, tune_decision_rule
from evals.decision.latent_model import LatentSizeModel, fit_latent_model, learn_offsets, undo_class_weighting
from evals.decision.metrics import average_one_vs_rest_auc, expected_calibration_error, isotonic_fit, macro_f1
from evals.decision.rtr_data import CLASSES, FloatArray, IntArray, Rentals, held_out, load

PROBABILITY_FLOOR = 1e-6


def combined_features(base: FloatArray, latent: FloatArray) -> FloatArray:
    return np.hstack([base, np.log(np.clip(latent, PROBABILITY_FLOOR, 1.0))])


@dataclass(frozen=True)
class FitEvaluation:
    """Everything the printed report (and the eval runner's decision-fit suite) reads."""

    rentals: Rentals
    testing: npt.NDArray[np.bool_]
    model: LatentSizeModel
    probabilities: dict[str, FloatArray]  # per model, every rental (train and test)
    rules: dict[str, DecisionRule]  # per model, tuned on the training users
    fit_probability: FloatArray  # P(fit) on the held-out users, class weighting undone
    curves: dict[str, tuple[FloatArray, FloatArray]]  # confidence and outcome on the held-out users
    knots: tuple[list[float], list[float]]  # the isotonic map (raw, calibrated), fitted on training users

    @property
    def test_labels(self) -> IntArray:
        return self.rentals.labels[self.testing]


def evaluate(rentals: Rentals) -> FitEvaluation:
    """Fit every model on the training users and predict every rental (see the module's docstring)."""
    testing = held_out(rentals.users)
    train, test = rentals.subset(~testing), rentals.subset(testing)
    assert not set(train.users) & set(test.users)

    base = baseline_features(rentals)
    baseline_weights = softmax_regression(base[~testing], train.labels)

    model = fit_latent_model(train)
    shifts = model.shift(rentals)
    _, as_of_date = learn_offsets(rentals, shifts, model.link, learning=~testing)
    latent = report_probabilities(shifts + as_of_date.mean, as_of_date.variance, model.link)
    combined_x = combined_features(base, latent)
    combined_weights = softmax_regression(combined_x[~testing], train.labels)

    probabilities = {
        "logistic regression (body)": predict_softmax(baseline_weights, base),
        "latent size": latent,
        "combined (LR features + latent)": predict_softmax(combined_weights, combined_x),
    }
    rules = {
        name: tune_decision_rule(predicted[~testing], train.labels)
        for name, predicted in probabilities.items()
    }
    raw = raw_confidences(shifts, as_of_date, model.link, train.labels)
    fitted = rentals.labels == FIT
    knots_raw, knots_calibrated = isotonic_fit(raw[~testing], fitted[~testing])
    calibrated = np.interp(raw, knots_raw, knots_calibrated)
    return FitEvaluation(
        rentals=rentals,
        testing=testing,
        model=model,
        probabilities=probabilities,
        rules=rules,
        fit_probability=undo_class_weighting(latent[testing], train.labels)[:, FIT],
        curves={
            "raw confidence": (raw[testing], fitted[testing]),
            "calibrated (apparel map)": (calibrated[testing], fitted[testing]),
        },
        knots=(knots_raw, knots_calibrated),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(".pakka/evals/decision"))
    parser.add_argument("--write-calibration", type=Path, default=None, metavar="PATH")
    args = parser.parse_args()
    found = evaluate(load())
    rentals, testing, model = found.rentals, found.testing, found.model
    test_labels = found.test_labels
    print(
        f"rentals {len(rentals.labels)}, train {int(np.sum(~testing))}, test {int(np.sum(testing))}, "
        "user-disjoint"
    )
    print(
        f"latent link: thresholds {model.link.low:.3f} < {model.link.high:.3f}, scale {model.link.scale:.3f}"
        f" per RTR size unit, true size = body + {model.size_weight:.3f} x chosen size"
    )
    print(f"{'model':<34}{'avg OvR AUC':>12}{'macro-F1':>10}   decision weights (small, fit, large)")
    for name, predicted in found.probabilities.items():
        rule = found.rules[name]
        auc = average_one_vs_rest_auc(predicted[testing], test_labels)
        f1 = macro_f1(rule.decide(predicted[testing]), test_labels, len(CLASSES))
        weights = ", ".join(f"{weight:.2f}" for weight in rule.weights)
        print(f"{name:<34}{auc:>12.3f}{f1:>10.3f}   ({weights})")

    fitted_test = rentals.labels[testing] == FIT
    curves = found.curves
    for name, (confidence, outcome) in {"P(fit)": (found.fit_probability, fitted_test), **curves}.items():
        print(f"ECE of {name + ', held-out users:':<42}{expected_calibration_error(confidence, outcome):.3f}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "rtr_reliability.txt").write_text(reliability_table(curves), encoding="utf-8")
    reliability_diagram(args.out / "rtr_reliability.png", curves)
    print(f"reliability diagram: {args.out / 'rtr_reliability.png'} (table: rtr_reliability.txt)")
    if args.write_calibration is not None:
        knots_raw, knots_calibrated = found.knots
        document = calibration_document(knots_raw, knots_calibrated, int(np.sum(~testing)))
        args.write_calibration.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"calibration written: {args.write_calibration}")


if __name__ == "__main__":
    main()
