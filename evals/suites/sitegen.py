"""sitegen: the registered `sitegen` graph on the project's business descriptions (evals/sites/evaluate.py:
each one run to a validated draft on the rules tier): sector accuracy, validation pass rate, and the time
generation and validation take."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import asdict
from typing import Any

from evals.runner.stats import mean_metric
from evals.runner.suite import Dataset, Direction, MetricSpec, Plot, RunContext, Suite, SuiteOutcome
from evals.sites.evaluate import SiteRun, load_descriptions, run_site
from graphs.services import Services

SMOKE_SITES = 2


async def _generate(ctx: RunContext, rows: list[dict[str, Any]]) -> list[SiteRun]:
    services = Services.open(ctx.settings)
    try:
        return [
            await run_site(services, row, f"eval-{index}")
            for index, row in enumerate(ctx.progress(rows, "sitegen", total=len(rows)))
        ]
    finally:
        services.close()


def run(ctx: RunContext) -> SuiteOutcome:
    rows = ctx.limited(load_descriptions(), smoke=SMOKE_SITES)
    runs = asyncio.run(_generate(ctx, rows))
    seed = ctx.seed
    languages = sorted({run.language for run in runs})
    metrics = [
        mean_metric("sector_accuracy", [float(run.correct) for run in runs], seed),
        mean_metric("validation_pass_rate", [float(run.passed) for run in runs], seed),
        mean_metric("asked_share", [float(run.asked) for run in runs], seed),
        mean_metric("axe_serious_or_critical", [float(run.axe_serious_or_critical) for run in runs], seed),
        mean_metric("seconds_total", [run.seconds["total"] for run in runs], seed),
        *(
            mean_metric(
                f"sector_accuracy/{language}",
                [float(r.correct) for r in runs if r.language == language],
                seed,
            )
            for language in languages
        ),
    ]
    sectors = sorted(Counter(run.expected for run in runs))
    plots = [
        Plot.bars(
            "Sector accuracy by expected sector",
            sectors,
            {
                "accuracy": [
                    sum(r.correct for r in runs if r.expected == s) / sum(1 for r in runs if r.expected == s)
                    for s in sectors
                ]
            },
        ),
        Plot.histogram(
            "Seconds per site",
            {
                "generation": [run.seconds["generation"] for run in runs],
                "validation": [run.seconds["validation"] for run in runs],
            },
            xlabel="s",
        ),
    ]
    return SuiteOutcome(
        metrics=metrics,
        items=[asdict(run) | {"correct": run.correct} for run in runs],
        plots=plots,
        notes=[f"{len(runs)} descriptions, tier {ctx.tier}"],
    )


SUITE = Suite(
    name="sitegen",
    description="The site-generation wizard (sitegen graph) on the project's business descriptions: sector "
    "accuracy and validation (evals/sites/evaluate.py).",
    datasets=(Dataset("descriptions", "evals/sites/descriptions.jsonl", root="repo"),),
    metrics=(
        MetricSpec(
            "sector_accuracy", Direction.HIGHER, 0.05, "the wizard's sector guess is the expected one"
        ),
        MetricSpec("validation_pass_rate", Direction.HIGHER, 0.0, "generated sites that pass validation"),
        MetricSpec("axe_serious_or_critical", Direction.LOWER, 0.0, "axe-core findings per site"),
    ),
    run=run,
)
