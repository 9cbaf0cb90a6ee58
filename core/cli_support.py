"""What every `pakka` sub-command shares: consoles, settings loading, the opened store, the tenant option.

Sub-apps live next to what they drive (api/, agents/, knowledge/, domain/pricing/); they all report bad
settings and domain errors the same way through these helpers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.errors import PakkaError
from core.logging import configure_logging
from core.schemas import TENANT_PATTERN
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store

console = Console()
error_console = Console(stderr=True)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment with `overrides` on top; a readable message and exit 2 when invalid."""
    try:
        settings = Settings(**{name: value for name, value in overrides.items() if value is not None})
    except ValidationError as exc:
        error_console.print(f"[red]invalid settings:[/red] {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    configure_logging(settings)
    return settings


def exit_on_domain_error(error: PakkaError) -> typer.Exit:
    """Print a domain error with its code and details; the caller raises the returned exit (code 1)."""
    error_console.print(f"[red]{error.code}:[/red] {escape(error.message)}")
    if error.details:
        error_console.print(error.details)
    return typer.Exit(code=1)


@contextmanager
def opened_store(settings: Settings) -> Iterator[Store]:
    """The configured store (created or migrated), closed on exit. A domain error raised while it is open,
    a store outage included, is printed with its code and details and ends the command with exit code 1."""
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
