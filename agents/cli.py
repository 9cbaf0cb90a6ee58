"""`pakka models ...`: see the router's tiers and send one prompt through it.

A typer sub-app; api/cli.py mounts it with `app.add_typer(models_app, name="models")`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from core.cli_support import console, error_console

if TYPE_CHECKING:
    from agents.router import ModelRouter
    from core.settings import Settings

models_app = typer.Typer(help="Inspect and try the model router.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
TiersOption = Annotated[
    str | None, typer.Option("--tiers", help="Override PAKKA_MODEL_TIERS, e.g. 'llamacpp:/m.gguf,rules'.")
]


def _settings(tiers: str | None) -> Settings:
    from pydantic import ValidationError

    from core.settings import Settings

    try:
        return Settings(model_tiers=tiers.split(",")) if tiers else Settings()
    except (ValidationError, ValueError) as error:
        error_console.print(f"[red]invalid model settings:[/red] {error}")
        raise typer.Exit(code=2) from error


def _router(tiers: str | None) -> ModelRouter:
    from agents.router import build_router

    try:
        return build_router(_settings(tiers))
    except ValueError as error:
        error_console.print(f"[red]invalid model settings:[/red] {error}")
        raise typer.Exit(code=2) from error


@models_app.command("status")
def status(as_json: JsonFlag = False, tiers: TiersOption = None) -> None:
    """List the tiers in order with their state: available, no credentials, breaker open..."""
    from agents.router.status import configured_status

    try:
        rows = configured_status(_settings(tiers))
    except ValueError as error:  # a tier list that does not parse
        error_console.print(f"[red]invalid model settings:[/red] {error}")
        raise typer.Exit(code=2) from error
    if as_json:
        typer.echo(json.dumps({"tiers": rows}, indent=2))
        return
    table = Table("tier", "state", "breaker", "failures")
    for row in rows:
        table.add_row(row["tier"], row["state"], row["breaker"], str(row["consecutive_failures"]))
    console.print(table)


def invocation_summary(message: Any) -> dict[str, Any]:
    """The fields `pakka models invoke --json` prints, from the routed answer's record."""
    record = message.response_metadata["pakka"]
    return {
        "tier": record["tier"],
        "text": message.text,
        "attempts": [
            {"tier": attempt["tier"], "error": attempt["error"], "latency_ms": attempt["latency_ms"]}
            for attempt in record["attempts"]
        ],
        "latency_ms": record["latency_ms"],
        "cost_usd": record["cost_usd"],
        "input_tokens": record["input_tokens"],
        "output_tokens": record["output_tokens"],
    }


@models_app.command("invoke")
def invoke(
    prompt: Annotated[str, typer.Argument(help="The message to send.")],
    as_json: JsonFlag = False,
    tiers: TiersOption = None,
) -> None:
    """Send PROMPT through the router and show which tier answered, the attempts, latency and cost."""
    from agents.router import AllTiersFailed

    router = _router(tiers)
    try:
        message = router.invoke(prompt)
    except AllTiersFailed as error:
        if as_json:
            typer.echo(json.dumps({"error": {"code": error.code, "message": error.message, **error.details}}))
        else:
            error_console.print(f"[red]{error.code}:[/red] {error.message}")
        raise typer.Exit(code=1) from error
    summary = invocation_summary(message)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    console.print(summary["text"])
    table = Table("tier", "error", "latency ms")
    for attempt in summary["attempts"]:
        table.add_row(attempt["tier"], attempt["error"] or "answered", f"{attempt['latency_ms']:.1f}")
    console.print(table)
    console.print(
        f"answered by {summary['tier']} in {summary['latency_ms']:.1f} ms, cost ${summary['cost_usd']:.6f}"
    )
