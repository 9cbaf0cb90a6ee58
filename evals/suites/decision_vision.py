"""decision-vision: the foot scan the scan route runs (tools.vision measure_foot), on rendered photos with
known foot sizes (evals/vision/foot.py: length and width error) and on real phone photos judged by hand labels
(evals/vision/foot_real.py: how many are measured, whether refusals name a true cause, metamorphic checks)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from evals.runner.stats import mean_metric, point_metric
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
from evals.vision.foot import evaluate_rendered
from evals.vision.foot_real import MEASURED, evaluate, load_labels

RENDERED_PHOTOS = 40
RENDERED_SEED = 1  # evals/vision/foot.py's default
SMOKE_RENDERED = 3
SMOKE_REAL = 4


def _rendered(ctx: RunContext) -> tuple[list[MetricValue], list[dict[str, object]], list[Plot]]:
    count = ctx.cap(RENDERED_PHOTOS, SMOKE_RENDERED) or RENDERED_PHOTOS
    results = evaluate_rendered(count, RENDERED_SEED)
    measured = [r for r in results if r.refused is None]
    length = [abs(r.length_error_mm or 0.0) for r in measured]
    width = [abs(r.width_error_mm or 0.0) for r in measured]
    within = [float(abs(r.length_error_mm or 0.0) <= 2 * (r.length_sigma_mm or 0.0)) for r in measured]
    metrics = [
        mean_metric("rendered/length_mae_mm", length, ctx.seed),
        mean_metric("rendered/width_mae_mm", width, ctx.seed),
        mean_metric("rendered/length_within_2sigma", within, ctx.seed),
        mean_metric("rendered/refused", [float(r.refused is not None) for r in results], ctx.seed),
    ]
    rows = [
        {
            "set": "rendered",
            "foot_length_mm": round(r.spec.foot_length_mm, 1),
            "sheet": r.spec.sheet,
            "floor": str(r.spec.floor),
            "refused": r.refused,
            "length_error_mm": r.length_error_mm,
            "width_error_mm": r.width_error_mm,
        }
        for r in results
    ]
    plots = [
        Plot.histogram(
            "Rendered photos: measurement error",
            {
                "length": [r.length_error_mm or 0.0 for r in measured],
                "width": [r.width_error_mm or 0.0 for r in measured],
            },
            xlabel="measured - true (mm)",
        )
    ]
    return metrics, rows, plots


def _real(ctx: RunContext) -> tuple[list[MetricValue], list[dict[str, object]], list[Plot]]:
    labels = load_labels(ctx.path("labels"))
    chosen = dict(ctx.limited(sorted(labels.items()), smoke=SMOKE_REAL))
    results = evaluate(ctx.path("photos"), chosen, metamorphic=not ctx.smoke)
    measurable = [r for r in results if r.label.measurable]
    refused = [r for r in results if r.outcome != MEASURED]
    checked = [r for r in results if r.metamorphic_run]
    metrics = [
        mean_metric(
            "real/measured_when_measurable", [float(r.outcome == MEASURED) for r in measurable], ctx.seed
        ),
        mean_metric("real/refusals_right", [float(bool(r.refusal_right)) for r in refused], ctx.seed),
        mean_metric(
            "real/metamorphic_passed", [float(not r.metamorphic_failures) for r in checked], ctx.seed
        ),
        point_metric(
            "real/cpu_ms_p95",
            float(np.percentile([r.cpu_ms for r in results], 95)) if results else None,
            len(results),
        ),
    ]
    rows = [
        {
            "set": "real",
            "id": r.label.photo_id,
            "split": r.label.split,
            "measurable": r.label.measurable,
            "outcome": r.outcome,
            "refusal_right": r.refusal_right,
            "length_mm": round(r.scan.length_mm, 1) if r.scan else None,
            "metamorphic_failures": r.metamorphic_failures,
            "cpu_ms": round(r.cpu_ms, 1),
        }
        for r in results
    ]
    outcomes = Counter(r.outcome for r in results)
    plots = [
        Plot.histogram("Real photos: scan CPU time per photo", {"cpu ms": [r.cpu_ms for r in results]}, "ms"),
        Plot.bars(
            "Real photos: outcomes",
            sorted(outcomes),
            {"photos": [float(outcomes[k]) for k in sorted(outcomes)]},
        ),
    ]
    return metrics, rows, plots


def run(ctx: RunContext) -> SuiteOutcome:
    metrics: list[MetricValue] = []
    rows: list[dict[str, object]] = []
    plots: list[Plot] = []
    for part in (_rendered, _real):
        found = part(ctx)
        metrics += found[0]
        rows += found[1]
        plots += found[2]
    notes = ["metamorphic checks skipped in the smoke profile"] if ctx.smoke else []
    return SuiteOutcome(metrics=metrics, items=rows, plots=plots, notes=notes)


SUITE = Suite(
    name="decision-vision",
    description="The foot scan on rendered photos of known size and on real phone photos judged by hand "
    "labels (evals/vision/foot.py, foot_real.py).",
    datasets=(
        Dataset("photos", "foot_photos"),
        Dataset("labels", "evals/vision/foot_photo_labels.csv", root="repo"),
    ),
    metrics=(
        MetricSpec("rendered/length_mae_mm", Direction.LOWER, 0.3, "mean absolute length error"),
        MetricSpec("rendered/width_mae_mm", Direction.LOWER, 0.3, "mean absolute width error"),
        MetricSpec("rendered/length_within_2sigma", Direction.HIGHER, 0.05),
        MetricSpec("rendered/refused", Direction.LOWER, 0.03, "share of measurable rendered photos refused"),
        MetricSpec("real/measured_when_measurable", Direction.HIGHER, 0.05),
        MetricSpec("real/refusals_right", Direction.HIGHER, 0.05),
        MetricSpec("real/metamorphic_passed", Direction.HIGHER, 0.05),
    ),
    run=run,
)
