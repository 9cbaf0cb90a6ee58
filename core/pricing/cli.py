"""`pakka pricing ...`: bulk-load sales history and run the daily consistency job.

Exposed as the typer sub-app `pricing_app`; api/cli.py mounts it as `pakka pricing`. Settings come from the
PAKKA_* environment (core.settings.Settings), like every other command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from core.cli_support import (
    console,
    error_console,
    load_settings,
    opened_store,
    print_skip_reasons,
    validate_tenant,
)
from core.pricing.consistency import TenantConsistency, check_tenant
from core.pricing.importers import ImportFormat, ImportReport, import_history
from knowledge.embeddings import build_embedder

pricing_app = typer.Typer(help="Sales history for the pricing assistant.", no_args_is_help=True)
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
        bool, typer.Option("--embed/--no-embed", help="Embed listings with the configured embedder.")
    ] = True,
) -> None:
    """Load a Mercari or thredUP file as listed + sold events and print what was loaded and skipped."""
    settings = load_settings()
    tenant_id = tenant or settings.default_tenant
    embedder = build_embedder(settings) if embed else None
    try:
        with opened_store(settings) as store:
            report = import_history(store, file, file_format, tenant_id, embedder=embedder, limit=limit)
    except ValueError as error:
        error_console.print(f"[red]cannot import:[/red] {escape(str(error))}")
        raise typer.Exit(code=1) from error
    _print_import(report, file_format, tenant_id)


def _print_import(report: ImportReport, file_format: ImportFormat, tenant_id: str) -> None:
    console.print(
        f"{file_format.value} import into tenant [bold]{tenant_id}[/bold]: read {report.read}, "
        f"imported {report.imported}, embedded {report.embedded}, skipped {report.skipped}"
    )
    print_skip_reasons(report.reasons)


@pricing_app.command("validate")
def validate_command(
    tenant: Annotated[
        str | None, typer.Option(callback=validate_tenant, help="Check one tenant (default: every tenant).")
    ] = None,
) -> None:
    """The daily consistency job: counts, embedding integrity, price outliers. Exits 1 on an inconsistency."""
    settings = load_settings()
    with opened_store(settings) as store:
        tenant_ids = [tenant] if tenant else [known.id for known in store.tenants.list()]
        results = [check_tenant(store.sales, tenant_id) for tenant_id in tenant_ids]
    for result in results:
        _print_consistency(result)
    if not all(result.consistent for result in results):
        raise typer.Exit(code=1)


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
        ("listings without an embedding", embeddings.missing),
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
