"""The `pakka` command: run the API, prepare the store, import catalogs.

Settings come from PAKKA_* environment variables and `.env` (core.settings.Settings); flags override them.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from api.cli_lazy import LazySubcommand, lazy_group
from core.cli_support import console, load_settings, opened_store, print_skip_reasons, validate_tenant

# Sub-apps by name: each is imported only when a command line names it (api/cli_lazy.py), so `pakka --help`
# and the light commands do not pay for the router, the search stack or the pricing engine.
SUBCOMMANDS = {
    "models": LazySubcommand("agents.cli:models_app", "Inspect and try the model router."),
    "size": LazySubcommand("knowledge.cli:size_app", "Size recommendations from measurements."),
    "kb": LazySubcommand("knowledge.kb_cli:kb_app", "Build and search the knowledge base."),
    "pricing": LazySubcommand("domain.pricing.cli:pricing_app", "Sales history for the pricing assistant."),
    "sites": LazySubcommand("api.sites_cli:sites_app", "Generate store websites for small businesses."),
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
) -> None:
    """Run the HTTP API; an empty store gets the demo catalog on first start (PAKKA_SEED_DEMO_DATA)."""
    import uvicorn

    from api.app import create_app

    settings = load_settings(host=host, port=port)
    uvicorn.run(
        create_app(settings), host=settings.host, port=settings.port, log_config=None, access_log=False
    )


@app.command("graphs")
def graphs(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The registered graphs (graphs/registry.py, served by the API and `langgraph dev`)."""
    from rich.table import Table

    from graphs.registry import GRAPHS

    rows = [
        {
            "graph": spec.name,
            "keeps_threads": spec.keeps_threads,
            "input": sorted(spec.graph.get_input_jsonschema().get("properties", {})),
            "description": spec.description,
        }
        for spec in GRAPHS.values()
    ]
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
    from core.catalog.demo import seed_demo_data

    settings = load_settings()
    with opened_store(settings) as store:
        seeded = demo and seed_demo_data(store, settings.default_tenant)
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
) -> None:
    """Import a catalog file into a tenant and print what was imported and what was skipped, and why."""
    from core.catalog.flipkart import import_flipkart

    settings = load_settings()
    tenant_id = tenant or settings.default_tenant
    with opened_store(settings) as store:
        report = import_flipkart(store, file, tenant_id, limit=limit)
    console.print(
        f"{file_format.value} import into tenant [bold]{tenant_id}[/bold]: "
        f"read {report.read}, imported {report.imported}, skipped {report.skipped}"
    )
    print_skip_reasons(report.reasons)
