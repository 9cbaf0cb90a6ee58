"""`pakka chat`: the shopping chat in the terminal, against the configured services (store, model tiers,
checkpointer, long-term memory), in process.

The reply streams as it is written; tool calls show as dim lines; an order or cancellation waits for a y/n
answer (the graph's confirmation interrupt). `/photo PATH [foot|face|body]` attaches a photo to the next
message (it is read into memory for that one run, never stored); `/new` starts a new thread; `/quit` ends.
The conversation is a thread like the API's: `--thread ID` goes back to one."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.prompt import Confirm, InvalidResponse, Prompt

from core.cli_support import console, load_settings

chat_app = typer.Typer(help="Talk to the shopping assistant in the terminal.")
HELP = "Talk to the shopping assistant in the terminal."
QUIT = ("/quit", "/exit", "/q")


class YesOrNo(Confirm):
    """rich's y/n question that also takes the words people type: yes, no, haan, nahi, हाँ, नहीं."""

    YES = ("y", "yes", "yeah", "yep", "ok", "okay", "sure", "haan", "han", "ji", "हाँ", "हां", "जी")
    NO = ("n", "no", "nope", "nahi", "nahin", "na", "mat", "नहीं", "ना")
    validate_error_message = "[prompt.invalid]Please answer yes or no (y/n, haan/nahi)"

    def process_response(self, value: str) -> bool:
        word = value.strip().casefold()
        if word in self.YES:
            return True
        if word in self.NO:
            return False
        raise InvalidResponse(self.validate_error_message)


@chat_app.command()
def chat(
    user: Annotated[str, typer.Option(help="The shopper to chat as.")] = "cli-shopper",
    region: Annotated[str | None, typer.Option(help="Where to deliver (a city or region).")] = None,
    thread: Annotated[str | None, typer.Option(help="Go back to this thread.")] = None,
    tenant: Annotated[str | None, typer.Option(help="Tenant (default PAKKA_DEFAULT_TENANT).")] = None,
) -> None:
    """Talk to the shopping assistant in the terminal."""
    settings = load_settings()
    asyncio.run(_session(settings, user, region, thread, tenant or settings.default_tenant))


async def _session(settings: Any, user: str, region: str | None, thread_id: str | None, tenant: str) -> None:
    from core.catalog.demo import seed_demo_data
    from graphs.registry import GRAPHS
    from graphs.services import Services

    def seed(services: Services) -> None:
        if settings.seed_demo_data:
            seed_demo_data(services.store, settings.default_tenant)

    spec = GRAPHS["chat"]
    async with Services.running(settings, before_start=seed) as services:
        threads = services.running_threads()
        record = await threads.get(tenant, user, thread_id) if thread_id else None
        if thread_id and record is None:
            console.print(f"[red]no thread {escape(thread_id)} for {escape(user)}[/red]")
            raise typer.Exit(code=1)
        record = record or await threads.create(spec, tenant, user)
        console.print(f"[dim]thread {record.thread_id} (/photo PATH, /new, /quit)[/dim]")
        session = ChatSession(services, spec, record, tenant, user)
        first = True
        while True:
            text = (await asyncio.to_thread(Prompt.ask, "[bold]you[/bold]")).strip()
            if text in QUIT:
                return
            if text == "/new":
                session.record = await threads.create(spec, tenant, user)
                console.print(f"[dim]thread {session.record.thread_id}[/dim]")
                continue
            if text.startswith("/photo"):
                session.attach(text)
                continue
            if not text and session.photo is None:
                continue
            payload: dict[str, Any] = {"message": text}
            if first and region:
                payload["region"] = region
            first = False
            await session.turn(payload)


class ChatSession:
    def __init__(self, services: Any, spec: Any, record: Any, tenant: str, user: str) -> None:
        self.services = services
        self.spec = spec
        self.record = record
        self.tenant = tenant
        self.user = user
        self.photo: tuple[bytes, str] | None = None

    def attach(self, command: str) -> None:
        parts = command.split()
        if len(parts) < 2:
            console.print("[yellow]/photo PATH [foot|face|body][/yellow]")
            return
        path = Path(parts[1]).expanduser()
        if not path.is_file():
            console.print(f"[red]no such file: {escape(str(path))}[/red]")
            return
        self.photo = (path.read_bytes(), parts[2] if len(parts) > 2 else "foot")
        console.print(f"[dim]{self.photo[1]} photo attached to your next message[/dim]")

    async def turn(self, payload: Any) -> None:
        from langgraph.types import Command

        from core.context import Attachment

        attachment = None
        if self.photo is not None:
            attachment = Attachment(data=self.photo[0], kind=self.photo[1])
            self.photo = None
        pending = await self.run(payload, attachment)
        while pending is not None:
            decisions = []
            for request in pending["action_requests"]:
                console.print(f"[bold yellow]{escape(request['description'])}[/bold yellow]")
                approved = await asyncio.to_thread(YesOrNo.ask, "Go ahead?", default=False)
                decisions.append({"type": "approve"} if approved else {"type": "reject"})
            pending = await self.run(Command(resume={pending["id"]: {"decisions": decisions}}), None)

    async def run(self, payload: Any, attachment: Any) -> dict[str, Any] | None:
        """One run, printed as it streams; the confirmation it stopped at, if any."""
        from api.streaming import run_events
        from graphs.context import GraphContext
        from graphs.threads import config

        context = GraphContext(
            services=self.services, tenant_id=self.tenant, user_id=self.user, attachment=attachment
        )
        graph = self.services.running_threads().graph(self.spec)
        pending = None
        streamed = False
        async for event in run_events(self.spec, graph, payload, context=context, config=config(self.record)):
            data = json.loads(event.data) if event.data else {}
            if event.event == "token":
                if not streamed:
                    console.print("[bold]pakka[/bold]: ", end="")
                    streamed = True
                console.print(escape(data["text"]), end="", soft_wrap=True)
            elif event.event == "tool_call":
                console.print(
                    f"[dim]  -> {data['name']} {escape(json.dumps(data['args'], ensure_ascii=False))}[/dim]"
                )
            elif event.event == "message":
                if not streamed:
                    console.print(f"[bold]pakka[/bold]: {escape(data['content'])}")
                else:
                    console.print()
                streamed = False
            elif event.event == "interrupt":
                pending = data
            elif event.event == "error":
                console.print(f"[red]{escape(data['code'])}: {escape(data['message'])}[/red]")
        return pending
