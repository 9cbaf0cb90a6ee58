"""The `pakka` command: run the API, prepare the store, import catalogs.

Settings come from PAKKA_* environment variables and `.env` (core.settings.Settings); flags override them.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli_lazy import LazySubcommand, lazy_group
from core.cli_support import (
    console,
    error_console,
    load_settings,
    opened_store,
    print_skip_reasons,
    print_summary,
    progress_bar,
    validate_tenant,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

    from core.settings import Settings

DEFAULT_STOCK_UNITS = 20
"""core.catalog.defaults.DEFAULT_UNITS, repeated: `pakka --help` loads no schema (a test keeps them equal)."""

# Sub-apps by name: each is imported only when a command line names it (api/cli_lazy.py), so `pakka --help`
# and the light commands do not pay for the router, the search stack or the pricing engine.
SUBCOMMANDS = {
    "models": LazySubcommand("agents.cli:models_app", "Inspect and try the model router."),
    "size": LazySubcommand("knowledge.cli:size_app", "Size recommendations from measurements."),
    "kb": LazySubcommand("knowledge.kb_cli:kb_app", "Build and search the knowledge base."),
    "pricing": LazySubcommand("domain.pricing.cli:pricing_app", "Sales history for the pricing assistant."),
    "sites": LazySubcommand("api.sites_cli:sites_app", "Generate store websites for small businesses."),
    "demo": LazySubcommand(
        "api.demo_cli:demo_app",
        "A walk through pakka: sign in, consent, scan, recommend, order.",
    ),
    "samples": LazySubcommand(
        "api.demo_cli:samples_app",
        "Copy the sample photos (a foot on A4, a body) to scan them yourself.",
    ),
    "chat": LazySubcommand("api.chat_cli:chat_app", "Talk to the shopping assistant in the terminal."),
    "auth": LazySubcommand("api.auth_cli:auth_app", "Operator tokens, merchants' API keys and roles."),
    "eval": LazySubcommand(
        "evals.cli:eval_app", "Offline eval runs: suites, records, reports and regression gates."
    ),
}

app = typer.Typer(
    help="pakka: the decision engine for Indian e-commerce.",
    no_args_is_help=True,
    cls=lazy_group(SUBCOMMANDS),
)
db_app = typer.Typer(help="Create and migrate the configured store.", no_args_is_help=True)
catalog_app = typer.Typer(help="Load product catalogs into a tenant.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")


class CatalogFormat(StrEnum):
    FLIPKART = "flipkart"


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default PAKKA_HOST).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default PAKKA_PORT).")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=32, help="API processes sharing the port (README: 'More than one API process')."
        ),
    ] = 1,
) -> None:
    """Run the HTTP API; an empty store gets the demo catalog on first start (PAKKA_SEED_DEMO_DATA)."""
    import uvicorn

    settings = load_settings(host=host, port=port)
    if workers > 1:
        prepare_shared_files(settings)
        # Each worker process builds its own app (worker_app), so only the import path crosses over.
        uvicorn.run(
            "api.cli:worker_app",
            factory=True,
            workers=workers,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
        )
        return
    uvicorn.run(
        worker_app(settings), host=settings.host, port=settings.port, log_config=None, access_log=False
    )


def prepare_shared_files(settings: Settings) -> None:
    """What several API processes starting at the same moment would otherwise race for, done once in a child
    process (so this supervising one stays small): the store created or migrated and the demo catalog
    seeded, the graphs' checkpointer and long-term store set up (LangGraph's SQLite store migrates without a
    lock: "duplicate column name"), and the knowledge index synced (a process that loaded it while another
    was still writing would search without the curated guides)."""
    import multiprocessing

    child = multiprocessing.get_context("spawn").Process(target=_prepare_shared_files, name="pakka-prepare")
    child.start()
    child.join()
    if child.exitcode != 0:
        error_console.print(f"[red]preparing the data directory failed (exit code {child.exitcode})[/red]")
        raise typer.Exit(code=1)


def _prepare_shared_files() -> None:
    import asyncio
    import logging
    import threading

    from core.checkpointers import open_async_persistence
    from graphs.demo import seed_demo
    from graphs.services import Services

    settings = load_settings()
    services = Services.open(settings)
    try:
        if settings.seed_demo_data:
            seed_demo(services.store, settings.default_tenant)

        async def migrate_persistence() -> None:
            """Opening runs the checkpointer's and store's migrations (setup), which are not safe to race."""
            async with open_async_persistence(settings) as persistence:
                del persistence

        asyncio.run(migrate_persistence())
        try:
            services.load_knowledge(threading.Event())
        except Exception:  # as in one process: the API serves without it (each worker tries again)
            logging.getLogger("pakka.api").exception("knowledge base unavailable")
    finally:
        services.close()


def worker_app(settings: Settings | None = None) -> FastAPI:
    """The API of one `pakka serve` process: settings (and logging) from the environment unless given."""
    from core.native_output import python_stderr_logged, route_native_stderr

    route_native_stderr()  # MediaPipe's C++ warnings become log lines instead of interleaving with them
    with python_stderr_logged():
        from api.app import create_app

    return create_app(settings or load_settings())


@app.command("graphs")
def graphs(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The registered graphs (graphs/registry.py, served by the API and `langgraph dev`)."""
    from rich.table import Table

    from graphs.summary import stored_summary  # the registry's summary: no graph is built to list them

    rows = stored_summary()
    if as_json:
        typer.echo(json.dumps({"graphs": rows}, indent=2))
        return
    table = Table("graph", "threads", "input", "what it does")
    for row in rows:
        table.add_row(
            row["graph"], "yes" if row["keeps_threads"] else "no", ", ".join(row["input"]), row["description"]
        )
    console.print(table)


@db_app.command("init")
def db_init(
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Seed the demo catalog (default tenant).")
    ] = True,
) -> None:
    """Create or migrate the store's tables (idempotent), then seed the demo catalog unless --no-demo."""
    from graphs.demo import seed_demo

    settings = load_settings()
    with opened_store(settings) as store:
        seeded = demo and seed_demo(store, settings.default_tenant)
    console.print(f"store [bold]{settings.store}[/bold] is ready")
    if seeded:
        console.print(f"seeded the demo catalog into tenant [bold]{settings.default_tenant}[/bold]")
    elif demo:
        console.print(
            f"tenant [bold]{settings.default_tenant}[/bold] already exists; demo data left as it was"
        )


@catalog_app.command("import")
def catalog_import(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The catalog file.")
    ],
    file_format: Annotated[CatalogFormat, typer.Option("--format", help="Layout of the file.")],
    tenant: Annotated[
        str | None,
        typer.Option(callback=validate_tenant, help="Target tenant (default PAKKA_DEFAULT_TENANT)."),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Import at most this many rows.")] = None,
    stock: Annotated[
        int,
        typer.Option(
            min=0,
            help="Units of each size in each --regions region, where a size has no stock there yet "
            "(0: import without stock; products without stock can be found but not ordered).",
        ),
    ] = DEFAULT_STOCK_UNITS,
    regions: Annotated[
        str | None,
        typer.Option(help="Comma-separated regions for the default stock (default: the eight metros)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON; no progress bar.")
    ] = False,
) -> None:
    """Import a catalog file into a tenant and print what was imported and what was skipped, and why.

    Products whose row names no size get the one size "One Size", and every size gets --stock units in each
    metro (or --regions) where it has no stock yet, so imported products can be put in a cart and ordered;
    both are marked in the summary. A running API indexes the new products for search on its own."""
    from core.catalog.defaults import ImportDefaults, metro_regions
    from core.catalog.flipkart import count_rows, import_flipkart
    from core.catalog.regions import is_serviceable

    chosen = [region.strip() for region in regions.split(",")] if regions else metro_regions()
    unknown = [region for region in chosen if not is_serviceable(region)]
    if unknown:
        raise typer.BadParameter(f"not a serviceable region: {', '.join(unknown)}", param_hint="--regions")
    settings = load_settings()
    tenant_id = tenant or settings.default_tenant
    task = f"{file.name} -> {tenant_id}"
    total = None if as_json or not error_console.is_terminal else count_rows(file)
    with (
        opened_store(settings) as store,
        progress_bar(
            {task: min(total, limit) if total and limit else total}, "rows", quiet=as_json
        ) as progress,
    ):
        progress.start(task)
        report = import_flipkart(
            store,
            file,
            tenant_id,
            limit=limit,
            defaults=ImportDefaults(units=stock, regions=chosen),
            progress=progress.bar(task),
        )
        progress.finish(task)
    if as_json:
        typer.echo(json.dumps({"tenant": tenant_id, "format": file_format.value} | report.model_dump()))
        return
    console.print(
        f"{file_format.value} import into tenant [bold]{tenant_id}[/bold]: "
        f"read {report.read}, imported {report.imported}, skipped {report.skipped}"
    )
    print_summary("catalog import", progress)
    if report.sizes_assumed or report.stock_rows_added:
        console.print(
            f'assumed: {report.sizes_assumed} products had no size and got "One Size"; '
            f"{report.stock_rows_added} stock rows of {stock} units added in {', '.join(chosen)}"
        )
    print_skip_reasons(report.reasons)
