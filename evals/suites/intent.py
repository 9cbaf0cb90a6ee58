"""intent: how well the rule-based tier reads shopping messages (evals/intent/evaluate.py, the parser the chat
graph's rules tier runs): field accuracy and attribute recall/precision on the Hinglish golden and held-out
sets, WebShop price bounds and attribute recall on its hand-labelled sample (WebShop is optional: without the
shared data the Hinglish sets still run)."""

from __future__ import annotations

import json
from pathlib import Path

from evals.intent.evaluate import (
    ATTRIBUTES,
    FIELDS,
    AttributeScores,
    Score,
    evaluate_webshop_attributes,
    golden_results,
    webshop_price_results,
)
from evals.runner.stats import mean_metric
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

SMOKE_INSTRUCTIONS = 200


def _flat(score: Score) -> list[float]:
    return [1.0] * score.correct + [0.0] * (score.total - score.correct)


def _attributes(prefix: str, scores: AttributeScores, seed: int) -> list[MetricValue]:
    return [
        mean_metric(f"{prefix}/attribute_recall", _flat(scores.overall(scores.recall)), seed),
        mean_metric(f"{prefix}/attribute_precision", _flat(scores.overall(scores.precision)), seed),
    ]


def _golden(name: str, path: Path, seed: int) -> tuple[list[MetricValue], list[dict[str, object]], Plot]:
    results = golden_results(path)
    attributes = AttributeScores()
    for result in results:
        for field in ("category", *ATTRIBUTES, "budget_min_inr", "budget_max_inr"):
            attributes.add(field, result.row.get(field), result.predicted[field])
    per_message = [sum(r.fields.values()) / len(FIELDS) for r in results]
    metrics = [mean_metric(f"{name}/field_accuracy", per_message, seed), *_attributes(name, attributes, seed)]
    rows = [
        {
            "set": name,
            "text": r.row["text"],
            "wrong": [field for field, ok in r.fields.items() if not ok],
            "predicted": {k: v for k, v in r.predicted.items() if k in FIELDS and v is not None},
        }
        for r in results
    ]
    plot = Plot.bars(
        f"{name}: accuracy by field",
        list(FIELDS),
        {"accuracy": [sum(r.fields[f] for r in results) / len(results) for f in FIELDS]},
        ylabel="share right",
    )
    return metrics, rows, plot


def run(ctx: RunContext) -> SuiteOutcome:
    metrics: list[MetricValue] = []
    rows: list[dict[str, object]] = []
    plots: list[Plot] = []
    for name in ("golden", "holdout"):
        found = _golden(name, ctx.path(name), ctx.seed)
        metrics += found[0]
        rows += found[1]
        plots.append(found[2])
    if not ctx.has("webshop"):  # optional: the Hinglish sets are the project's own and still run
        return SuiteOutcome(metrics=metrics, items=rows, plots=plots)
    instructions: list[str] = json.loads(ctx.path("webshop").read_text(encoding="utf-8"))
    priced = ctx.limited(instructions, smoke=SMOKE_INSTRUCTIONS)
    none_invented, exact = webshop_price_results(priced)
    metrics += [
        mean_metric("webshop/no_bound_invented", [float(ok) for ok in none_invented], ctx.seed),
        mean_metric("webshop/clause_bound_exact", [float(ok) for ok in exact], ctx.seed),
        *_attributes(
            "webshop", evaluate_webshop_attributes(instructions, ctx.path("webshop_labels")), ctx.seed
        ),
    ]
    rows += [
        {"set": "webshop", "text": text, "no_bound_invented": ok, "clause_bound_exact": exact_ok}
        for text, ok, exact_ok in zip(priced, none_invented, exact, strict=True)
        if not (ok and exact_ok)
    ]
    return SuiteOutcome(
        metrics=metrics,
        items=rows,
        plots=plots,
        notes=[f"WebShop price bounds on {len(priced)} instructions; items.jsonl keeps only their misses"],
    )


_GATED = [
    ("golden/field_accuracy", 0.0),
    ("holdout/field_accuracy", 0.02),
    ("holdout/attribute_recall", 0.03),
    ("holdout/attribute_precision", 0.03),
    ("webshop/no_bound_invented", 0.005),
    ("webshop/clause_bound_exact", 0.005),
    ("webshop/attribute_recall", 0.05),
    ("webshop/attribute_precision", 0.05),
]

SUITE = Suite(
    name="intent",
    description="Shopping-message parsing on the rules tier: Hinglish golden and held-out sets, WebShop "
    "instructions (evals/intent/evaluate.py).",
    datasets=(
        Dataset("golden", "evals/intent/hinglish_golden.jsonl", root="repo"),
        Dataset("holdout", "evals/intent/hinglish_holdout.jsonl", root="repo"),
        Dataset("webshop_labels", "evals/intent/webshop_labels.jsonl", root="repo"),
        Dataset(
            "webshop",
            "webshop/human_goals_dev.json",
            optional=True,
            part="WebShop instructions (price bounds, attribute recall and precision)",
        ),
    ),
    metrics=tuple(MetricSpec(name, Direction.HIGHER, tolerance) for name, tolerance in _GATED),
    run=run,
)
