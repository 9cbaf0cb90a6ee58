"""What every `pakka` sub-command shares: consoles, settings loading, the opened store, the tenant option,
errors for people, progress bars and tables that keep ids whole.

Sub-apps live next to what they drive (api/, agents/, knowledge/, domain/pricing/); they all report bad
settings and domain errors the same way through these helpers. This module is imported by every command,
`pakka --help` included, so it imports only typer and rich at load time: settings, logging and the stores
are imported by the helpers that use them.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.errors import PakkaError

if TYPE_CHECKING:
    from core.settings import Settings
    from core.storage.repositories import Store

TENANT_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
"""core.schemas.TENANT_PATTERN, repeated so that the CLI starts without pydantic (a test keeps them equal)."""
PIPE_WIDTH = 100_000
"""Console width when stdout is not a terminal: tables are as wide as their content, ids never cut."""


def _console(*, stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, width=None if stream.isatty() else PIPE_WIDTH)


console = _console()
error_console = _console(stderr=True)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment with `overrides` on top; a readable message and exit 2 when invalid."""
    from pydantic import ValidationError

    from core.logging import configure_logging
    from core.settings import Settings

    try:
        settings = Settings(**{name: value for name, value in overrides.items() if value is not None})
    except ValidationError as exc:
        error_console.print(f"[red]invalid settings:[/red] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    configure_logging(settings)
    return settings


def print_error(
    code: str,
    message: str,
    problems: Sequence[str] = (),
    *,
    as_json: bool = False,
    details: Mapping[str, Any] | None = None,
) -> None:
    """An error on stderr: for people by default (the message, then one line per problem), or one JSON
    object `{"error": {code, message, problems, details}}` under --json."""
    if as_json:
        error = {"code": code, "message": message, "problems": list(problems), "details": dict(details or {})}
        typer.echo(json.dumps({"error": error}, ensure_ascii=False, default=str), err=True)
        return
    error_console.print(f"[red]error:[/red] {escape(message)} [dim]({code})[/dim]")
    for problem in problems:
        error_console.print(f"  - {escape(problem)}")
    for name, value in (details or {}).items():
        error_console.print(f"  {escape(str(name))}: {escape(str(value))}")


def exit_on_domain_error(error: PakkaError, *, as_json: bool = False) -> typer.Exit:
    """Print a domain error with its code and details; the caller raises the returned exit (code 1)."""
    details = dict(error.details)
    problems = [str(problem) for problem in details.pop("problems", [])]
    print_error(error.code, error.message, problems, as_json=as_json, details=details)
    return typer.Exit(code=1)


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """The configured store (created or migrated), closed on exit. A domain error raised while it is open,
    a store outage included, is printed with its code and details and ends the command with exit code 1."""
    from core.storage.factory import open_store

    try:
        store = open_store(settings)
        try:
            yield store
        finally:
            store.close()
    except PakkaError as error:
        raise exit_on_domain_error(error) from error


def validate_tenant(value: str | None) -> str | None:
    """Typer callback for tenant options."""
    if value is not None and not re.fullmatch(TENANT_PATTERN, value):
        raise typer.BadParameter(f"must match {TENANT_PATTERN}")
    return value


def print_skip_reasons(reasons: Mapping[str, int]) -> None:
    """The table of rows an import skipped, most frequent reason first; nothing when none were skipped."""
    if not reasons:
        return
    table = Table(title="skipped rows")
    table.add_column("reason")
    table.add_column("rows", justify="right")
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        table.add_row(escape(reason), str(count))
    console.print(table)


def id_column(table: Table, header: str) -> None:
    """A column of ids: folded onto a second line in a narrow terminal, never cut short with an ellipsis."""
    table.add_column(header, overflow="fold", no_wrap=False)


Advance = Callable[[int], None]
"""Called with how many more items are done."""


@contextmanager
def progress_bar(tasks: Mapping[str, int | None], unit: str, *, quiet: bool = False) -> Iterator[Progress]:
    """Rich progress bars on stderr, one per task (name -> total, None when unknown): counts, rate, elapsed
    and remaining time. Off (nothing drawn, counts still kept) under --json (`quiet`) or when stderr is not a
    terminal."""
    progress = Progress(tasks, unit, draw=not quiet and error_console.is_terminal)
    with progress.drawing():
        yield progress


class Progress:
    """Counts per task and how long each took; `bar(task)` is the callback that advances one."""

    def __init__(self, tasks: Mapping[str, int | None], unit: str, *, draw: bool) -> None:
        self.totals = dict(tasks)
        self.unit = unit
        self.done = dict.fromkeys(tasks, 0)
        self.seconds = dict.fromkeys(tasks, 0.0)
        self._started: dict[str, float] = {}
        self._draw = draw
        self._bars: Any = None
        self._ids: dict[str, Any] = {}

    @contextmanager
    def drawing(self) -> Iterator[None]:
        if not self._draw:
            yield
            return
        from rich import progress as rich_progress

        self._bars = rich_progress.Progress(
            rich_progress.TextColumn("[bold]{task.description}[/bold]"),
            rich_progress.BarColumn(),
            rich_progress.MofNCompleteColumn(),
            rich_progress.TextColumn(self.unit),
            rich_progress.TaskProgressColumn(),
            rich_progress.TextColumn("{task.fields[rate]}"),
            rich_progress.TimeElapsedColumn(),
            rich_progress.TimeRemainingColumn(),
            console=error_console,
        )
        with self._bars:
            for name, total in self.totals.items():
                self._ids[name] = self._bars.add_task(name, total=total, rate="", start=False)
            yield

    def bar(self, task: str) -> Advance:
        def advance(count: int) -> None:
            now = time.perf_counter()
            started = self._started.setdefault(task, now)
            self.done[task] += count
            self.seconds[task] = now - started
            if self._bars is not None:
                self._bars.start_task(self._ids[task])
                self._bars.update(self._ids[task], completed=self.done[task], rate=self.rate_text(task))

        return advance

    def start(self, task: str) -> None:
        """Mark `task` as started now (so its rate counts from here, not from its first batch)."""
        self._started[task] = time.perf_counter()
        if self._bars is not None:
            self._bars.start_task(self._ids[task])

    def finish(self, task: str) -> None:
        """The task is done: its bar shows it complete (its time is that of its last advance)."""
        if self._bars is not None:
            total = self.totals[task]
            self._bars.update(self._ids[task], total=total if total is not None else self.done[task])

    def rate(self, task: str) -> float | None:
        seconds = self.seconds[task]
        return self.done[task] / seconds if seconds > 0 else None

    def rate_text(self, task: str) -> str:
        rate = self.rate(task)
        return f"{rate:,.0f} {self.unit}/s" if rate is not None else ""


def print_summary(title: str, progress: Progress, columns: Sequence[str] = ("task",)) -> None:
    """The closing table of a long command: per task, how many, how long and how fast."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    table.add_column(progress.unit, justify="right")
    table.add_column("seconds", justify="right")
    table.add_column(f"{progress.unit}/s", justify="right")
    for task, done in progress.done.items():
        rate = progress.rate(task)
        table.add_row(
            escape(task), f"{done:,}", f"{progress.seconds[task]:.1f}", f"{rate:,.0f}" if rate else "-"
        )
    console.print(table)
