"""Decision benchmark: photo -> recommendations over HTTP, and recommendations from stored attributes.

Run: `python -m evals.benchmarks.decision [--photos 30] [--stored 200] [--products 60]`. Starts the API under
uvicorn on loopback (embedded SQLite in a temporary directory, rules tier), seeds a footwear catalog over the
curated brands, then times (1) a 1920x1080 rendered foot photo uploaded to POST /v1/scan/foot followed by
POST /v1/recommendations, and (2) POST /v1/recommendations alone, from the stored measurements. Prints
p50/p95/max of wall time and the p50 of the process's CPU time per request (server and client share the
process; on a busy shared machine the CPU time is the number that compares between runs); never fails on
a time (targets: 400 ms and 30 ms p95). Then, in process and without HTTP, the stored path's time per graph
node: from one `updates` event of `graph.astream` to the next, so each node's share includes LangGraph's
own step overhead.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import httpx
import uvicorn

from api.app import create_app
from core.context import AppContext
from core.identity.tokens import bearer_headers
from core.schemas import InventoryRecord, Product, Tenant
from core.settings import Settings
from core.storage.repositories import Store
from evals.vision.foot_render import PhotoSpec, render_foot_photo
from graphs.decision import DecisionInput, graph
from graphs.services import Services

BRANDS = ["Sprintara", "Kadam Footworks", "Pagdandi Trail", "Metro Basics", "Chalo", "Raahi"]
REGIONS = ["mumbai", "delhi", "bengaluru"]
SIZES = [f"UK {half / 2:g}" for half in range(10, 25)]


def seed_footwear(store: Store, tenant_id: str, count: int, seed: int) -> None:
    rng = random.Random(seed)
    store.tenants.put(Tenant(id=tenant_id, name="Benchmark"))
    for index in range(count):
        product = Product(
            id=f"shoe-{index}",
            tenant_id=tenant_id,
            name=f"Shoe {index}",
            brand=BRANDS[index % len(BRANDS)],
            category="footwear",
            price_inr=Decimal(rng.randrange(799, 6999)),
            sizes=SIZES,
            metadata_quality=round(rng.uniform(0.6, 1.0), 2),
        )
        store.products.put(product)
        store.inventory.put_many(
            InventoryRecord(
                tenant_id=tenant_id,
                product_id=product.id,
                size=size,
                region=region,
                available=rng.randrange(0, 4),
            )
            for size in SIZES
            for region in REGIONS
        )


@contextmanager
def serving(settings: Settings, port: int) -> Iterator[tuple[str, Store]]:
    """The API under uvicorn on loopback: (base URL, the store it opened)."""
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}", app.state.services.store
    finally:
        server.should_exit = True
        thread.join()


class Timings:
    """Wall and process CPU seconds of each timed request."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @contextmanager
    def timing(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)


def report(name: str, timings: Timings) -> None:
    ms = sorted(value * 1000 for value in timings.wall)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    cpu = statistics.median(timings.cpu) * 1000
    print(f"{name:<40}{len(ms):>6}{statistics.median(ms):>10.1f}{p95:>10.1f}{ms[-1]:>10.1f}{cpu:>10.1f}")


async def node_times(context: AppContext, request: DecisionInput, runs: int) -> dict[str, list[float]]:
    """Seconds per node (and "total" per run) of `runs` in-process graph runs, from `updates` events."""
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        started = previous = time.perf_counter()
        async for update in graph.astream(request, context=context, stream_mode="updates"):
            now = time.perf_counter()
            for node in update:
                times.setdefault(node, []).append(now - previous)
            previous = now
        times.setdefault("total", []).append(time.perf_counter() - started)
    return times


def report_nodes(times: dict[str, list[float]]) -> None:
    print(f"{'stored path in process, per node':<40}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}")
    for node, seconds in times.items():
        ms = sorted(value * 1000 for value in seconds)
        p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
        print(f"{node:<40}{len(ms):>6}{statistics.median(ms):>10.2f}{p95:>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=30)
    parser.add_argument("--stored", type=int, default=200)
    parser.add_argument("--products", type=int, default=60)
    parser.add_argument("--nodes", type=int, default=200, help="in-process graph runs timed per node")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(
            data_dir=Path(directory),
            seed_demo_data=False,
            model_tiers=["rules"],
            rate_limits_enabled=False,
            _env_file=None,
        )
        with (
            serving(settings, args.port) as (base_url, store),
            httpx.Client(
                base_url=base_url,
                timeout=30,
                headers=bearer_headers(settings, settings.default_tenant, "u-bench"),
            ) as http,
        ):
            seed_footwear(store, settings.default_tenant, args.products, seed=7)
            http.post("/v1/consent", json={"user_id": "u-bench", "granted": True}).raise_for_status()
            request = {"user_id": "u-bench", "category": "footwear", "region": "mumbai"}
            photos = [
                render_foot_photo(PhotoSpec(foot_length_mm=255 + i % 10, seed=i)).jpeg for i in range(5)
            ]
            photo_times = Timings()
            for index in range(args.photos):
                files = {"image": ("foot.jpg", photos[index % len(photos)], "image/jpeg")}
                with photo_times.timing():
                    http.post("/v1/scan/foot", files=files, data={"user_id": "u-bench"}).raise_for_status()
                    http.post("/v1/recommendations", json=request).raise_for_status()
            stored_times = Timings()
            for _ in range(args.stored):
                with stored_times.timing():
                    http.post("/v1/recommendations", json=request).raise_for_status()
            context = AppContext(
                services=Services.build(settings, store), tenant_id=settings.default_tenant, user_id="u-bench"
            )
            graph_request = DecisionInput(user_id="u-bench", category="footwear", region="mumbai")
            per_node = asyncio.run(node_times(context, graph_request, args.nodes))
    title = f"over HTTP, rules tier, {args.products} shoes"
    print(f"{title:<40}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max':>10}{'cpu p50':>10}")
    report("1080p photo -> recommendations", photo_times)
    report("recommendations from stored attributes", stored_times)
    report_nodes(per_node)


if __name__ == "__main__":
    main()
