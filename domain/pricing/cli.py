"""`pakka pricing ...`: bulk-load sales history, run the daily consistency job, replay dead letters.

Exposed as the typer sub-app `pricing_app`; api/cli.py mounts it as `pakka pricing`. Settings come from the
PAKKA_* environment (core.settings.Settings), like every other command.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Table

from core.cli_support import (
    console,
    error_console,
    load_settings,
    opened_store,
    print_skip_reasons,
    validate_tenant,
)
from core.records.sales import DeadLetter
from core.settings import Settings
from domain.pricing.consistency import TenantConsistency, check_tenant
from domain.pricing.events import PricingEventService
from domain.pricing.importers import (
    ImportFormat,
    ImportReport,
    Progress,
    count_rows,
    embed_missing,
    import_history,
)
from domain.pricing.worker import REPLAY_LIMIT, ReplayReport, replay_dead_letters
from knowledge.embeddings import build_embedder, bundled_minilm_archive

pricing_app = typer.Typer(help="Sales history for the pricing assistant.", no_args_is_help=True)
dead_letters_app = typer.Typer(help="Events the asynchronous path could not apply.", no_args_is_help=True)
pricing_app.add_typer(dead_letters_app, name="dead-letters")
OUTLIERS_SHOWN = 20


TenantOption = Annotated[
    str | None, typer.Option(callback=validate_tenant, help="Target tenant (default PAKKA_DEFAULT_TENANT).")
]


@pricing_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The history file.")
    ],
    file_format: Annotated[ImportFormat, typer.Option("--format", help="Layout of the file.")],
    tenant: TenantOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Import at most this many rows.")] = None,
    embed: Annotated[
        bool,
        typer.Option(
            "--embed/--no-embed",
            help="Also embed each listing with the configured embedder (slow on a CPU: tens of listings per "
            "second; comparables use lexical similarity without it; `pakka pricing embed` does it later).",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object, and no progress bar.")
    ] = False,
) -> None:
    """Load a Mercari or thredUP file as listed + sold events, with a progress bar on stderr (when it is a
    terminal and --json is not given), then print what was loaded, skipped and how fast."""
    settings = load_settings()
    tenant_id = tenant or settings.default_tenant
    embedder = build_embedder(settings) if embed else None
    try:
        with opened_store(settings) as store, _import_progress(file, file_format, limit, as_json) as progress:
            report = import_history(
                store, file, file_format, tenant_id, embedder=embedder, limit=limit, progress=progress
            )
    except ValueError as error:
        error_console.print(f"[red]cannot import:[/red] {escape(str(error))}")
        raise typer.Exit(code=1) from error
    if as_json:
        typer.echo(json.dumps({"tenant": tenant_id, "format": file_format.value} | report.as_dict()))
        return
    _print_import(report, file_format, tenant_id)


@contextlib.contextmanager
def _import_progress(
    file: Path, file_format: ImportFormat, limit: int | None, quiet: bool
) -> Iterator[Progress | None]:
    """A rich progress bar on stderr over the file's rows, or None when quiet or stderr is not a terminal."""
    if quiet or not error_console.is_terminal:
        yield None
        return
    total = count_rows(file, file_format)
    with _bar("importing", file.name, min(total, limit) if limit else total, "rows") as progress:
        yield progress


@contextlib.contextmanager
def _bar(verb: str, what: str, total: int, unit: str) -> Iterator[Progress | None]:
    """A transient rich progress bar on stderr (None when stderr is not a terminal)."""
    if not error_console.is_terminal:
        yield None
        return
    bar = RichProgress(
        TextColumn(f"[bold]{verb}[/bold] {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=error_console,
        transient=True,
    )
    with bar:
        task = bar.add_task(what, total=total)
        yield lambda done: bar.update(task, completed=done)


def _print_import(report: ImportReport, file_format: ImportFormat, tenant_id: str) -> None:
    console.print(
        f"{file_format.value} import into tenant [bold]{tenant_id}[/bold]: read {report.read}, "
        f"imported {report.imported}, embedded {report.embedded}, skipped {report.skipped} "
        f"in {report.seconds:.1f} s ({report.per_second:,.0f} sales/s)"
    )
    print_skip_reasons(report.reasons)


@pricing_app.command("embed")
def embed_command(tenant: TenantOption = None) -> None:
    """Embed the sold listings that have no vector yet (an import leaves them for later) with the configured
    embedder, in batches, with a progress bar on stderr when it is a terminal."""
    settings = load_settings()
    tenant_id = tenant or settings.default_tenant
    embedder = build_embedder(settings)
    if embedder is None:
        error_console.print(
            "[red]no embedding model is configured or installed[/red] (PAKKA_EMBEDDING_MODEL)"
        )
        raise typer.Exit(code=1)
    with opened_store(settings) as store:
        total = store.sales.count_sold(tenant_id)
        with _bar("embedding", tenant_id, total, "listings") as progress:
            embedded, missing = embed_missing(store, tenant_id, embedder, progress=progress)
    console.print(
        f"tenant [bold]{tenant_id}[/bold]: embedded {embedded} of {missing} listings without a vector"
    )


@pricing_app.command("validate")
def validate_command(
    tenant: Annotated[
        str | None, typer.Option(callback=validate_tenant, help="Check one tenant (default: every tenant).")
    ] = None,
) -> None:
    """The daily consistency job: counts, embedding integrity, price outliers. Exits 1 on an inconsistency."""
    settings = load_settings()
    expected = embeddings_expected(settings)
    with opened_store(settings) as store:
        tenant_ids = [tenant] if tenant else [known.id for known in store.tenants.list()]
        results = [
            check_tenant(store.sales, tenant_id, embeddings_expected=expected) for tenant_id in tenant_ids
        ]
    for result in results:
        _print_consistency(result)
    if not all(result.consistent for result in results):
        raise typer.Exit(code=1)


def embeddings_expected(settings: Settings) -> bool:
    """Whether listings should have vectors: an embedding model is configured (and, for the local one,
    installed; without it nothing can be embedded and search is lexical by design)."""
    if settings.embedding_model == "none":
        return False
    return settings.embedding_model == "bedrock" or bundled_minilm_archive() is not None


def _print_consistency(result: TenantConsistency) -> None:
    verdict = "[green]consistent[/green]" if result.consistent else "[red]INCONSISTENT[/red]"
    summary = Table(title=f"tenant {result.tenant_id}: {verdict}")
    summary.add_column("check")
    summary.add_column("value", justify="right")
    for status, count in result.listings.items():
        summary.add_row(f"listings {status.value}", str(count))
    embeddings = result.embeddings
    rows = [
        ("sold items", result.sold_items),
        ("sold listings without a sold item", result.sold_items_missing),
        ("embeddings", embeddings.vectors),
        (
            "listings without an embedding"
            + (" (a model is configured)" if result.embeddings_expected else " (no model configured)"),
            embeddings.missing,
        ),
        ("embeddings of no listing", len(embeddings.orphans)),
        ("embeddings of the wrong length", len(embeddings.wrong_length)),
        ("embeddings with non-finite values", len(embeddings.not_finite)),
        ("embeddings not of unit norm", len(embeddings.not_unit_norm)),
        ("price outliers", len(result.outliers)),
    ]
    for name, value in rows:
        summary.add_row(name, str(value))
    console.print(summary)
    if result.outliers:
        outliers = Table(title=f"price outliers (first {OUTLIERS_SHOWN})")
        for column in ("listing", "category", "price", "category median", "robust z"):
            outliers.add_column(column)
        for outlier in result.outliers[:OUTLIERS_SHOWN]:
            outliers.add_row(
                outlier.listing_id,
                escape(outlier.category),
                f"{outlier.price} {outlier.currency}",
                f"{outlier.group_median:.2f}",
                f"{outlier.robust_z:+.2f}",
            )
        console.print(outliers)


@dead_letters_app.command("list")
def dead_letters_list_command(
    tenant: TenantOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 100,
) -> None:
    """The tenant's dead letters, newest first: when, which event, and why it was not applied."""
    settings = load_settings()
    tenant_id = tenant or settings.default_tenant
    with opened_store(settings) as store:
        letters = store.sales.list_dead_letters(tenant_id, limit=limit)
    if not letters:
        console.print(f"tenant [bold]{tenant_id}[/bold]: no dead letters")
        return
    table = Table(title=f"dead letters of tenant {tenant_id}, newest first")
    for column in ("failed at", "letter", "event", "type", "listing", "error", "reason"):
        table.add_column(column, overflow="fold")
    for letter in letters:
        table.add_row(
            f"{letter.failed_at:%Y-%m-%d %H:%M:%S}",
            letter.id,
            escape(letter.event_id or "-"),
            *(escape(str(letter.payload.get(key, "-"))) for key in ("type", "listing_id")),
            letter.error_code,
            escape(letter.reason),
        )
    console.print(table)


@dead_letters_app.command("replay")
def dead_letters_replay_command(
    event_id: Annotated[str | None, typer.Option("--event-id", help="Replay this event's letters.")] = None,
    replay_all: Annotated[bool, typer.Option("--all", help="Replay every letter of the tenant.")] = False,
    tenant: TenantOption = None,
    embed: Annotated[
        bool, typer.Option("--embed/--no-embed", help="Embed replayed listings with the configured embedder.")
    ] = True,
) -> None:
    """Validate and apply dead-lettered events again. An event that now applies (or was applied since) loses
    its letter; one that fails again keeps it, with the new error. Exits 1 when any still fails."""
    if (event_id is not None) == replay_all:
        error_console.print("[red]name one event with --event-id ID, or replay every letter with --all[/red]")
        raise typer.Exit(code=2)
    settings = load_settings()
    tenant_id = tenant or settings.default_tenant
    embedder = build_embedder(settings) if embed else None
    with opened_store(settings) as store:
        letters = store.sales.list_dead_letters(tenant_id, limit=REPLAY_LIMIT)
        if event_id is not None:
            letters = [letter for letter in letters if letter.event_id == event_id]
            if not letters:
                error_console.print(
                    f"[red]tenant {tenant_id} has no dead letter for event {escape(event_id)}[/red]"
                )
                raise typer.Exit(code=1)
        service = PricingEventService(store.sales, embedder=embedder)
        report = replay_dead_letters(service, store.sales, letters)
    _print_replay(report, tenant_id, more=len(letters) == REPLAY_LIMIT)
    if report.failed:
        raise typer.Exit(code=1)


def _print_replay(report: ReplayReport, tenant_id: str, *, more: bool) -> None:
    table = Table(
        title=f"replay for tenant {tenant_id}: {len(report.replayed)} applied, {len(report.failed)} kept"
    )
    for column in ("letter", "event", "result", "reason"):
        table.add_column(column, overflow="fold")

    def row(letter: DeadLetter, result: str, reason: str) -> None:
        table.add_row(letter.id, escape(letter.event_id or "-"), result, escape(reason))

    for letter in report.replayed:
        row(letter, "[green]applied[/green]", "letter removed")
    for letter in report.failed:
        row(letter, f"[red]{letter.error_code}[/red]", letter.reason)
    console.print(table)
    if more:
        console.print(f"only the newest {REPLAY_LIMIT} letters were read; run the replay again for the rest")
