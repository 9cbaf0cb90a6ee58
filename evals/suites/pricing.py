"""pricing: the price suggestion on sold Mercari and thredUP listings, k-fold, each item priced by the code
the pricing graph runs on the rules tier (evals/pricing/evaluate.py: comparables, estimate, rules analyst,
finalise). RMSLE on log1p price, coverage and width of the 80% and 90% ranges, per dataset; the category
mean and TF-IDF ridge baselines are recorded beside them (not gated). Each dataset is optional: the suite
prices whichever is here and skips itself when neither is."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from core.records.sales import SoldItem
from evals.pricing.datasets import load_mercari, load_thredup, mercari_shipping
from evals.pricing.evaluate import Predictions, category_groups, predict, report_of, rmsle
from evals.runner.stats import indexed_metric, mean_metric, point_metric
from evals.runner.suite import (
    Dataset,
    Direction,
    MetricSpec,
    MetricValue,
    Plot,
    RunContext,
    Suite,
    SuiteOutcome,
    SuiteSkipped,
)

FOLDS = 5
SMOKE_ITEMS = 60
SMOKE_FOLDS = 3
MIN_CATEGORY_ITEMS_SHOWN = 10

LOADERS: dict[str, tuple[Callable[..., list[SoldItem]], Callable[..., Mapping[str, bool]] | None]] = {
    "mercari": (load_mercari, mercari_shipping),
    "thredup": (load_thredup, None),
}


def _specs(dataset: str) -> tuple[MetricSpec, ...]:
    return (
        MetricSpec(f"{dataset}/rmsle", Direction.LOWER, 0.02, "RMSLE of pakka's price on log1p price"),
        MetricSpec(f"{dataset}/coverage80", Direction.HIGHER, 0.03, "share of prices inside the 80% range"),
        MetricSpec(f"{dataset}/width80", Direction.LOWER, 0.25, "median high/low of the 80% range"),
        MetricSpec(f"{dataset}/coverage90", Direction.HIGHER, 0.03, "share of prices inside p5-p95"),
    )


def measure(
    dataset: str, items: Sequence[SoldItem], predicted: Predictions, seed: int
) -> tuple[list[MetricValue], list[dict[str, object]], list[Plot]]:
    true_log, models = predicted.true_log, predicted.models
    n = len(items)

    def rmsle_of(model: str) -> Callable[[np.ndarray], float]:
        return lambda idx: rmsle(models[model][idx], true_log[idx])

    report = report_of(dataset, items, predicted)
    metrics = [
        indexed_metric(f"{dataset}/rmsle", n, rmsle_of("pakka"), seed),
        mean_metric(f"{dataset}/coverage80", predicted.inside.astype(float).tolist(), seed),
        indexed_metric(f"{dataset}/width80", n, lambda idx: float(np.median(predicted.width[idx])), seed),
        mean_metric(f"{dataset}/coverage90", predicted.inside_90.astype(float).tolist(), seed),
        indexed_metric(f"{dataset}/rmsle_category_mean", n, rmsle_of("category_mean"), seed),
        indexed_metric(f"{dataset}/rmsle_tfidf_ridge", n, rmsle_of("ridge"), seed),
        indexed_metric(f"{dataset}/rmsle_without_model", n, rmsle_of("without_model"), seed),
        point_metric(f"{dataset}/worst_category_gap80", report.worst_category_gap, n),
        point_metric(f"{dataset}/with_three_comparables", report.with_three_comparables, n),
    ]
    groups = category_groups(items)
    rows = [
        {
            "dataset": dataset,
            "id": item.listing_id,
            "category": str(group),
            "price": float(item.price),
            "suggested": float(np.expm1(models["pakka"][position])),
            "log_error": float(models["pakka"][position] - true_log[position]),
            "inside80": bool(predicted.inside[position]),
            "inside90": bool(predicted.inside_90[position]),
            "width80": float(predicted.width[position]),
        }
        for position, (item, group) in enumerate(zip(items, groups, strict=True))
    ]
    shown = sorted(
        {str(g) for g in groups if int((groups == g).sum()) >= MIN_CATEGORY_ITEMS_SHOWN}, key=str.lower
    )
    plots = [
        Plot.histogram(
            f"{dataset}: log error of the suggested price",
            {
                "pakka": (models["pakka"] - true_log).tolist(),
                "TF-IDF ridge": (models["ridge"] - true_log).tolist(),
            },
            xlabel="log1p(suggested) - log1p(sold)",
        ),
    ]
    if shown:
        plots.append(
            Plot.bars(
                f"{dataset}: 80% range coverage by top-level category",
                shown,
                {"coverage80": [float(predicted.inside[groups == g].mean()) for g in shown]},
                ylabel="share inside",
            )
        )
    return metrics, rows, plots


def run(ctx: RunContext) -> SuiteOutcome:
    if not any(ctx.has(dataset) for dataset in LOADERS):
        raise SuiteSkipped(
            "dataset missing: " + "; ".join(f"{d.name}: {d.resolve()} not found" for d in SUITE.datasets)
        )
    metrics: list[MetricValue] = []
    rows: list[dict[str, object]] = []
    plots: list[Plot] = []
    folds = SMOKE_FOLDS if ctx.smoke else FOLDS
    for dataset, (load, shipping) in LOADERS.items():
        if not ctx.has(dataset):  # optional: each dataset is its own part (the runner notes a skipped one)
            continue
        items = ctx.limited(load(ctx.path(dataset)), smoke=SMOKE_ITEMS)
        predicted = predict(
            items,
            folds,
            shipping(ctx.path(dataset)) if shipping else {},
            progress=lambda folds_, name=dataset: ctx.progress(folds_, f"pricing {name}: folds", total=folds),
        )
        found = measure(dataset, items, predicted, ctx.seed)
        metrics += found[0]
        rows += found[1]
        plots += found[2]
    return SuiteOutcome(
        metrics=metrics,
        items=rows,
        plots=plots,
        notes=[f"{folds}-fold; the priced item is never in its own history"],
    )


SUITE = Suite(
    name="pricing",
    description="Price suggestions on sold listings (Mercari, thredUP), k-fold, as the pricing graph prices "
    "on the rules tier: RMSLE, range coverage and width.",
    datasets=(
        Dataset("mercari", "mercari_price/train_dev.tsv", optional=True, part="Mercari listings"),
        Dataset("thredup", "thredup_resale/thredup_dev.csv", optional=True, part="thredUP listings"),
    ),
    metrics=_specs("mercari") + _specs("thredup"),
    run=run,
)
