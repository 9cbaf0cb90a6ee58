"""Run the shopping chat's task suite and print pass^1 and pass^3 per category of task.

Run: `python -m evals.chat.run [--trials 3] [--tier rules|configured] [--only ID_PREFIX] [--json]
[--embedding none|local] [--webshop-dir PATH]`.

The rule-based tier is always run (`--tier rules`); `--tier configured` runs the router as PAKKA_MODEL_TIERS
configures it (Bedrock, local), and is skipped, with the reason, when no tier other than the rules one is
available. Each trial runs in process against a fresh store seeded with the demo catalog (a temporary data
directory), through the same event stream the API sends; every task gets a new shopper per trial.

A search-quality slice (not part of the 60-task suite) uses WebShop human instructions
(`../shared/data/webshop/human_goals_dev.json`, MIT) as first turns: the assistant must search (after at
most its slot questions), never write, and ground every number; it is skipped with a reason when the data is
absent."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from core.catalog.demo import seed_demo_data
from core.settings import Settings
from evals.chat.suite import (
    HOLDOUT,
    TASKS,
    Shopper,
    Task,
    Transcript,
    Verdict,
    inject,
    judge,
    load_tasks,
    new_user,
    table,
)
from evals.shared_data import SHARED_DATA
from graphs.services import Services

WEBSHOP_SLICE = 20


def webshop_tasks(directory: Path, count: int = WEBSHOP_SLICE) -> tuple[list[Task], str | None]:
    goals = directory / "human_goals_dev.json"
    if not goals.exists():
        return [], f"WebShop slice skipped: {goals} not found"
    raw = json.loads(goals.read_text(encoding="utf-8"))
    instructions = [item if isinstance(item, str) else item.get("instruction", "") for item in raw]
    step = max(1, len(instructions) // count)
    chosen = [text for text in instructions[::step] if text][:count]
    tasks = [
        Task(
            id=f"webshop-{index:03d}",
            category="webshop_search",
            lang="en",
            turns=[text],
            setup={"region": "mumbai"},
            answers={"size": "any", "budget": "any"},
            expect={"calls": [{"name": "search_products"}], "never": "writes"},
        )
        for index, text in enumerate(chosen)
    ]
    return tasks, None


TrialHook = Callable[[int, Task, Transcript, Verdict], None]
"""Called after each trial with its number, the task, what it saw and its verdict."""


async def run_suite(
    settings: Settings,
    tasks: list[Task],
    trials: int,
    on_trial: TrialHook | None = None,
    progress: Callable[[list[Task]], Iterable[Task]] = iter,
) -> list[list[Verdict]]:
    async with Services.running(
        settings, before_start=lambda s: seed_demo_data(s.store, settings.default_tenant)
    ) as services:
        await asyncio.to_thread(services.knowledge_loaded.wait, 300)
        results: list[list[Verdict]] = []
        for trial in range(trials):
            verdicts = []
            for task in progress(tasks):
                user = new_user(task, trial)
                undo = inject(services, task)
                started = time.perf_counter()
                try:
                    transcript = await Shopper(services, task, user).play()
                finally:
                    undo()
                failures = judge(task, transcript, services, user)
                verdict = Verdict(
                    task=task.id,
                    category=task.category,
                    lang=task.lang,
                    passed=not failures,
                    failures=failures,
                    seconds=time.perf_counter() - started,
                )
                verdicts.append(verdict)
                if on_trial is not None:
                    on_trial(trial, task, transcript, verdict)
            results.append(verdicts)
        return results


def configured_available(settings: Settings) -> str | None:
    """Why the configured tiers cannot run (None when some tier besides the rules one is available)."""
    services = Services.open(settings)
    try:
        router = services.model
        status = router.status() if hasattr(router, "status") else []  # type: ignore[attr-defined]
    finally:
        services.close()
    usable = [row for row in status if row.get("kind") != "rules" and row.get("state") == "available"]
    return (
        None
        if usable
        else "no model tier besides the rule-based one is available (PAKKA_MODEL_TIERS, credentials)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--tier", choices=["rules", "configured"], default="rules")
    parser.add_argument("--only", default="", help="Run only tasks whose id starts with this.")
    parser.add_argument("--embedding", choices=["none", "local"], default="none")
    parser.add_argument("--webshop-dir", type=Path, default=SHARED_DATA / "webshop")
    parser.add_argument(
        "--holdout", action="store_true", help="Run the held-out tasks (never tuned on) instead."
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    tasks = [task for task in load_tasks(HOLDOUT if args.holdout else TASKS) if task.id.startswith(args.only)]
    extra, skipped = webshop_tasks(args.webshop_dir) if not (args.only or args.holdout) else ([], None)
    with tempfile.TemporaryDirectory() as directory:
        overrides: dict[str, Any] = {
            "data_dir": Path(directory),
            "seed_demo_data": False,
            "embedding_model": args.embedding,
        }
        if args.tier == "rules":
            overrides["model_tiers"] = ["rules"]
        settings = Settings(**overrides)
        if args.tier == "configured" and (reason := configured_available(settings)):
            print(f"configured tiers skipped: {reason}")
            return
        started = time.perf_counter()
        verdicts = asyncio.run(run_suite(settings, tasks + extra, args.trials))
        seconds = time.perf_counter() - started
    suite = [[verdict for verdict in trial if not verdict.task.startswith("webshop-")] for trial in verdicts]
    webshop = [[verdict for verdict in trial if verdict.task.startswith("webshop-")] for trial in verdicts]
    ks = tuple(k for k in (1, 3) if k <= args.trials)
    rows = table(suite, ks)
    webshop_rows = table(webshop, ks) if extra else []
    if args.json:
        print(
            json.dumps(
                {
                    "tier": args.tier,
                    "trials": args.trials,
                    "rows": rows,
                    "webshop": webshop_rows,
                    "seconds": seconds,
                }
            )
        )
        return
    print(f"chat task suite, tier {args.tier}, {len(tasks)} tasks x {args.trials} trials, {seconds:.0f} s")
    header = f"{'category':<22}{'tasks':>6}" + "".join(f"{'pass^' + str(k):>9}" for k in ks)
    print(header)
    for row in rows + webshop_rows:
        print(f"{row['group']:<22}{row['tasks']:>6}" + "".join(f"{row[f'pass^{k}']:>9.2f}" for k in ks))
    if skipped:
        print(skipped)
    if args.show_failures:
        for verdict in verdicts[0]:
            if not verdict.passed:
                print(f"\n{verdict.task}:")
                for failure in verdict.failures:
                    print(f"  - {failure}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
