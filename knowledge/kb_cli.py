"""`pakka kb`: build the knowledge index and search it from the command line.

Mounted by api/cli.py as `pakka kb`; it opens its backends from `Settings` like the other sub-commands. The
search stack and the store load inside the commands, so `pakka --help` does not pay for them.

A search never answers from an index that lacks what it is asked about: when the index has never been built,
or holds fewer of the tenant's products than the store, `search` indexes what is missing first (saying so on
stderr), unless `--no-build`, which instead exits 1 with the command to run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from core.cli_support import (
    console,
    error_console,
    exit_on_domain_error,
    id_column,
    load_settings,
    print_error,
    print_summary,
    progress_bar,
)
from core.errors import PakkaError
from knowledge.cli import chart_import
from knowledge.search.documents import DocType, SearchMode

if TYPE_CHECKING:
    from core.settings import Settings
    from core.storage.repositories import Store
    from knowledge.search.documents import SearchHit
    from knowledge.search.service import KnowledgeBase

kb_app = typer.Typer(help="Build and search the knowledge base.", no_args_is_help=True)
kb_app.command("import-chart")(chart_import)
SNIPPET_CHARS = 120
BUILD_COMMAND = "pakka kb build"


@contextmanager
def _knowledge(settings: Settings, *, as_json: bool = False, embed: bool = True) -> Iterator[KnowledgeBase]:
    """The configured knowledge base (without its embedder when `embed` is off: a lexical search does not
    load the model); domain errors end the command with exit code 1."""
    from knowledge.search.factory import open_search_backend
    from knowledge.search.service import KnowledgeBase

    try:
        if embed:
            knowledge = KnowledgeBase.open(settings)
        else:
            knowledge = KnowledgeBase(backend=open_search_backend(settings), embedder=None)
        try:
            yield knowledge
        finally:
            knowledge.close()
    except PakkaError as error:
        raise exit_on_domain_error(error, as_json=as_json) from error


@contextmanager
def _store(settings: Settings) -> Iterator[Store]:
    from core.storage.factory import open_store

    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


@kb_app.command("build")
def build(
    tenant: Annotated[
        list[str] | None,
        typer.Option(
            help="Index only this tenant's catalog (repeatable; default: every tenant in the store)."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON; no progress bar.")
    ] = False,
) -> None:
    """Index the curated knowledge and every tenant's catalog (re-runnable: every write is an upsert)."""
    from knowledge.documents import curated_documents  # the curated data loads only for a build
    from knowledge.ingest import build_knowledge_base, catalog_task, curated_task

    settings = load_settings()
    with _knowledge(settings, as_json=as_json) as knowledge, _store(settings) as store:
        tenants = tenant or [record.id for record in store.tenants.list()]
        curated = curated_documents()
        totals = {curated_task(): len(curated)} | {
            catalog_task(tenant_id): store.products.count(tenant_id) for tenant_id in tenants
        }
        with progress_bar(totals, "docs", quiet=as_json) as progress:
            report = build_knowledge_base(
                knowledge.backend, knowledge.embedder, store, tenants, curated, progress=progress.bar
            )
            for task in totals:
                progress.finish(task)
    mode = f"embeddings: {report.embedder}" if report.embedder else "lexical-only (no embedding model)"
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "curated": report.curated,
                    "products": report.products,
                    "embedder": report.embedder,
                    "seconds": round(report.seconds, 2),
                    "index": str(settings.kb_sqlite_file) if not settings.opensearch_url else "opensearch",
                }
            )
        )
        return
    print_summary(f"knowledge index built in {report.seconds:.1f} s ({mode})", progress)
    console.print(f"indexed {report.curated} curated documents ({mode}) in {report.seconds:.1f} s")
    for tenant_id, count in report.products.items():
        console.print(f"indexed {count} products of tenant [bold]{tenant_id}[/bold]")
    if not tenants:
        console.print("the store has no tenant yet: no catalog indexed (`pakka db init` seeds the demo one)")


@kb_app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="What to look for, e.g. 'does Sprintara run small'.")],
    category: Annotated[str | None, typer.Option(help="footwear, apparel, skincare, home...")] = None,
    brand: Annotated[str | None, typer.Option(help="Only documents about this brand.")] = None,
    doc_type: Annotated[
        list[DocType] | None, typer.Option("--type", help="Document types (repeatable).")
    ] = None,
    mode: Annotated[SearchMode, typer.Option(help="lexical, vector or hybrid.")] = SearchMode.HYBRID,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many results.")] = 5,
    tenant: Annotated[str | None, typer.Option(help="Tenant (default PAKKA_DEFAULT_TENANT).")] = None,
    build_missing: Annotated[
        bool,
        typer.Option(
            "--build/--no-build",
            help="Index what the index lacks before searching (default), or stop and say what to run.",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as JSON.")] = False,
) -> None:
    """Search the knowledge base; every hit carries the source id to cite."""
    from knowledge.search.documents import SearchFilters

    settings = load_settings()
    tenant_id = tenant or settings.default_tenant
    filters = SearchFilters(tenant_id=tenant_id, category=category, brand=brand, doc_types=doc_type)
    # A lexical search needs no embedding model, unless the index lacks documents: they get their vectors.
    embed = mode is not SearchMode.LEXICAL or _lacks_anything(settings, tenant_id)
    with _knowledge(settings, as_json=as_json, embed=embed) as knowledge:
        if mode is SearchMode.VECTOR and knowledge.embedder is None:
            print_error(
                "INVALID_INPUT",
                "vector search needs an embedding model",
                ["set PAKKA_EMBEDDING_MODEL=local (the bundled MiniLM) or bedrock, or use --mode lexical"],
                as_json=as_json,
            )
            raise typer.Exit(code=2)
        _index_what_is_missing(settings, knowledge, tenant_id, build=build_missing, as_json=as_json)
        hits = knowledge.search(query, filters, k=k, mode=mode)
    if as_json:
        typer.echo(json.dumps([hit.model_dump(mode="json") for hit in hits], ensure_ascii=False, indent=2))
        return
    _print_hits(hits)


def _lacks_anything(settings: Settings, tenant_id: str) -> bool:
    with _knowledge(settings, embed=False) as knowledge, _store(settings) as store:
        curated, products, _ = _missing(knowledge, store, tenant_id)
        return curated or products > 0


def _missing(knowledge: KnowledgeBase, store: Store, tenant_id: str) -> tuple[bool, int, int]:
    """(the curated knowledge is missing, how many of the tenant's products are missing, how many it has)."""
    from knowledge.search.documents import GLOBAL_TENANT

    in_store = store.products.count(tenant_id) if store.tenants.get(tenant_id) else 0
    missing_curated = knowledge.backend.count(GLOBAL_TENANT) == 0
    return missing_curated, max(0, in_store - knowledge.backend.count(tenant_id)), in_store


def _index_what_is_missing(
    settings: Settings, knowledge: KnowledgeBase, tenant_id: str, *, build: bool, as_json: bool
) -> None:
    """Index the curated knowledge when the index has none, and the tenant's catalog when the index holds
    fewer of its products than the store; or, with `build` off, exit 1 saying what to run."""
    with _store(settings) as store:
        missing_curated, missing_products, in_store = _missing(knowledge, store, tenant_id)
        if not missing_curated and not missing_products:
            return
        where = "OpenSearch" if settings.opensearch_url else str(settings.kb_sqlite_file)
        lacks = [
            *(["the curated knowledge (never built)"] if missing_curated else []),
            *(
                [f"{missing_products} of tenant {tenant_id}'s {in_store} products"]
                if missing_products
                else []
            ),
        ]
        if not build:
            print_error(
                "INDEX_NOT_BUILT",
                f"the knowledge index ({where}) lacks {' and '.join(lacks)}",
                [f"run `{BUILD_COMMAND}` (or start the API: it indexes what is missing), then search again"],
                as_json=as_json,
            )
            raise typer.Exit(code=1)
        error_console.print(
            f"[yellow]the knowledge index ({escape(where)}) lacks {escape(' and '.join(lacks))}: "
            f"indexing it now (once; `{BUILD_COMMAND}` does it ahead)[/yellow]"
        )
        _sync(knowledge, store, tenant_id, in_store, missing_curated, quiet=as_json)


def _sync(
    knowledge: KnowledgeBase, store: Store, tenant_id: str, in_store: int, curated: bool, *, quiet: bool
) -> None:
    """Index the curated documents (when `curated`) and the tenant's catalog (when it has products)."""
    from knowledge.documents import curated_documents
    from knowledge.ingest import catalog_task, curated_task, index_documents, ingest_tenant_products

    docs = curated_documents() if curated else []
    totals = ({curated_task(): len(docs)} if curated else {}) | (
        {catalog_task(tenant_id): in_store} if in_store else {}
    )
    with progress_bar(totals, "docs", quiet=quiet) as progress:
        if curated:
            index_documents(knowledge.backend, knowledge.embedder, docs, advance=progress.bar(curated_task()))
        if in_store:
            ingest_tenant_products(
                knowledge.backend,
                knowledge.embedder,
                store,
                tenant_id,
                advance=progress.bar(catalog_task(tenant_id)),
            )


def _print_hits(hits: list[SearchHit]) -> None:
    if not hits:
        console.print("no matches")
        return
    table = Table()
    table.add_column("#")
    id_column(table, "source id")
    for column in ("type", "title", "score", "text"):
        table.add_column(column)
    for rank, hit in enumerate(hits, start=1):
        snippet = hit.doc.text if len(hit.doc.text) <= SNIPPET_CHARS else hit.doc.text[:SNIPPET_CHARS] + "..."
        table.add_row(
            str(rank),
            hit.doc.id,
            hit.doc.doc_type.value,
            escape(hit.doc.title),
            f"{hit.score:.4f}",
            escape(snippet),
        )
    console.print(table)
