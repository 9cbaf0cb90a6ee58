"""`pakka kb`: build the knowledge index and search it from the command line.

Mounted by api/cli.py as `pakka kb`; it opens its backends from `Settings` like the other sub-commands.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from core.cli_support import console, error_console, exit_on_domain_error, load_settings
from core.errors import PakkaError
from core.settings import Settings
from core.storage.factory import open_store
from knowledge.ingest import build_knowledge_base
from knowledge.search.documents import DocType, SearchFilters, SearchHit, SearchMode
from knowledge.search.service import KnowledgeBase

kb_app = typer.Typer(help="Build and search the knowledge base.", no_args_is_help=True)
SNIPPET_CHARS = 120


@contextmanager
def _knowledge(settings: Settings) -> Iterator[KnowledgeBase]:
    """The configured knowledge base; domain errors end the command with exit code 1."""
    try:
        knowledge = KnowledgeBase.open(settings)
        try:
            yield knowledge
        finally:
            knowledge.close()
    except PakkaError as error:
        raise exit_on_domain_error(error) from error


@kb_app.command("build")
def build(
    tenant: Annotated[
        list[str] | None,
        typer.Option(help="Index this tenant's catalog (repeatable; default PAKKA_DEFAULT_TENANT)."),
    ] = None,
) -> None:
    """Index the curated knowledge and the tenants' catalogs (re-runnable: every write is an upsert)."""
    from knowledge.documents import curated_documents  # the curated data loads only for a build

    settings = load_settings()
    tenants = tenant or [settings.default_tenant]
    with _knowledge(settings) as knowledge:
        store = open_store(settings)
        try:
            report = build_knowledge_base(
                knowledge.backend, knowledge.embedder, store, tenants, curated_documents()
            )
        finally:
            store.close()
    mode = f"embeddings: {report.embedder}" if report.embedder else "lexical-only (no embedding model)"
    console.print(f"indexed {report.curated} curated documents ({mode}) in {report.seconds:.1f} s")
    for tenant_id, count in report.products.items():
        console.print(f"indexed {count} products of tenant [bold]{tenant_id}[/bold]")


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
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as JSON.")] = False,
) -> None:
    """Search the knowledge base; every hit carries the source id to cite."""
    settings = load_settings()
    filters = SearchFilters(
        tenant_id=tenant or settings.default_tenant, category=category, brand=brand, doc_types=doc_type
    )
    with _knowledge(settings) as knowledge:
        if mode is SearchMode.VECTOR and knowledge.embedder is None:
            error_console.print("[red]vector search needs an embedding model[/red] (PAKKA_EMBEDDING_MODEL)")
            raise typer.Exit(code=2)
        hits = knowledge.search(query, filters, k=k, mode=mode)
    if as_json:
        typer.echo(json.dumps([hit.model_dump(mode="json") for hit in hits], ensure_ascii=False, indent=2))
        return
    _print_hits(hits)


def _print_hits(hits: list[SearchHit]) -> None:
    if not hits:
        console.print("no matches")
        return
    table = Table()
    for column in ("#", "source id", "type", "title", "score", "text"):
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
