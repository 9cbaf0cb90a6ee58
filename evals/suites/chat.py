"""chat: the shopping chat's task suite (evals/chat/: scripted shoppers against the registered chat graph,
through the API's event stream, each trial on a fresh store): pass^1 and pass^k per category, and tool-call
metrics on the tasks that name the calls they expect: ragas ToolCallF1 and ToolCallAccuracy (order-free),
and agentevals' trajectory match (superset, as the suite judges)."""

from __future__ import annotations

import asyncio
import math
import warnings
from typing import Any

from evals.chat.run import run_suite
from evals.chat.suite import TRAJECTORY, Task, Transcript, Verdict, load_tasks, openai_calls, pass_hat_k
from evals.metrics.ragas_env import import_ragas
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

TRIALS = 3
SMOKE_TRIALS = 1
SMOKE_CATEGORIES = 4
EMBEDDING = "none"
"""As `python -m evals.chat.run` runs by default (lexical); `--set embedding_model=local` changes it."""


def _projected(actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The actual calls with only the arguments the expectation lists for a call of that name: the suite's
    expectations name a few arguments, not every one the assistant sends."""
    keys: dict[str, set[str]] = {}
    for call in expected:
        keys.setdefault(call["name"], set()).update((call.get("args") or {}).keys())
    return [
        {
            "name": call["name"],
            "args": {k: v for k, v in (call.get("args") or {}).items() if k in keys.get(call["name"], set())},
        }
        for call in actual
    ]


async def tool_call_scores(actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> dict[str, float]:
    """ragas ToolCallF1 and ToolCallAccuracy (order-free), agentevals' superset trajectory match."""
    import_ragas()
    from ragas.messages import AIMessage, HumanMessage, ToolCall
    from ragas.metrics.collections import ToolCallAccuracy, ToolCallF1

    def calls(rows: list[dict[str, Any]]) -> list[ToolCall]:
        return [
            ToolCall(name=row["name"], args={k: str(v) for k, v in (row.get("args") or {}).items()})
            for row in rows
        ]

    conversation = [
        HumanMessage(content="(scripted shopper)"),
        AIMessage(content="", tool_calls=calls(_projected(actual, expected))),
    ]
    reference_calls = calls(expected)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ragas warns on every length mismatch and on no calls at all
        f1 = (await ToolCallF1().ascore(user_input=conversation, reference_tool_calls=reference_calls)).value
        accuracy = (
            await ToolCallAccuracy(strict_order=False).ascore(
                user_input=conversation, reference_tool_calls=reference_calls
            )
        ).value
    outputs = [{"role": "assistant", "content": "", "tool_calls": openai_calls(actual)}]
    reference = [{"role": "assistant", "content": "", "tool_calls": openai_calls(expected)}]
    trajectory = float(bool(TRAJECTORY(outputs=outputs, reference_outputs=reference)["score"]))
    return {"tool_call_f1": float(f1), "tool_call_accuracy": float(accuracy), "trajectory_match": trajectory}


def _chosen(ctx: RunContext, tasks: list[Task]) -> list[Task]:
    if ctx.smoke:  # the first task of a few categories
        first: dict[str, Task] = {}
        for task in tasks:
            first.setdefault(task.category, task)
        tasks = list(first.values())[:SMOKE_CATEGORIES]
    return ctx.limited(tasks, smoke=SMOKE_CATEGORIES)


def run(ctx: RunContext) -> SuiteOutcome:
    tasks = _chosen(ctx, load_tasks(ctx.path("tasks")))
    trials = SMOKE_TRIALS if ctx.smoke else TRIALS
    settings = ctx.settings
    if "embedding_model" not in ctx.overrides:
        settings = settings.model_copy(update={"embedding_model": EMBEDDING})
    rows: list[dict[str, Any]] = []
    calls: list[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]] = []

    def keep(trial: int, task: Task, transcript: Transcript, verdict: Verdict) -> None:
        row: dict[str, Any] = {
            "task": task.id,
            "category": task.category,
            "lang": task.lang,
            "trial": trial,
            "passed": verdict.passed,
            "failures": verdict.failures,
            "seconds": round(verdict.seconds, 3),
            "tool_calls": [call["name"] for call in transcript.tool_calls],
        }
        if task.expect.get("calls"):
            calls.append((row, transcript.tool_calls, task.expect["calls"]))
        rows.append(row)

    async def score_calls() -> None:
        for row, actual, expected in calls:
            row |= await tool_call_scores(actual, expected)

    verdicts = asyncio.run(
        run_suite(
            settings,
            tasks,
            trials,
            on_trial=keep,
            progress=lambda chosen: ctx.progress(chosen, "chat tasks", total=len(chosen)),
        )
    )
    asyncio.run(score_calls())
    return SuiteOutcome(
        metrics=_metrics(verdicts, rows, trials, ctx.seed),
        items=rows,
        plots=_plots(verdicts, rows, trials),
        notes=[
            f"{len(tasks)} tasks x {trials} trials, embedding {settings.embedding_model}; the WebShop search "
            "slice runs in `python -m evals.chat.run`"
        ],
    )


def _per_task(verdicts: list[list[Verdict]], k: int) -> dict[str, tuple[str, float]]:
    by_task: dict[str, list[Verdict]] = {}
    for trial in verdicts:
        for verdict in trial:
            by_task.setdefault(verdict.task, []).append(verdict)
    return {
        task: (runs[0].category, pass_hat_k(sum(v.passed for v in runs), len(runs), k))
        for task, runs in by_task.items()
    }


def _metrics(
    verdicts: list[list[Verdict]], rows: list[dict[str, Any]], trials: int, seed: int
) -> list[MetricValue]:
    metrics = []
    for k in sorted({1, trials}):
        per_task = _per_task(verdicts, k)
        metrics.append(mean_metric(f"pass^{k}/all", [value for _, value in per_task.values()], seed))
        for category in sorted({category for category, _ in per_task.values()}):
            values = [value for c, value in per_task.values() if c == category]
            metrics.append(mean_metric(f"pass^{k}/{category}", values, seed))
    for name in ("tool_call_f1", "tool_call_accuracy", "trajectory_match"):
        metrics.append(mean_metric(name, [row[name] for row in rows if name in row], seed))
    metrics.append(mean_metric("seconds_per_trial", [row["seconds"] for row in rows], seed))
    return metrics


def _plots(verdicts: list[list[Verdict]], rows: list[dict[str, Any]], trials: int) -> list[Plot]:
    per_task = _per_task(verdicts, 1)
    categories = sorted({category for category, _ in per_task.values()})
    series = {
        "pass^1": [
            sum(v for c, v in per_task.values() if c == category)
            / sum(1 for c, _ in per_task.values() if c == category)
            for category in categories
        ]
    }
    if trials > 1:
        per_task_k = _per_task(verdicts, trials)
        series[f"pass^{trials}"] = [
            sum(v for c, v in per_task_k.values() if c == category and not math.isnan(v))
            / sum(1 for c, _ in per_task_k.values() if c == category)
            for category in categories
        ]
    return [
        Plot.bars("pass^k by category", categories, series, ylabel="pass^k"),
        Plot.histogram("Seconds per trial", {"seconds": [row["seconds"] for row in rows]}, xlabel="s"),
    ]


SUITE = Suite(
    name="chat",
    description="The chat task suite on the registered chat graph: pass^k per category, ragas tool-call "
    "F1/accuracy and agentevals trajectory match.",
    datasets=(Dataset("tasks", "evals/chat/tasks.yaml", root="repo"),),
    metrics=(
        MetricSpec("pass^1/all", Direction.HIGHER, 0.03, "share of trials that pass, mean over tasks"),
        MetricSpec(f"pass^{TRIALS}/all", Direction.HIGHER, 0.05, "chance that all trials of a task pass"),
        MetricSpec("tool_call_f1", Direction.HIGHER, 0.05, "ragas ToolCallF1 on the expected calls"),
        MetricSpec("trajectory_match", Direction.HIGHER, 0.05, "agentevals superset trajectory match"),
    ),
    run=run,
)
