"""A run as a record on disk: `DIR/<run-id>/results.json`, `items.jsonl` and `report.html`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from evals.runner.suite import Direction, MetricValue, Plot

RESULTS = "results.json"
ITEMS = "items.jsonl"
REPORT = "report.html"


class MetricRecord(MetricValue):
    """A measured value with what the gate needs: its direction and tolerance (None: not gated)."""

    direction: Direction | None = None
    tolerance: float | None = None
    description: str = ""


class SuiteRecord(BaseModel):
    name: str
    description: str = ""
    status: Literal["passed", "skipped", "failed"]
    """passed: it ran (its metrics say how well); skipped: a dataset or requirement was absent; failed: it
    raised."""
    reason: str = ""
    datasets: dict[str, str] = Field(default_factory=dict)
    """Dataset name -> content hash."""
    skipped_parts: dict[str, str] = Field(default_factory=dict)
    """Absent optional dataset -> the part of the suite left out, and why (the suite still ran)."""
    metrics: list[MetricRecord] = Field(default_factory=list)
    plots: list[Plot] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    items: int = 0
    seconds: float = 0.0

    def metric(self, name: str) -> MetricRecord | None:
        return next((m for m in self.metrics if m.name == name), None)


class RunRecord(BaseModel):
    run_id: str
    started_at: str
    git_commit: str | None
    git_dirty: bool | None
    tier: str
    limit: int | None
    smoke: bool
    seed: int
    overrides: dict[str, str] = Field(default_factory=dict)
    """--set KEY=VALUE as given."""
    judge_timeout_s: float | None = None
    """--judge-timeout as given (None: the settings' model_timeout_s)."""
    settings: dict[str, Any] = Field(default_factory=dict)
    """pakka's settings as the suites saw them (secrets masked)."""
    suites: list[SuiteRecord]
    seconds: float
    versions: dict[str, str] = Field(default_factory=dict)

    def suite(self, name: str) -> SuiteRecord | None:
        return next((s for s in self.suites if s.name == name), None)


def run_dir(path: Path) -> Path:
    """A run's folder from its folder or its results.json."""
    return path.parent if path.name == RESULTS else path


def write_record(directory: Path, record: RunRecord) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / RESULTS
    path.write_text(record.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return path


def read_record(path: Path) -> RunRecord:
    """The record of the run in `path` (its folder or its results.json)."""
    results = run_dir(path) / RESULTS
    if not results.is_file():
        raise FileNotFoundError(f"{results} not found: not a run folder")
    return RunRecord.model_validate_json(results.read_text(encoding="utf-8"))


def append_items(directory: Path, suite: str, rows: Iterable[dict[str, Any]]) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    with (directory / ITEMS).open("a", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({"suite": suite, **row}, default=str, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_items(path: Path) -> Iterator[dict[str, Any]]:
    items = run_dir(path) / ITEMS
    if not items.is_file():
        return
    with items.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
