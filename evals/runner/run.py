"""Run suites into a record: datasets checked and hashed, each suite in its own scratch data directory, a
failure or a skip confined to its suite, the per-item rows and the report written next to results.json."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from core.settings import Settings
from evals.runner.records import MetricRecord, RunRecord, SuiteRecord, append_items, write_record
from evals.runner.suite import RunContext, Suite, SuiteOutcome, SuiteSkipped
from evals.shared_data import REPO_ROOT
from evals.suites import registry

DEFAULT_TIER = "rules"
"""Runs are offline and comparable by default; `--tier configured` keeps PAKKA_MODEL_TIERS as configured."""
CONFIGURED = "configured"
VERSIONED = ("ragas", "agentevals", "langgraph", "numpy", "scikit-learn")
EMBEDDED: dict[str, Any] = {
    "store": "sqlite",
    "checkpointer": "sqlite",
    "sqlite_path": None,
    "checkpoint_sqlite_path": None,
    "memory_sqlite_path": None,
    "kb_sqlite_path": None,
    "opensearch_url": None,
    "sites_dir": None,
    "sites_bucket": None,
}
"""Where a suite writes (users, orders, checkpoints, memory, the knowledge index, sites): embedded files in
its own scratch data directory whatever the environment or .env names (a DynamoDB table, a PostgreSQL
checkpointer, an S3 bucket); only `--set` may choose otherwise."""


@dataclass
class RunOptions:
    suites: list[str]
    tier: str = DEFAULT_TIER
    limit: int | None = None
    smoke: bool = False
    seed: int = 0
    overrides: dict[str, str] = field(default_factory=dict)
    out: Path = Path(".pakka/evals/runs")
    show_progress: bool = False
    run_id: str | None = None
    judge_timeout_s: float | None = None


def _git(*args: str, timeout_s: float) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=timeout_s
    ).stdout.strip()


def git_state() -> tuple[str | None, bool | None]:
    """(commit, whether the working tree has changes) of the repository, or (None, None) outside one."""
    try:
        commit = _git("rev-parse", "HEAD", timeout_s=10)
        dirty = _git("status", "--porcelain", "--untracked-files=no", timeout_s=30)
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit or None, bool(dirty)


def suite_settings(options: RunOptions, data_dir: Path) -> Settings:
    """pakka's settings for one suite: environment and .env, a scratch data directory with embedded stores
    (`EMBEDDED`), no demo seeding, the tier, then --set overrides (validated as the settings validate
    them)."""
    values: dict[str, Any] = {"data_dir": data_dir, "seed_demo_data": False, "auth": False, **EMBEDDED}
    if options.tier != CONFIGURED:
        values["model_tiers"] = options.tier
    base = Settings(**values)
    if not options.overrides:
        return base
    unknown = sorted(set(options.overrides) - set(Settings.model_fields))
    if unknown:
        raise ValueError(f"unknown setting(s) {unknown}: --set takes Settings field names (core/settings.py)")
    return Settings(**{**values, **options.overrides})


_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


def masked(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings as recorded: user and password in URLs hidden (SecretStr fields already dump masked)."""
    return {
        key: _CREDENTIALS.sub("***@", value) if isinstance(value, str) else value
        for key, value in settings.items()
    }


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in VERSIONED:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid() % 10000:04d}"


def run_suite(suite: Suite, options: RunOptions, scratch: Path) -> tuple[SuiteRecord, list[dict[str, Any]]]:
    """One suite, never raising: its record and its per-item rows."""
    record = SuiteRecord(name=suite.name, description=suite.description, status="skipped")
    missing = suite.missing_datasets()
    if missing:
        record.reason = "dataset missing: " + "; ".join(missing)
        return record, []
    started = time.perf_counter()
    record.skipped_parts = suite.skipped_parts()
    present = [d for d in suite.datasets if d.name not in record.skipped_parts]
    try:
        record.datasets = {d.name: d.content_hash() for d in present}
        scratch.mkdir(parents=True, exist_ok=True)
        context = RunContext(
            settings=suite_settings(options, scratch / "data"),
            tier=options.tier,
            limit=options.limit,
            smoke=options.smoke,
            seed=options.seed,
            overrides=options.overrides,
            datasets={d.name: d.resolve() for d in present},
            show_progress=options.show_progress,
            work_dir=scratch,
            judge_timeout_s=options.judge_timeout_s,
        )
        outcome: SuiteOutcome = suite.run(context)
    except SuiteSkipped as skipped:
        record.reason = str(skipped)
        record.seconds = time.perf_counter() - started
        return record, []
    except Exception as error:  # noqa: BLE001 - a failing suite is recorded and the others still run
        record.status = "failed"
        record.reason = f"{type(error).__name__}: {error}"
        record.notes = traceback.format_exc().splitlines()[-12:]
        record.seconds = time.perf_counter() - started
        return record, []
    record.status = "passed"
    record.seconds = time.perf_counter() - started
    record.metrics = _with_specs(suite, outcome)
    record.plots = outcome.plots
    record.notes = [*record.skipped_parts.values(), *outcome.notes] + [
        f"declared metric {spec.name!r} not measured"
        for spec in suite.metrics
        if not record.metric(spec.name) and spec.name.split("/")[0] not in record.skipped_parts
    ]
    record.items = len(outcome.items)
    return record, outcome.items


def _with_specs(suite: Suite, outcome: SuiteOutcome) -> list[MetricRecord]:
    records = []
    for value in outcome.metrics:
        spec = suite.spec(value.name)
        records.append(
            MetricRecord(
                **value.model_dump(),
                direction=spec.direction if spec else None,
                tolerance=spec.tolerance if spec else None,
                description=spec.description if spec else "",
            )
        )
    return records


def run(options: RunOptions) -> tuple[RunRecord, Path]:
    """Run `options.suites` (registry names) and write the run's folder; returns the record and the folder."""
    started_at = datetime.now(UTC)
    run_id = options.run_id or new_run_id(started_at)
    directory = options.out / run_id
    settings = suite_settings(options, Path("<scratch>"))  # a bad --set fails before anything is written
    directory.mkdir(parents=True, exist_ok=False)
    commit, dirty = git_state()
    started = time.perf_counter()
    suites: list[SuiteRecord] = []
    scratch_root = Path(tempfile.mkdtemp(prefix="pakka-eval-"))
    try:
        for name in options.suites:
            loaded = registry.load(name)
            if loaded.suite is None:
                suites.append(SuiteRecord(name=name, status="failed", reason=loaded.error or ""))
                continue
            record, items = run_suite(loaded.suite, options, scratch_root / name)
            append_items(directory, name, items)
            suites.append(record)
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)
    record = RunRecord(
        run_id=run_id,
        started_at=started_at.isoformat(timespec="seconds"),
        git_commit=commit,
        git_dirty=dirty,
        tier=options.tier,
        limit=options.limit,
        smoke=options.smoke,
        seed=options.seed,
        overrides=options.overrides,
        judge_timeout_s=options.judge_timeout_s,
        settings=masked(settings.model_dump(mode="json")),
        suites=suites,
        seconds=time.perf_counter() - started,
        versions=_versions(),
    )
    write_record(directory, record)
    return record, directory
