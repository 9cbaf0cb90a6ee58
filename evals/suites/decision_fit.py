"""decision-fit: fit prediction on RentTheRunway feedback and the calibration of pakka's confidence, by
evals/decision/rtr_fit.py's code (user-disjoint split; models, decision rules and the calibration map fitted
on the training users only): one-vs-rest AUC and macro-F1 per model, ECE of P(fit) and of the raw and
calibrated confidence on the held-out users, reliability diagrams."""

from __future__ import annotations

import numpy as np

from evals.decision.confidence_eval import FIT
from evals.decision.metrics import (
    average_one_vs_rest_auc,
    expected_calibration_error,
    macro_f1,
    reliability_bins,
)
from evals.decision.rtr_data import CLASSES, load
from evals.decision.rtr_fit import FitEvaluation, evaluate
from evals.runner.stats import indexed_metric
from evals.runner.suite import (
    Dataset,
    Direction,
    MetricSpec,
    MetricValue,
    Plot,
    RunContext,
    Suite,
    SuiteOutcome,
)

SMOKE_RENTALS = 3000
RESAMPLES = 200
"""Bootstrap resamples here: one AUC over ~30,000 held-out rentals takes milliseconds, 1,000 too long."""

MODELS = {
    "logistic": "logistic regression (body)",
    "latent": "latent size",
    "combined": "combined (LR features + latent)",
}
CURVES = {"raw": "raw confidence", "calibrated": "calibrated (apparel map)"}


def _metrics(found: FitEvaluation, seed: int) -> list[MetricValue]:
    labels = found.test_labels
    n = len(labels)
    metrics = []
    for short, name in MODELS.items():
        predicted = found.probabilities[name][found.testing]
        decided = found.rules[name].decide(predicted)

        def auc(idx: np.ndarray, predicted: np.ndarray = predicted) -> float:
            return average_one_vs_rest_auc(predicted[idx], labels[idx])

        def f1(idx: np.ndarray, decided: np.ndarray = decided) -> float:
            return macro_f1(decided[idx], labels[idx], len(CLASSES))

        metrics.append(indexed_metric(f"auc/{short}", n, auc, seed, name, RESAMPLES))
        metrics.append(indexed_metric(f"macro_f1/{short}", n, f1, seed, name, RESAMPLES))
    fitted = labels == FIT
    calibration = {"p_fit": (found.fit_probability, fitted)} | {
        short: found.curves[name] for short, name in CURVES.items()
    }
    for short, (confidence, outcome) in calibration.items():

        def ece(idx: np.ndarray, c: np.ndarray = confidence, o: np.ndarray = outcome) -> float:
            return expected_calibration_error(c[idx], o[idx])

        metrics.append(indexed_metric(f"ece/{short}", n, ece, seed, resamples=RESAMPLES))
    return metrics


def _items(found: FitEvaluation) -> list[dict[str, object]]:
    rentals = found.rentals
    positions = np.flatnonzero(found.testing)
    latent = found.probabilities[MODELS["latent"]][found.testing]
    raw, _ = found.curves[CURVES["raw"]]
    calibrated, _ = found.curves[CURVES["calibrated"]]
    return [
        {
            "user": str(rentals.users[position]),
            "item": rentals.items[position],
            "category": rentals.groups[position],
            "label": CLASSES[int(rentals.labels[position])].value,
            "p_small": round(float(latent[row, 0]), 4),
            "p_fit": round(float(latent[row, 1]), 4),
            "p_large": round(float(latent[row, 2]), 4),
            "confidence_raw": round(float(raw[row]), 4),
            "confidence_calibrated": round(float(calibrated[row]), 4),
        }
        for row, position in enumerate(positions)
    ]


def _plots(found: FitEvaluation, metrics: list[MetricValue]) -> list[Plot]:
    fitted = found.test_labels == FIT
    curves: dict[str, tuple[np.ndarray, np.ndarray]] = {"P(fit)": (found.fit_probability, fitted)}
    curves |= found.curves
    series: dict[str, list[float]] = {}
    for label, (confidence, outcome) in curves.items():
        series |= Plot.reliability("", reliability_bins(confidence, outcome), label).series
    by_name = {m.name: m for m in metrics}
    bars: dict[str, list[float]] = {}
    for kind in ("auc", "macro_f1"):
        values = [by_name[f"{kind}/{short}"] for short in MODELS]
        bars[kind] = [v.value or 0.0 for v in values]
        bars[f"{kind}:low"] = [v.low if v.low is not None else v.value or 0.0 for v in values]
        bars[f"{kind}:high"] = [v.high if v.high is not None else v.value or 0.0 for v in values]
    category_rates = _category_fit_rates(found)
    return [
        Plot(
            kind="reliability",
            title="Reliability on held-out users",
            series=series,
            xlabel="predicted chance of fitting",
            ylabel="observed fit rate",
        ),
        Plot.bars("AUC and macro-F1 by model (95% intervals)", list(MODELS), bars),
        Plot.bars(
            "Held-out rentals by category: observed fit rate and mean P(fit)",
            list(category_rates),
            {
                "observed": [rate for rate, _ in category_rates.values()],
                "P(fit)": [mean for _, mean in category_rates.values()],
            },
        ),
    ]


def _category_fit_rates(found: FitEvaluation, top: int = 10) -> dict[str, tuple[float, float]]:
    groups = np.array(found.rentals.groups)[found.testing]
    fitted = found.test_labels == FIT
    names, counts = np.unique(groups, return_counts=True)
    chosen = names[np.argsort(-counts, kind="stable")][:top]
    return {
        str(name): (float(fitted[groups == name].mean()), float(found.fit_probability[groups == name].mean()))
        for name in chosen
    }


def run(ctx: RunContext) -> SuiteOutcome:
    rentals = load(ctx.path("rtr"))
    keep = ctx.cap(None, SMOKE_RENTALS)
    if keep is not None:
        rentals = rentals.subset(np.arange(len(rentals.labels)) < keep)
    found = evaluate(rentals)
    metrics = _metrics(found, ctx.seed)
    return SuiteOutcome(
        metrics=metrics,
        items=_items(found),
        plots=_plots(found, metrics),
        notes=[
            f"{len(rentals.labels)} rentals, {int(found.testing.sum())} held out (user-disjoint)",
            f"bootstrap over held-out rentals, {RESAMPLES} resamples",
        ],
    )


SUITE = Suite(
    name="decision-fit",
    description="RentTheRunway fit feedback, user-disjoint: AUC and macro-F1 of the fit models, ECE and "
    "reliability of pakka's confidence (evals/decision/rtr_fit.py).",
    datasets=(Dataset("rtr", "rtr_fit/rtr_dev.csv.gz"),),
    metrics=(
        *(
            MetricSpec(f"auc/{m}", Direction.HIGHER, 0.01, f"average one-vs-rest AUC, {n}")
            for m, n in MODELS.items()
        ),
        *(MetricSpec(f"macro_f1/{m}", Direction.HIGHER, 0.015, f"macro-F1, {n}") for m, n in MODELS.items()),
        MetricSpec("ece/p_fit", Direction.LOWER, 0.01, "ECE of the latent model's P(fit)"),
        MetricSpec("ece/raw", Direction.LOWER, 0.01, "ECE of the raw confidence"),
        MetricSpec("ece/calibrated", Direction.LOWER, 0.01, "ECE of the calibrated confidence"),
    ),
    run=run,
)
