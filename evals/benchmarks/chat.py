"""Shopping chat benchmark with the rule-based tier: turn latency and time to first token, then load.

Run: `python -m evals.benchmarks.chat [--conversations 30] [--threads 20] [--seconds 30] [--port 8767]`.

1. Turn latency, server side: scripted conversations run in process through the API's own event stream
   (`api.streaming.run_events` over the chat graph with the SQLite checkpointer and long-term store, the demo
   catalog), timed from the start of a run to its `done` event; time to first token is to the first `token`
   event (or the `message` of a reply that streamed none). p50/p95 per kind of turn and over all turns.
2. Load: `pakka serve` in its own process (rules tier, SQLite, PAKKA_AUTH=off), and `--threads` concurrent
   chat threads each looping the same conversation (search, refine, add, order, approve) for `--seconds`
   seconds over HTTP. Reports turns per second, p50/p95 turn latency as the client sees it, and every error:
   an HTTP status other than 200, an `error` event, or a stream without `done`. Stock is topped up first, so
   orders never fail for want of it.

Never fails on a time (machines here are noisy); it exits non-zero only when the load test saw an error."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from langgraph.types import Command

from api.streaming import run_events
from core.catalog.demo import seed_demo_data
from core.schemas import ProductQuery
from core.settings import Settings
from graphs.context import GraphContext
from graphs.registry import GRAPHS
from graphs.services import Services
from graphs.threads import config

CONVERSATION: list[tuple[str, str]] = [
    ("search", "running shoes under 3000 size 9"),
    ("refine", "only black ones"),
    ("details", "tell me more about the first one"),
    ("add", "add the first one to my cart"),
    ("cart", "show my cart"),
    ("knowledge", "is niacinamide ok for oily skin?"),
    ("recommend", "what size should I buy?"),
    ("order", "place the order"),
]
LOAD_CONVERSATION = ["running shoes under 3000 size 9", "add the first one", "place the order"]
REGION = "mumbai"
STOCK_UNITS = 1_000_000


def p(samples: list[float], quantile: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(quantile * len(ordered)) - 1)] * 1000 if ordered else float("nan")


@dataclass
class Turns:
    latency: dict[str, list[float]] = field(default_factory=dict)
    first_token: list[float] = field(default_factory=list)

    def add(self, kind: str, seconds: float, first: float | None) -> None:
        self.latency.setdefault(kind, []).append(seconds)
        if first is not None:
            self.first_token.append(first)


async def timed_run(
    services: Services, record: Any, payload: Any
) -> tuple[float, float | None, dict[str, Any]]:
    spec = GRAPHS["chat"]
    graph = services.running_threads().graph(spec)
    context = GraphContext(services=services, tenant_id=record.tenant_id, user_id=record.user_id)
    started = time.perf_counter()
    first: float | None = None
    interrupt: dict[str, Any] = {}
    async for event in run_events(spec, graph, payload, context=context, config=config(record)):
        if first is None and event.event in ("token", "message"):
            first = time.perf_counter() - started
        if event.event == "interrupt":
            interrupt = json.loads(event.data)
        if event.event == "error":
            raise RuntimeError(event.data)
    return time.perf_counter() - started, first, interrupt


async def server_side(settings: Settings, conversations: int) -> Turns:
    turns = Turns()
    async with Services.running(
        settings, before_start=lambda s: seed_demo_data(s.store, settings.default_tenant)
    ) as services:
        await asyncio.to_thread(services.knowledge_loaded.wait, 300)
        threads = services.running_threads()
        for index in range(conversations + 1):  # the first one warms caches and is not counted
            record = await threads.create(GRAPHS["chat"], settings.default_tenant, f"bench-{index}")
            for position, (kind, text) in enumerate(CONVERSATION):
                payload = {"message": text, **({"region": REGION} if position == 0 else {})}
                seconds, first, interrupt = await timed_run(services, record, payload)
                if index:
                    turns.add(kind, seconds, first)
                if interrupt:
                    command = Command(resume={interrupt["id"]: {"decisions": [{"type": "approve"}]}})
                    seconds, first, _ = await timed_run(services, record, command)
                    if index:
                        turns.add("approve", seconds, first)
    return turns


# -- load over HTTP ------------------------------------------------------------------------------------------


@dataclass
class Load:
    latency: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    orders: int = 0


async def stream(
    http: httpx.AsyncClient, path: str, body: dict[str, Any], load: Load
) -> list[tuple[str, Any]]:
    started = time.perf_counter()
    events: list[tuple[str, Any]] = []
    async with http.stream("POST", path, json=body) as response:
        if response.status_code != 200:
            load.errors.append(f"{path}: HTTP {response.status_code} {(await response.aread())[:200]!r}")
            return events
        name = None
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and name:
                events.append((name, json.loads(line.split(":", 1)[1])))
    load.latency.append(time.perf_counter() - started)
    names = [event for event, _ in events]
    if "error" in names or not names or names[-1] != "done":
        load.errors.append(f"{path}: {events[-3:]}")
    return events


async def shopper(base_url: str, user: str, deadline: float, load: Load) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
        while time.monotonic() < deadline:
            created = await http.post("/v1/threads", json={"graph": "chat", "user_id": user})
            if created.status_code != 201:
                load.errors.append(f"create: HTTP {created.status_code}")
                return
            thread = created.json()["thread_id"]
            for position, text in enumerate(LOAD_CONVERSATION):
                body = {
                    "input": {"message": text, **({"region": REGION} if position == 0 else {})},
                    "user_id": user,
                }
                events = await stream(http, f"/v1/threads/{thread}/runs/stream", body, load)
                asked = [data for name, data in events if name == "interrupt"]
                if asked:
                    answer = {
                        "interrupt_id": asked[0]["id"],
                        "decisions": [{"type": "approve"}],
                        "user_id": user,
                    }
                    done = await stream(http, f"/v1/threads/{thread}/resume/stream", answer, load)
                    load.orders += any(name == "tool_result" and data["ok"] for name, data in done)


def top_up_stock(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir, seed_demo_data=False, model_tiers=["rules"], _env_file=None)
    services = Services.open(settings)
    try:
        seed_demo_data(services.store, settings.default_tenant)
        tenant = settings.default_tenant
        rows = [
            record.model_copy(update={"available": STOCK_UNITS})
            for product in services.store.products.search(
                tenant, ProductQuery(category="footwear", page_size=100)
            ).items
            for record in services.store.inventory.list_for_product(tenant, product.id)
        ]
        services.store.inventory.put_many(rows)
    finally:
        services.close()


def load_test(threads: int, seconds: float, port: int) -> Load:
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        top_up_stock(data_dir)
        env = {
            **os.environ,
            "PAKKA_DATA_DIR": str(data_dir),
            "PAKKA_MODEL_TIERS": "rules",
            "PAKKA_AUTH": "off",
            "PAKKA_EMBEDDING_MODEL": "none",
            "PAKKA_LOG_LEVEL": "WARNING",
            "PAKKA_SEED_DEMO_DATA": "false",
        }
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "pakka"), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base_url, server)
            load = Load()

            async def everyone() -> None:
                deadline = time.monotonic() + seconds
                await asyncio.gather(
                    *(shopper(base_url, f"load-{index}", deadline, load) for index in range(threads))
                )

            asyncio.run(everyone())
            return load
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_for(base_url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise RuntimeError("the API did not start")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the API did not answer /health")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=30)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(
            data_dir=Path(directory),
            seed_demo_data=False,
            model_tiers=["rules"],
            embedding_model="none",
            _env_file=None,
        )
        turns = asyncio.run(server_side(settings, args.conversations))
    every = [seconds for samples in turns.latency.values() for seconds in samples]
    print(f"chat, rules tier, server side: {args.conversations} conversations of {len(CONVERSATION)} turns")
    print(f"{'turn':<12}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}")
    for kind, samples in turns.latency.items():
        print(f"{kind:<12}{len(samples):>5}{p(samples, 0.5):>10.1f}{p(samples, 0.95):>10.1f}")
    print(f"{'all turns':<12}{len(every):>5}{p(every, 0.5):>10.1f}{p(every, 0.95):>10.1f}")
    ttft = turns.first_token
    print(f"{'first token':<12}{len(ttft):>5}{p(ttft, 0.5):>10.1f}{p(ttft, 0.95):>10.1f}")
    load = load_test(args.threads, args.seconds, args.port)
    rate = len(load.latency) / args.seconds
    p50, p95 = p(load.latency, 0.5), p(load.latency, 0.95)
    print(
        f"\nload: {args.threads} threads for {args.seconds:.0f} s over HTTP: {len(load.latency)} turns "
        f"({rate:.1f}/s), {load.orders} orders, p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
        f"errors: {len(load.errors)}"
    )
    for error in load.errors[:10]:
        print(f"  {error}")
    if load.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
