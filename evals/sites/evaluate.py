"""The site-generation wizard on the project's 40 business descriptions (evals/sites/descriptions.jsonl:
English, Hindi and Hinglish, several per sector, two ambiguous ones) on the rules tier, no model at all.

For each description the `sitegen` graph runs to a draft (auto_approve; a sector question is answered with
the wizard's own guess), so the table shows both the sector guess and what the validation of the generated
site found: html-validate errors, serious or critical axe-core findings, and the other checks.

    python -m evals.sites.evaluate [--limit N] [--out DIR] [--json]

prints per-site rows, sector accuracy (target >= 0.9) and how many sites passed validation (target: all).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.memory import InMemoryStore
from langgraph.types import Command

from core.settings import Settings
from graphs.context import GraphContext
from graphs.registry import GRAPHS
from graphs.services import Services

DESCRIPTIONS = Path(__file__).with_name("descriptions.jsonl")


@dataclass
class SiteRun:
    id: str
    language: str
    expected: str
    sector: str
    confidence: float
    asked: bool
    passed: bool
    conformance_errors: int
    axe_serious_or_critical: int
    axe_other: int
    static_errors: int
    rounds: int
    pages: int
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return self.sector == self.expected


def load_descriptions(limit: int | None = None) -> list[dict[str, Any]]:
    rows = [
        json.loads(line) for line in DESCRIPTIONS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return rows[:limit] if limit else rows


def open_services(data_dir: Path) -> Services:
    settings = Settings(
        data_dir=data_dir, seed_demo_data=False, model_tiers=["rules"], auth=False, _env_file=None
    )
    return Services.open(settings)


async def run_site(services: Services, row: dict[str, Any], thread: str) -> SiteRun:
    """One description through the graph to a stored draft, with the time each stage took."""
    graph = GRAPHS["sitegen"].with_persistence(InMemorySaver(), InMemoryStore())
    context = GraphContext(services=services, tenant_id="demo", user_id="eval")
    config = {"configurable": {"thread_id": thread}}
    started = time.perf_counter()
    marks: dict[str, float] = {}
    payload: Any = {"description": row["description"], "auto_approve": True}
    asked = False
    first_guess: str | None = None
    while True:
        async for update in graph.astream(payload, config=config, context=context, stream_mode="updates"):
            for node in update:
                marks[node] = time.perf_counter() - started
        state = await graph.aget_state(config)
        first_guess = first_guess or state.values.get("sector")
        if not state.interrupts:
            break
        asked = True
        payload = Command(resume={state.interrupts[0].id: {"decisions": [{"type": "approve"}]}})
    values = state.values
    report = values["validation"]
    total = time.perf_counter() - started
    return SiteRun(
        id=row["id"],
        language=row["language"],
        expected=row["expected"],
        sector=first_guess or values["sector"],
        confidence=round(float(values.get("sector_confidence", 0.0)) if not asked else 0.0, 3),
        asked=asked,
        passed=bool(report["passed"]),
        conformance_errors=int(report["conformance_errors"]),
        axe_serious_or_critical=int(report["axe_serious_or_critical"]),
        axe_other=int(report["axe_other"]),
        static_errors=int(report["static_errors"]),
        rounds=int(values.get("attempt", 1)),
        pages=int(report["pages_checked"]),
        seconds={
            "generation": round(marks.get("assemble", 0.0), 3),
            "validation": round(float(report["seconds"].get("total", 0.0)), 3),
            "html_validate": round(float(report["seconds"].get("html_validate", 0.0)), 3),
            "axe": round(float(report["seconds"].get("browser_axe", 0.0)), 3),
            "screenshots": round(float(report["seconds"].get("browser_screenshots", 0.0)), 3),
            "total": round(total, 3),
        },
    )


def peak_memory_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest child (Chromium, Node), in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"python_peak_mb": round(own, 1), "largest_child_peak_mb": round(children, 1)}


async def evaluate(limit: int | None, data_dir: Path) -> list[SiteRun]:
    services = open_services(data_dir)
    try:
        runs = []
        for index, row in enumerate(load_descriptions(limit)):
            run = await run_site(services, row, f"eval-{index}")
            runs.append(run)
            print(_row(run), flush=True)
        return runs
    finally:
        services.close()


def _row(run: SiteRun) -> str:
    mark = "ok " if run.correct else "XX "
    return (
        f"{mark}{run.id:<24} {run.language:<9} expected={run.expected:<12} got={run.sector:<12} "
        f"conf={run.confidence:<5} asked={'yes' if run.asked else 'no ':<3} passed={run.passed!s:<5} "
        f"html-validate={run.conformance_errors} axe-serious/critical={run.axe_serious_or_critical} "
        f"axe-minor/moderate={run.axe_other} other={run.static_errors} rounds={run.rounds} pages={run.pages} "
        f"total={run.seconds['total']}s"
    )


def summary(runs: list[SiteRun]) -> dict[str, Any]:
    correct = sum(run.correct for run in runs)
    return {
        "sites": len(runs),
        "sector_accuracy": round(correct / len(runs), 3) if runs else 0.0,
        "asked": sum(run.asked for run in runs),
        "passed_validation": sum(run.passed for run in runs),
        "conformance_errors": sum(run.conformance_errors for run in runs),
        "axe_serious_or_critical": sum(run.axe_serious_or_critical for run in runs),
        "axe_minor_or_moderate": sum(run.axe_other for run in runs),
        "static_errors": sum(run.static_errors for run in runs),
        "by_language": {
            language: round(
                sum(run.correct for run in runs if run.language == language)
                / max(1, sum(1 for run in runs if run.language == language)),
                3,
            )
            for language in ("en", "hi", "hinglish")
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--json", action="store_true", help="print the runs and summary as JSON at the end")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pakka-sites-eval-") as folder:
        runs = asyncio.run(evaluate(args.limit, args.data_dir or Path(folder)))
    result = summary(runs)
    print(json.dumps({**result, **peak_memory_mb()}, indent=1))
    if args.json:
        print(json.dumps([asdict(run) for run in runs], indent=1))


if __name__ == "__main__":
    main()
