"""`pakka sites generate`: the site-generation wizard from the command line, with a progress display.

    pakka sites generate "Sharma Kirana, fresh vegetables in Indore, delivery in 2 hours" [--language hi]
        [--out DIR] [--publish] [--yes]

Runs the `sitegen` graph on the configured store and model tiers. The sector question and the review are
asked at the prompt (approve, a new name, or a note for another proposal); `--yes` (or no terminal) approves
the proposal as it is. `--out` copies the generated files (pages, stylesheet, images, screenshots) to a
folder; `--publish` makes the draft a store on pakka and prints its tenant."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.memory import InMemoryStore
from langgraph.types import Command
from rich.markup import escape

from core.cli_support import console, exit_on_domain_error, load_settings
from core.errors import PakkaError
from graphs.context import GraphContext
from graphs.registry import GRAPHS
from graphs.services import Services
from graphs.sitegen import publish_site

sites_app = typer.Typer(help="Generate store websites for small businesses.", no_args_is_help=True)


@sites_app.callback()
def sites() -> None:
    """Generate store websites for small businesses (the `sitegen` graph)."""


STEPS = {
    "detect_sector": "sector detected",
    "ask_sector": "sector chosen",
    "spec": "spec proposed",
    "review": "spec reviewed",
    "pages": "pages written",
    "images": "images drawn",
    "assemble": "site assembled",
    "validate": "validated (html-validate, axe-core, links, INR, weight, screenshots)",
    "save_draft": "draft stored",
    "publish": "published",
}


@sites_app.command("generate")
def generate(
    description: Annotated[str, typer.Argument(help="The business in the owner's words (en, hi, Hinglish).")],
    language: Annotated[str | None, typer.Option("--language", help="en, hi or hinglish.")] = None,
    business_name: Annotated[str | None, typer.Option("--name", help="The business name.")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    city: Annotated[str | None, typer.Option("--city")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Copy the site's files to this folder.")] = None,
    publish: Annotated[bool, typer.Option("--publish", help="Publish the draft as a pakka store.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Approve the proposal without asking.")] = False,
    owner: Annotated[
        str, typer.Option("--owner", help="The owner's user id (becomes the merchant).")
    ] = "owner",
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="The tenant asking (default: configured).")
    ] = None,
) -> None:
    """Describe a business; get a validated store website (and, with --publish, a store on pakka)."""
    settings = load_settings()
    request: dict[str, Any] = {"description": description, "auto_approve": yes or not sys.stdin.isatty()}
    for key, value in (
        ("language", language),
        ("business_name", business_name),
        ("phone", phone),
        ("city", city),
    ):
        if value is not None:
            request[key] = value
    services = Services.open(settings)
    try:
        values = asyncio.run(_run(services, request, tenant or settings.default_tenant, owner))
        result = values.get("result")
        if result is None or result["status"] not in ("DRAFT", "PUBLISHED"):
            console.print(f"[yellow]no site: {escape(result['message'] if result else 'stopped')}[/yellow]")
            raise typer.Exit(1)
        if publish:
            context = GraphContext(
                services=services, tenant_id=tenant or settings.default_tenant, user_id=owner
            )
            record = publish_site(context, result["site_id"])
            console.print(f"[green]published[/green] as tenant [bold]{record.tenant_id}[/bold]")
        _report(services, values, result["site_id"], out)
    except PakkaError as error:
        raise exit_on_domain_error(error) from error
    finally:
        services.close()


async def _run(services: Services, request: dict[str, Any], tenant_id: str, owner: str) -> dict[str, Any]:
    graph = GRAPHS["sitegen"].with_persistence(InMemorySaver(), InMemoryStore())
    context = GraphContext(services=services, tenant_id=tenant_id, user_id=owner)
    config = {"configurable": {"thread_id": f"cli-{time.time_ns()}"}}
    payload: Any = request
    started = time.perf_counter()
    while True:
        async for update in graph.astream(payload, config=config, context=context, stream_mode="updates"):
            for node in update:
                if node in STEPS:
                    console.print(f"[dim]{time.perf_counter() - started:6.1f}s[/dim] {STEPS[node]}")
        state = await graph.aget_state(config)
        if not state.interrupts:
            return dict(state.values)
        question = state.interrupts[0]
        payload = Command(resume={question.id: {"decisions": [_ask(question.value)]}})


def _ask(question: dict[str, Any]) -> dict[str, Any]:
    action = question["action_requests"][0]
    console.print(f"\n[bold]{escape(action['description'])}[/bold]")
    if action["name"] == "choose_sector":
        answer = typer.prompt("sector", default=action["args"]["sector"])
        return {"type": "edit", "args": {"sector": answer.strip()}}
    choice = typer.prompt("approve [a], rename [n], or reject with a note [r]", default="a").strip().lower()
    if choice.startswith("n"):
        return {"type": "edit", "args": {"business_name": typer.prompt("business name").strip()}}
    if choice.startswith("r"):
        return {"type": "reject", "message": typer.prompt("what should change?").strip()}
    return {"type": "approve"}


def _report(services: Services, values: dict[str, Any], site_id: str, out: Path | None) -> None:
    report = values.get("validation") or {}
    spec = values.get("spec") or {}
    console.print(
        f"\n[bold]{escape(spec.get('business_name', ''))}[/bold] ({values.get('sector')}, "
        f"{spec.get('language')}): {len(spec.get('products', []))} products, site {site_id}"
    )
    verdict = "[green]passed[/green]" if report.get("passed") else "[red]did not pass[/red]"
    console.print(
        f"validation {verdict}: {report.get('conformance_errors', 0)} html-validate errors, "
        f"{report.get('axe_serious_or_critical', 0)} serious/critical axe findings, "
        f"{report.get('static_errors', 0)} other errors, "
        f"{report.get('pages_checked', 0)} pages in the browser"
    )
    for skipped in report.get("skipped", []):
        console.print(f"[yellow]not checked:[/yellow] {escape(skipped)}")
    if out is not None:
        for path in services.sites.list(site_id):
            body = services.sites.read(site_id, path)
            if body is not None:
                target = out / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(body)
        console.print(f"files in {out} (open {out / 'index.html'})")
    console.print(f"served by `pakka serve` at /sites/{site_id}/")
