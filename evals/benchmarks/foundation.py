"""Foundation benchmark: bulk load, catalog search, order placement and the HTTP catalog API on SQLite.

    python -m evals.benchmarks.foundation [--products 100000] [--clients 32] [--seconds 10]

Everything runs on a throwaway data directory and on loopback only: a synthetic catalog is bulk-loaded into
a fresh SQLite store, searches and orders are timed in-process, then the API runs under uvicorn in a child
process and concurrent clients drive `GET /v1/products` for a fixed time. Results are printed as tables;
nothing here asserts a time (benchmarks never fail a build).
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.table import Table

from core.catalog.regions import regions_in_tier
from core.commerce.orders import OrderLineRequest, PlaceOrderRequest
from core.errors import PakkaError
from core.schemas import InventoryRecord, Product, ProductQuery, Tenant
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store
from graphs.services import Services

TENANT = "bench"
BATCH_SIZE = 5_000
REGIONS_PER_PRODUCT = 2
WELL_STOCKED = 20
STOCKED_SAMPLE_PER_REGION = 2_000
SERVER_START_TIMEOUT_S = 60.0
SERVER_STOP_TIMEOUT_S = 15.0
KEEP_ALIVE_S = 300
"""Clients keep their connections for the whole run; uvicorn's 5 s default closes those left idle while the
slowest warm-up requests finish, racing with their reuse (a ReadError on the client)."""
PAGE_SIZE = 20
SERVER_LOG_TAIL = 4_000

METROS = [region.slug for region in regions_in_tier(1)]
ADJECTIVES = (
    "classic", "everyday", "premium", "lightweight", "organic", "handloom", "breathable", "cushioned",
    "vintage", "festive", "slim", "relaxed", "waterproof", "matte", "printed", "embroidered",
)  # fmt: skip
COLOURS = ("black", "white", "navy", "olive", "mustard", "maroon", "teal", "beige", "indigo", "rust", "grey")
BRAND_STEMS = ("Veda", "Kaya", "Nira", "Tara", "Roop", "Desi", "Raga", "Sutra", "Mitti", "Chowk")
PRICE_CAPS = (Decimal(499), Decimal(999), Decimal(1999), Decimal(4999))


@dataclass(frozen=True)
class CategorySpec:
    """How synthetic products of one category look: what they are called, their size sets, their prices."""

    nouns: tuple[str, ...]
    size_sets: tuple[tuple[str, ...], ...]
    brand_suffix: str
    price_range: tuple[int, int]


CATEGORIES: dict[str, CategorySpec] = {
    "footwear": CategorySpec(
        nouns=("running shoes", "sneakers", "sandals", "loafers", "boots", "slippers", "formal shoes"),
        size_sets=(("6", "7", "8", "9", "10"), ("7", "8", "9", "10", "11"), ("5", "6", "7", "8")),
        brand_suffix="Steps",
        price_range=(399, 7999),
    ),
    "apparel": CategorySpec(
        nouns=("t-shirt", "kurta", "shirt", "jeans", "chinos", "dress", "hoodie", "saree"),
        size_sets=(("S", "M", "L", "XL"), ("XS", "S", "M", "L", "XL", "XXL"), ("30", "32", "34", "36")),
        brand_suffix="Threads",
        price_range=(299, 4999),
    ),
    "skincare": CategorySpec(
        nouns=("serum", "moisturiser", "sunscreen", "face wash", "toner", "lip balm"),
        size_sets=(("30ml",), ("50ml", "100ml"), ("50g",)),
        brand_suffix="Glow",
        price_range=(199, 1999),
    ),
    "home": CategorySpec(
        nouns=("bedsheet", "cushion cover", "curtain", "dinner set", "table lamp", "rug"),
        size_sets=(("standard",), ("single", "double", "king")),
        brand_suffix="Living",
        price_range=(249, 9999),
    ),
}


def brands_of(category: str) -> list[str]:
    suffix = CATEGORIES[category].brand_suffix
    return [f"{stem} {suffix}" for stem in BRAND_STEMS]


def indian_price(rng: random.Random, low: int, high: int) -> Decimal:
    """A price ending in 99 (the way Indian shops price) between `low` and `high` rupees."""
    hundreds = rng.randint(math.ceil((low + 1) / 100), (high + 1) // 100)
    return Decimal(hundreds * 100 - 1)


class SyntheticCatalog:
    """A deterministic synthetic catalog, produced in batches so memory stays flat at any size."""

    def __init__(self, count: int, seed: int) -> None:
        self.count = count
        self._rng = random.Random(seed)
        self.well_stocked: dict[str, list[tuple[str, str]]] = {region: [] for region in METROS}
        self._seen_per_region: Counter[str] = Counter()

    def batches(self) -> Iterator[tuple[list[Product], list[InventoryRecord]]]:
        for start in range(0, self.count, BATCH_SIZE):
            products = [self._product(index) for index in range(start, min(start + BATCH_SIZE, self.count))]
            yield products, [record for product in products for record in self._stock(product)]

    def _product(self, index: int) -> Product:
        rng = self._rng
        category = rng.choice(list(CATEGORIES))
        spec = CATEGORIES[category]
        brand = rng.choice(brands_of(category))
        noun, adjective, colour = rng.choice(spec.nouns), rng.choice(ADJECTIVES), rng.choice(COLOURS)
        return Product(
            id=f"bench-{index:07d}",
            tenant_id=TENANT,
            name=f"{brand} {adjective} {colour} {noun}",
            brand=brand,
            category=category,
            subcategory=noun,
            description=f"A {adjective} {noun} in {colour} by {brand}, made for Indian weather and wear.",
            price_inr=indian_price(rng, *spec.price_range),
            sizes=list(rng.choice(spec.size_sets)),
            attributes={"colour": colour},
            rating=round(rng.uniform(2.5, 5.0), 1),
        )

    def _stock(self, product: Product) -> Iterator[InventoryRecord]:
        for region in self._rng.sample(METROS, REGIONS_PER_PRODUCT):
            for size in product.sizes:
                available = 0 if self._rng.random() < 0.15 else self._rng.randint(1, 60)
                if available >= WELL_STOCKED:
                    self._remember_stocked(region, product.id, size)
                yield InventoryRecord(
                    tenant_id=TENANT, product_id=product.id, size=size, region=region, available=available
                )

    def _remember_stocked(self, region: str, product_id: str, size: str) -> None:
        """Reservoir-sample well-stocked (product, size) pairs per region, for the order benchmark."""
        self._seen_per_region[region] += 1
        sample = self.well_stocked[region]
        if len(sample) < STOCKED_SAMPLE_PER_REGION:
            sample.append((product_id, size))
            return
        slot = self._rng.randrange(self._seen_per_region[region])
        if slot < STOCKED_SAMPLE_PER_REGION:
            sample[slot] = (product_id, size)


@dataclass
class LoadResult:
    products: int = 0
    inventory_rows: int = 0
    product_seconds: float = 0.0
    inventory_seconds: float = 0.0
    wall_seconds: float = 0.0


def load_catalog(store: Store, catalog: SyntheticCatalog, console: Console) -> LoadResult:
    """Bulk-load with `put_many`; only the store writes are timed, not generating the records."""
    result = LoadResult()
    started = time.perf_counter()
    store.tenants.put(Tenant(id=TENANT, name="benchmark shop"))
    for products, inventory in catalog.batches():
        began = time.perf_counter()
        result.products += store.products.put_many(products)
        result.product_seconds += time.perf_counter() - began
        began = time.perf_counter()
        result.inventory_rows += store.inventory.put_many(inventory)
        result.inventory_seconds += time.perf_counter() - began
        if result.products % (BATCH_SIZE * 10) == 0:
            console.log(f"loaded {result.products:,} products")
    result.wall_seconds = time.perf_counter() - started
    return result


class QueryMix:
    """Catalog searches of four kinds in turn: words, category + price cap, brand + size, in stock in a
    region."""

    KINDS = ("text", "category+price", "brand+size", "in-stock region")

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._turn = 0

    def next(self) -> tuple[str, ProductQuery]:
        kind = self.KINDS[self._turn % len(self.KINDS)]
        self._turn += 1
        return kind, self.query(kind)

    def query(self, kind: str) -> ProductQuery:
        rng = self._rng
        category = rng.choice(list(CATEGORIES))
        spec = CATEGORIES[category]
        if kind == "text":
            return ProductQuery(
                text=f"{rng.choice(ADJECTIVES)} {rng.choice(spec.nouns)}", page_size=PAGE_SIZE
            )
        if kind == "category+price":
            return ProductQuery(category=category, max_price_inr=rng.choice(PRICE_CAPS), page_size=PAGE_SIZE)
        if kind == "brand+size":
            size = rng.choice(rng.choice(spec.size_sets))
            return ProductQuery(brand=rng.choice(brands_of(category)), size=size, page_size=PAGE_SIZE)
        return ProductQuery(category=category, in_stock_region=rng.choice(METROS), page_size=PAGE_SIZE)


def http_params(query: ProductQuery) -> dict[str, str]:
    """The same search as `GET /v1/products` query parameters."""
    params = {
        "q": query.text,
        "category": query.category,
        "brand": query.brand,
        "max_price_inr": None if query.max_price_inr is None else str(query.max_price_inr),
        "size": query.size,
        "region": query.in_stock_region,
        "page_size": str(query.page_size),
    }
    return {name: value for name, value in params.items() if value is not None}


@dataclass
class Timings:
    """Latency samples of one operation, in seconds."""

    name: str
    samples: list[float] = field(default_factory=list)

    def percentile_ms(self, percent: int) -> float:
        if len(self.samples) < 2:
            return self.samples[0] * 1000 if self.samples else float("nan")
        return statistics.quantiles(self.samples, n=100, method="inclusive")[percent - 1] * 1000

    def mean_ms(self) -> float:
        return statistics.fmean(self.samples) * 1000 if self.samples else float("nan")


def time_searches(store: Store, per_kind: int, seed: int) -> list[Timings]:
    mix = QueryMix(seed)
    by_kind = {kind: Timings(f"search {kind}") for kind in QueryMix.KINDS}
    for _ in range(per_kind * len(QueryMix.KINDS)):
        kind, query = mix.next()
        began = time.perf_counter()
        store.products.search(TENANT, query)
        by_kind[kind].samples.append(time.perf_counter() - began)
    overall = Timings(
        "search all kinds", [sample for timings in by_kind.values() for sample in timings.samples]
    )
    return [*by_kind.values(), overall]


def time_orders(
    services: Services, well_stocked: dict[str, list[tuple[str, str]]], count: int, seed: int
) -> tuple[Timings, Counter[str]]:
    """Place `count` cash-on-delivery orders of one or two well-stocked lines through `OrderService.place`."""
    rng = random.Random(seed)
    timings = Timings("place order")
    outcomes: Counter[str] = Counter()
    regions = [region for region, pairs in well_stocked.items() if len(pairs) >= 2]
    for number in range(count):
        region = rng.choice(regions)
        lines = rng.sample(well_stocked[region], rng.randint(1, 2))
        request = PlaceOrderRequest(
            user_id=f"shopper-{number % 100}",
            items=[
                OrderLineRequest(product_id=product_id, size=size, quantity=1) for product_id, size in lines
            ],
            region=region,
        )
        began = time.perf_counter()
        try:
            placed = services.orders.place(TENANT, request, idempotency_key=f"bench-order-{number}")
            outcomes[placed.order.status.value] += 1
        except PakkaError as error:
            outcomes[error.code] += 1
        timings.samples.append(time.perf_counter() - began)
    return timings, outcomes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    pid: int

    def peak_rss_mib(self) -> float:
        """The server's own high-water RSS (VmHWM). Not RUSAGE_CHILDREN: Linux folds the parent's RSS at spawn
        time into a child's ru_maxrss."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


@contextmanager
def api_server(settings: Settings, log_file: Path) -> Iterator[RunningServer]:
    """`uvicorn api.app:create_app --factory` in a child process on a free loopback port."""
    port = free_port()
    env = {
        **os.environ,
        "PAKKA_DATA_DIR": str(settings.data_dir),
        "PAKKA_STORE": "sqlite",
        "PAKKA_SQLITE_PATH": str(settings.sqlite_file),
        "PAKKA_CHECKPOINTER": "sqlite",
        "PAKKA_CHECKPOINT_SQLITE_PATH": str(settings.checkpoint_sqlite_file),
        "PAKKA_SEED_DEMO_DATA": "false",
        "PAKKA_DEFAULT_TENANT": TENANT,
        "PAKKA_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
        "--timeout-keep-alive", str(KEEP_ALIVE_S),
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    with log_file.open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_healthy(server, base_url, log_file)
            yield RunningServer(base_url=base_url, pid=server.pid)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=SERVER_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_until_healthy(server: subprocess.Popen[bytes], base_url: str, log_file: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"the API exited with {server.returncode}:\n{log_file.read_text()[-SERVER_LOG_TAIL:]}"
            )
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"the API did not answer /health within {SERVER_START_TIMEOUT_S:.0f}s")


@dataclass
class HttpResult:
    by_kind: list[Timings]
    seconds: float
    outcomes: Counter[str]
    """HTTP status codes, or the transport error's class name when no response came back."""

    @property
    def overall(self) -> Timings:
        return Timings("HTTP all kinds", [s for timings in self.by_kind for s in timings.samples])

    @property
    def requests_per_second(self) -> float:
        return len(self.overall.samples) / self.seconds


async def drive_catalog_api(base_url: str, clients: int, seconds: float, seed: int) -> HttpResult:
    """`clients` concurrent loops of `GET /v1/products` (the search mix) over keep-alive connections.

    Latency counts every response, whatever its status; requests that got no response are only counted."""
    by_kind = {kind: Timings(f"HTTP {kind}") for kind in QueryMix.KINDS}
    outcomes: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"X-Tenant-ID": TENANT}
    async with httpx.AsyncClient(base_url=base_url, limits=limits, headers=headers, timeout=60.0) as client:
        warm_up = QueryMix(seed - 1)
        await asyncio.gather(
            *(client.get("/v1/products", params=http_params(warm_up.next()[1])) for _ in range(clients))
        )
        deadline = time.perf_counter() + seconds

        async def shopper(number: int) -> None:
            mix = QueryMix(seed + number)
            while time.perf_counter() < deadline:
                kind, query = mix.next()
                began = time.perf_counter()
                try:
                    response = await client.get("/v1/products", params=http_params(query))
                except httpx.TransportError as error:
                    outcomes[type(error).__name__] += 1
                    continue
                by_kind[kind].samples.append(time.perf_counter() - began)
                outcomes[str(response.status_code)] += 1

        started = time.perf_counter()
        await asyncio.gather(*(shopper(number) for number in range(clients)))
        elapsed = time.perf_counter() - started
    return HttpResult(by_kind=list(by_kind.values()), seconds=elapsed, outcomes=outcomes)


def own_peak_rss_mib() -> float:
    """Peak resident memory of this process; Linux reports ru_maxrss in KiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latency_table(rows: list[Timings]) -> Table:
    table = Table(title="Latency", title_justify="left")
    for column in ("operation", "samples", "p50 ms", "p95 ms", "p99 ms", "mean ms"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    for timings in rows:
        figures = [
            timings.percentile_ms(50),
            timings.percentile_ms(95),
            timings.percentile_ms(99),
            timings.mean_ms(),
        ]
        table.add_row(timings.name, f"{len(timings.samples):,}", *(f"{value:.2f}" for value in figures))
    return table


def summary_table(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for measure, value in rows:
        table.add_row(measure, value)
    return table


def file_mib(path: Path) -> float:
    companions = [path, path.with_name(path.name + "-wal")]
    return sum(part.stat().st_size for part in companions if part.exists()) / 2**20


def main(
    products: Annotated[
        int, typer.Option(min=1_000, max=1_000_000, help="Synthetic products to load.")
    ] = 100_000,
    clients: Annotated[int, typer.Option(min=1, max=256, help="Concurrent HTTP clients.")] = 32,
    seconds: Annotated[float, typer.Option(min=1, max=120, help="How long to drive the HTTP API.")] = 10.0,
    searches: Annotated[int, typer.Option(min=10, max=10_000, help="In-process searches per kind.")] = 200,
    orders: Annotated[int, typer.Option(min=10, max=10_000, help="Orders to place in-process.")] = 500,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic catalog and query mixes.")] = 7,
) -> None:
    """Load a synthetic catalog into a temporary SQLite store and time search, orders and the HTTP API."""
    console = Console()
    with tempfile.TemporaryDirectory(prefix="pakka-bench-") as data_dir:
        settings = Settings(data_dir=Path(data_dir), store="sqlite", seed_demo_data=False, _env_file=None)
        console.log(f"loading {products:,} synthetic products into {settings.sqlite_file}")
        catalog = SyntheticCatalog(products, seed)
        store = open_store(settings)
        services = Services.build(settings, store)
        try:
            load = load_catalog(store, catalog, console)
            console.log(f"timing {searches * len(QueryMix.KINDS):,} searches and {orders:,} orders")
            search_timings = time_searches(store, searches, seed)
            console.log("searches done; placing orders")
            order_timings, order_outcomes = time_orders(services, catalog.well_stocked, orders, seed)
        finally:
            services.close()
        database_mib = file_mib(settings.sqlite_file)

        console.log(f"driving GET /v1/products with {clients} clients for {seconds:g}s")
        server_log = Path(data_dir) / "api.log"
        with api_server(settings, server_log) as server:
            http = asyncio.run(drive_catalog_api(server.base_url, clients, seconds, seed))
            server_rss_mib = server.peak_rss_mib()
        if set(http.outcomes) != {"200"}:
            console.print("[bold red]Some requests failed; the end of the API log:[/]")
            console.print(server_log.read_text()[-SERVER_LOG_TAIL:], markup=False)

    console.print(
        summary_table(
            f"Bulk load ({products:,} products, SQLite)",
            [
                ("products written", f"{load.products:,}"),
                ("products / s", f"{load.products / load.product_seconds:,.0f}"),
                ("inventory rows written", f"{load.inventory_rows:,}"),
                ("inventory rows / s", f"{load.inventory_rows / load.inventory_seconds:,.0f}"),
                ("load wall time (incl. generating records)", f"{load.wall_seconds:.1f} s"),
                ("database size", f"{database_mib:,.0f} MiB"),
            ],
        )
    )
    console.print(latency_table([*search_timings, order_timings, *http.by_kind, http.overall]))
    console.print(
        summary_table(
            f"HTTP: GET /v1/products, {clients} concurrent clients, uvicorn (1 worker)",
            [
                ("duration", f"{http.seconds:.1f} s"),
                ("responses", f"{len(http.overall.samples):,}"),
                ("requests / s", f"{http.requests_per_second:,.0f}"),
                (
                    "p50 / p95 latency",
                    f"{http.overall.percentile_ms(50):.1f} / {http.overall.percentile_ms(95):.1f} ms",
                ),
                ("outcomes", ", ".join(f"{outcome}: {n:,}" for outcome, n in sorted(http.outcomes.items()))),
            ],
        )
    )
    console.print(
        summary_table(
            "Run",
            [
                (
                    "order outcomes",
                    ", ".join(f"{outcome}: {n:,}" for outcome, n in sorted(order_outcomes.items())),
                ),
                ("peak RSS, benchmark process", f"{own_peak_rss_mib():,.0f} MiB"),
                ("peak RSS, API server process", f"{server_rss_mib:,.0f} MiB"),
                ("CPU cores", str(os.cpu_count())),
                ("load average (1/5/15 min) at the end", " / ".join(f"{v:.1f}" for v in os.getloadavg())),
                ("Python", sys.version.split()[0]),
            ],
        )
    )


if __name__ == "__main__":
    typer.run(main)
