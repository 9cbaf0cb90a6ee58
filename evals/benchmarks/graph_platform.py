"""Graph platform benchmark: what LangGraph and the SSE stream cost on top of the decision graph's own work.

Run: `python -m evals.benchmarks.graph_platform [--runs 200] [--products 60]`. One run, one process, the
stored-attributes footwear path (rules tier, embedded SQLite in a temporary directory), timed four ways:

1. direct: the six node functions called in order on one state dict (no LangGraph);
2. graph: `graph.ainvoke` (LangGraph's channels, steps and checkpoint-free run);
3. stream in process: `api.streaming.run_events` over the same graph, every SSE event encoded;
4. HTTP stream: POST /v1/recommendations/stream against the API under uvicorn on loopback, read to `done`.

Prints p50/p95 per way and the ratios to direct (target graph/direct <= 1.3), then the streaming overhead per
event: (stream in process - graph) / events per run. Never fails on a time: machines here are noisy, so
compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from langgraph.runtime import Runtime

from api.streaming import run_events
from core.context import AppContext
from core.identity.tokens import bearer_headers
from core.privacy import BIOMETRIC, ScanKind, record_consent, store_attributes
from core.settings import Settings
from evals.benchmarks.decision import seed_footwear, serving
from graphs import decision
from graphs.registry import GRAPHS
from graphs.services import Services

USER = "u-bench"
REQUEST = {"user_id": USER, "category": "footwear", "region": "mumbai"}
FOOT = {"length_mm": 262.0, "width_mm": 99.0, "length_sigma_mm": 1.3, "width_sigma_mm": 1.5}
NODES = [
    decision.scan,
    decision.retrieve,
    decision.candidates,
    decision.score,
    decision.filter_,
    decision.explain,
]


async def direct(context: AppContext) -> dict[str, Any]:
    """The nodes in order, each update merged into one state, as the graph would (without LangGraph)."""
    runtime = Runtime(context=context, stream_writer=lambda _: None)
    state: dict[str, Any] = dict(REQUEST)
    for node in NODES:
        update = node(state, runtime)  # type: ignore[arg-type]
        if inspect.isawaitable(update):
            update = await update
        state.update(update)
    return state


async def through_graph(context: AppContext) -> dict[str, Any]:
    state: dict[str, Any] = await decision.graph.ainvoke(REQUEST, context=context)
    return state


async def streamed(context: AppContext) -> int:
    """One run through the SSE module, every event encoded as it would be sent; returns the event count."""
    count = 0
    async for event in run_events(GRAPHS["decision"], decision.graph, REQUEST, context=context):
        event.encode()
        count += 1
    return count


async def time_runs(runs: int, call: Callable[[], Awaitable[Any]]) -> list[float]:
    await call()  # warm caches (chart fits, compiled schemas) before timing
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


def http_stream_times(base_url: str, runs: int, headers: dict[str, str]) -> list[float]:
    samples = []
    with httpx.Client(base_url=base_url, timeout=30, headers=headers) as http:
        for index in range(runs + 1):
            started = time.perf_counter()
            with http.stream("POST", "/v1/recommendations/stream", json=REQUEST) as response:
                response.raise_for_status()
                for _ in response.iter_lines():
                    pass
            if index:
                samples.append(time.perf_counter() - started)
    return samples


def p(samples: list[float], quantile: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(quantile * len(ordered)) - 1)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--products", type=int, default=60)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(
            data_dir=Path(directory),
            seed_demo_data=False,
            model_tiers=["rules"],
            rate_limits_enabled=False,
            decision_cache_mb=0,  # the graph itself, not answers kept for repeats
            _env_file=None,
        )
        with serving(settings, args.port) as (base_url, store):
            seed_footwear(store, settings.default_tenant, args.products, seed=7)
            services = Services.build(settings, store)
            tenant = settings.default_tenant
            record_consent(store, tenant, USER, BIOMETRIC, granted=True, pseudonyms=services.pseudonyms)
            store_attributes(store, tenant, USER, ScanKind.FOOT, FOOT)
            context = AppContext(services=services, tenant_id=tenant, user_id=USER)
            events_per_run = asyncio.run(streamed(context))

            async def in_process() -> dict[str, list[float]]:
                return {
                    "direct (nodes in order)": await time_runs(args.runs, lambda: direct(context)),
                    "graph (ainvoke)": await time_runs(args.runs, lambda: through_graph(context)),
                    "SSE stream, in process": await time_runs(args.runs, lambda: streamed(context)),
                }

            results = asyncio.run(in_process())
            results["SSE stream over HTTP"] = http_stream_times(
                base_url, args.runs, bearer_headers(settings, tenant, USER)
            )
    base = statistics.median(results["direct (nodes in order)"])
    print(f"decision graph, stored foot, rules tier, {args.products} shoes, {args.runs} runs each")
    print(f"{'way':<28}{'p50 ms':>10}{'p95 ms':>10}{'x direct':>10}")
    for name, samples in results.items():
        ratio = statistics.median(samples) / base
        print(f"{name:<28}{p(samples, 0.5):>10.2f}{p(samples, 0.95):>10.2f}{ratio:>10.2f}")
    overhead = statistics.median(results["SSE stream, in process"]) - statistics.median(
        results["graph (ainvoke)"]
    )
    per_event_us = overhead / events_per_run * 1e6
    print(f"events per run: {events_per_run}; streaming overhead per event: {per_event_us:.0f} us")


if __name__ == "__main__":
    main()
