"""What a suite is: the contract between the eval runner (`pakka eval`) and each suite.

How to write a suite
--------------------
A suite is a module under `evals/suites/` with a module-level `SUITE = Suite(...)`, listed by import path in
`evals/suites/registry.py` (a suite whose module fails to import fails alone, with the error as its reason).

    SUITE = Suite(
        name="pricing",
        description="Price ranges on sold listings: RMSLE, range coverage, interval width.",
        datasets=(Dataset("mercari", "mercari_price/train.tsv"),),        # under PAKKA_SHARED_DATA
        metrics=(
            MetricSpec("rmsle", Direction.LOWER, tolerance=0.02),
            MetricSpec("coverage", Direction.HIGHER, tolerance=0.03),
        ),
        run=run,
    )

    def run(ctx: RunContext) -> SuiteOutcome:
        rows = ctx.limited(load(ctx.path("mercari")))          # --limit / --smoke applied
        for row in ctx.progress(rows, "pricing"):               # rich bar on stderr when it is a terminal
            ...
        return SuiteOutcome(
            metrics=[indexed_metric("rmsle", len(items), rmsle)],     # evals/runner/stats.py: bootstrap CI
                     # a mean of an items.jsonl column names it, so `compare` can pair the two runs' items:
                     # mean_metric("hit@5", hits, per_item=ItemColumn("hit@5", key="query")),
            items=[{"id": ..., "error": ...}],                          # one JSON object per item
            plots=[Plot.histogram("Log errors", {"log error": errors})],
        )

- Datasets are declared once. `root="shared"` (the default) resolves under PAKKA_SHARED_DATA
  (evals/shared_data.py), `root="repo"` under the repository. A missing required one skips the whole suite
  with a reason; the runner records each present one's content hash in results.json.
- `Dataset(..., optional=True, part="ESCI product search")` is one the suite can do without: when it is
  absent the suite still runs, `ctx.has(name)` is False (and `ctx.path(name)` raises), and the runner notes
  which part was skipped and why (`SuiteRecord.skipped_parts`). Name that part's metrics `<dataset>/...`
  so they are not also reported as "declared but not measured". A suite left with nothing to run raises
  `SuiteSkipped("dataset missing: ...")`.
- Every declared metric should come back in `SuiteOutcome.metrics` (a missing one is reported, not a failure);
  `tolerance` is how much worse (absolute, in the metric's own unit) a run may be than its baseline before
  `pakka eval compare` fails. Extra, undeclared values may be returned: they are recorded but never gated.
- `ctx.settings` is pakka's Settings with `--tier` and `--set KEY=VALUE` applied; suites build services from
  it rather than from the environment. `ctx.smoke` asks for a tiny profile (seconds); `ctx.limit` caps items.
- A metric whose value is None (a model-judged metric with no judge, a mean over no items) is shown as
  "not judged: <note>": put the reason in its note. Only one whose note starts "not judged: " (no judge
  to judge it) is never gated; any other value the baseline had and a run lacks fails `compare` as
  "missing".
- Plots are data, not images: the report draws them (so `pakka eval report RUN` can redraw an old run).
- Raise `SuiteSkipped(reason)` from `run` when something the suite needs at run time is absent (a browser,
  a model tier); any other exception marks the suite failed with its message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, Field

from evals.shared_data import REPO_ROOT, shared_data_dir

if TYPE_CHECKING:
    from core.settings import Settings

T = TypeVar("T")


class Direction(StrEnum):
    HIGHER = "higher"
    """Higher is better (AUC, recall, pass rate)."""
    LOWER = "lower"
    """Lower is better (RMSLE, ECE, latency)."""


@dataclass(frozen=True)
class MetricSpec:
    name: str
    direction: Direction
    tolerance: float
    """How much worse than the baseline (absolute, in the metric's unit) still passes the gate."""
    description: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    path: str
    """Relative to PAKKA_SHARED_DATA (root="shared") or the repository (root="repo"); a file or a folder."""
    root: Literal["shared", "repo"] = "shared"
    optional: bool = False
    """The suite runs without it, leaving out `part`."""
    part: str = ""
    """What the suite measures with this dataset (said when an optional one is absent)."""

    def present(self) -> bool:
        return self.resolve().exists()

    def resolve(self) -> Path:
        base = shared_data_dir() if self.root == "shared" else REPO_ROOT
        return base / self.path

    def content_hash(self) -> str:
        """sha256 of the file, or of a folder's files (relative names and bytes, in name order)."""
        target = self.resolve()
        digest = hashlib.sha256()
        files = sorted(p for p in target.rglob("*") if p.is_file()) if target.is_dir() else [target]
        for path in files:
            if target.is_dir():
                digest.update(path.relative_to(target).as_posix().encode() + b"\0")
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        return "sha256:" + digest.hexdigest()


class ItemColumn(BaseModel):
    """Where a mean metric's per-item values are in items.jsonl: `column` of the suite's rows matching
    `where`, each item named by its `key` field. `pakka eval compare` pairs two runs' items by key for the
    delta's interval; a key must name the same item in every run (a query's text, not a row number that
    moves)."""

    column: str
    key: str = "id"
    where: dict[str, Any] = Field(default_factory=dict)


class MetricValue(BaseModel):
    """One measured metric: its value and, where a bootstrap applies, a 95% interval."""

    name: str
    value: float | None
    low: float | None = None
    high: float | None = None
    n: int | None = None
    """Items the value was computed over."""
    note: str = ""
    """e.g. "judged by tier bedrock:..." for model-judged metrics; with `value=None`, why it has none
    ("not judged: ...")."""
    per_item: ItemColumn | None = None
    """For a mean over items: where its per-item values are, so a comparison can pair them."""


class Plot(BaseModel):
    """A plot as data; evals/runner/plots.py draws it with matplotlib.

    - reliability: series "confidence", "observed", "count" (one entry per bin); several curves may be
      given as "<label>:confidence" etc.
    - histogram: each series is a list of values drawn as one histogram (e.g. errors, latencies in ms).
    - bars: `labels` are the categories; each series has one value per label (optional "<series>:low" and
      "<series>:high" entries draw error bars).
    """

    kind: Literal["reliability", "histogram", "bars"]
    title: str
    series: dict[str, list[float]]
    labels: list[str] = Field(default_factory=list)
    xlabel: str = ""
    ylabel: str = ""

    @classmethod
    def histogram(cls, title: str, series: dict[str, list[float]], xlabel: str = "") -> Plot:
        return cls(kind="histogram", title=title, series=series, xlabel=xlabel, ylabel="items")

    @classmethod
    def bars(cls, title: str, labels: list[str], series: dict[str, list[float]], ylabel: str = "") -> Plot:
        return cls(kind="bars", title=title, labels=labels, series=series, ylabel=ylabel)

    @classmethod
    def reliability(cls, title: str, bins: list[tuple[float, float, int]], label: str = "") -> Plot:
        """From `(mean confidence, observed rate, count)` bins (evals/decision/metrics.reliability_bins)."""
        prefix = f"{label}:" if label else ""
        return cls(
            kind="reliability",
            title=title,
            series={
                f"{prefix}confidence": [b[0] for b in bins],
                f"{prefix}observed": [b[1] for b in bins],
                f"{prefix}count": [float(b[2]) for b in bins],
            },
            xlabel="predicted probability",
            ylabel="observed rate",
        )


class SuiteOutcome(BaseModel):
    metrics: list[MetricValue]
    items: list[dict[str, Any]] = Field(default_factory=list)
    """Per-item rows (written to items.jsonl with the suite's name added); JSON-serialisable values."""
    plots: list[Plot] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    """Lines shown under the suite's table (e.g. which metrics were skipped and why)."""


class SuiteSkipped(Exception):
    """Raised from `Suite.run` when something it needs is absent; the message is the reason."""


@dataclass
class RunContext:
    settings: Settings
    tier: str | None = None
    """--tier as given (also applied to settings.model_tiers)."""
    limit: int | None = None
    smoke: bool = False
    seed: int = 0
    overrides: dict[str, str] = field(default_factory=dict)
    """--set KEY=VALUE as given (already in `settings`): a suite with its own default for a setting keeps
    it unless the run overrode it."""
    datasets: dict[str, Path] = field(default_factory=dict)
    show_progress: bool = False
    work_dir: Path | None = None
    """A scratch folder for this suite (a store, a knowledge index); removed after the run."""
    judge_timeout_s: float | None = None
    """--judge-timeout: seconds per call of a model tier judging (ragas); None: settings.model_timeout_s."""

    def path(self, dataset: str) -> Path:
        if dataset not in self.datasets:
            raise LookupError(f"dataset {dataset!r} is absent (an optional one? check ctx.has first)")
        return self.datasets[dataset]

    def has(self, dataset: str) -> bool:
        """Whether the dataset is here (always, for a required one: the suite is skipped without it)."""
        return dataset in self.datasets

    def limited(self, items: list[T], smoke: int = 20) -> list[T]:
        """The first `limit` items; under --smoke at most `smoke` of them."""
        cap = self.limit
        if self.smoke:
            cap = min(cap, smoke) if cap is not None else smoke
        return items if cap is None else items[:cap]

    def cap(self, default: int | None, smoke: int) -> int | None:
        """The item count to use when the suite samples rather than slices: --limit, else `smoke` under
        --smoke, else `default` (None: all)."""
        if self.limit is not None:
            return min(self.limit, smoke) if self.smoke else self.limit
        return smoke if self.smoke else default

    def progress(self, items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        """`items`, with a rich progress bar on stderr when it is a terminal."""
        if not self.show_progress:
            yield from items
            return
        from evals.runner.progress import track

        yield from track(items, description, total)


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    datasets: tuple[Dataset, ...]
    metrics: tuple[MetricSpec, ...]
    run: Callable[[RunContext], SuiteOutcome]

    def spec(self, metric: str) -> MetricSpec | None:
        return next((m for m in self.metrics if m.name == metric), None)

    def missing_datasets(self) -> list[str]:
        """Why the suite cannot run: its absent required datasets (empty when it can run)."""
        return [
            f"{d.name}: {d.resolve()} not found" for d in self.datasets if not d.optional and not d.present()
        ]

    def skipped_parts(self) -> dict[str, str]:
        """Absent optional datasets of a suite that can still run: dataset name -> the part left out, and
        why."""
        if self.missing_datasets():
            return {}
        return {
            d.name: f"{d.part or d.name} skipped: dataset {d.name}: {d.resolve()} not found"
            for d in self.datasets
            if d.optional and not d.present()
        }
