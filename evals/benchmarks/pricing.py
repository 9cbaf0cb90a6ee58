"""Pricing benchmark: suggestion latency over 100k sold items (rules tier, no photos); event ingestion rate.

Run: `python -m evals.benchmarks.pricing [--sold 100000] [--suggestions 200] [--events 2000]
[--embedded-events 200]`. Prints p50/p95 and throughput; never fails on a time.

- The sold items are Mercari titles with variant words (sizes, colours) and noisy prices, spread over a year,
  served to the API's shared comparables indexes (domain.pricing.live_index, lexical similarity) by a
  read-only view of the list, so the index is built (and timed) exactly as the API builds it from a store.
- `suggest (graph)` is the whole pricing graph on the rules tier over a SQLite store with the warm shared
  index, as the API runs it; `comparables + estimate` is the numeric core alone.
- Ingestion applies product.listed + product.sold pairs into a SQLite file: synchronously without embeddings;
  then as the API ingests with the local embedding model (async worker, listings embedded in the background
  in batches), timed until every event is applied and every listing embedded; and, for contrast, with one
  model call per event.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy

from core.context import AppContext
from core.records.sales import ListingCondition, ListingFields, PricingEvent, PricingEventType, SoldItem
from core.schemas import Tenant, utcnow
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import SalesHistoryRepository
from domain.pricing.comparables import ListingQuery, weighted
from domain.pricing.estimate import estimate_price
from domain.pricing.events import PricingEventService
from domain.pricing.live_index import LiveComparables
from domain.pricing.suggestion import SuggestionRequest
from domain.pricing.worker import BackgroundEmbedder, PricingEventWorker
from evals.pricing.datasets import load_mercari
from graphs.pricing import graph
from graphs.services import Services
from knowledge.embeddings import Embedder, MiniLMEmbedder

TENANT = "bench"
VARIANTS = ["", "size M", "size L", "black", "blue", "new with tags", "bundle", "vintage", "XL", "2 pack"]


def synthetic_sales(count: int, seed: int = 0) -> list[SoldItem]:
    rng = numpy.random.default_rng(seed)
    base = load_mercari()
    now = utcnow()
    conditions = list(ListingCondition)
    items: list[SoldItem] = []
    for number in range(count):
        source = base[number % len(base)]
        variant = VARIANTS[int(rng.integers(len(VARIANTS)))]
        items.append(
            SoldItem(
                tenant_id=TENANT,
                listing_id=f"s{number}",
                title=f"{source.title} {variant}".strip(),
                category=source.category,
                brand=source.brand,
                condition=conditions[int(rng.integers(len(conditions)))],
                price=Decimal(str(round(float(source.price) * float(rng.lognormal(0, 0.2)) * 80, 2))),
                currency="INR",
                sold_at=now - timedelta(days=float(rng.uniform(0, 365))),
            )
        )
    return items


class SoldItemsView:
    """The sold-items reads the comparables indexes make, served from a list (writing 100k sales through the
    event service first would take longer than the benchmark itself)."""

    def __init__(self, items: list[SoldItem]) -> None:
        self._items = sorted(items, key=lambda item: item.sold_at, reverse=True)

    def sold_items(self, tenant_id: str, *, since: datetime | None = None, **_: Any) -> list[SoldItem]:
        return [
            item
            for item in self._items
            if item.tenant_id == tenant_id and (since is None or item.sold_at >= since)
        ]

    def count_sold(self, tenant_id: str) -> int:
        return sum(item.tenant_id == tenant_id for item in self._items)

    def get_embeddings(self, tenant_id: str) -> dict[str, bytes]:
        return {}


def percentiles(samples_s: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples_s, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def report(name: str, samples_s: list[float]) -> None:
    p50, p95 = percentiles(samples_s)
    print(f"{name:<28} {len(samples_s):>7} {p50:>9.2f} {p95:>9.2f} {len(samples_s) / sum(samples_s):>10.1f}")


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def requests_from(items: list[SoldItem], count: int) -> list[SuggestionRequest]:
    picks = numpy.random.default_rng(1).choice(len(items), size=count, replace=False)
    return [
        SuggestionRequest(
            title=items[position].title,
            category=items[position].category,
            brand=items[position].brand,
            condition=items[position].condition,
        )
        for position in picks
    ]


def bench_suggestions(sold: int, suggestions: int, data_dir: Path) -> None:
    items = synthetic_sales(sold)
    view = SoldItemsView(items)
    live = LiveComparables(view)  # type: ignore[arg-type]
    build_s = timed(lambda: live.current(TENANT))
    print(
        f"built and warmed the comparables index of {sold} sold items in {build_s:.1f} s (a rebuild's cost)"
    )
    requests = requests_from(items, suggestions)
    index = live.current(TENANT)
    history = index.history(TENANT, "INR")

    def core(request: SuggestionRequest) -> None:
        query = ListingQuery(
            title=request.title,
            category=request.category,
            brand=request.brand,
            condition=request.condition.value,
        )
        search = index.find(TENANT, query)
        assert search.as_of is not None
        estimate_price(
            weighted(search.comparables),
            category=request.category,
            condition=request.condition.value,
            now=search.as_of,
            history=history,
            brand=request.brand,
            model_log_price=search.model_log_price,
        )

    core_samples = [timed(lambda request=request: core(request)) for request in requests]
    settings = Settings(
        data_dir=data_dir, store="sqlite", seed_demo_data=False, model_tiers=["rules"], _env_file=None
    )
    services = Services.open(settings)
    services.store.tenants.put(Tenant(id=TENANT, name="Bench"))
    services.comparables = live
    context = AppContext(services=services, tenant_id=TENANT)

    async def run_graph() -> list[float]:
        samples: list[float] = []
        for request in requests:
            started = time.perf_counter()
            await graph.ainvoke({"request": request}, context=context)
            samples.append(time.perf_counter() - started)
        return samples

    graph_samples = asyncio.run(run_graph())
    services.close()
    print(f"{'case':<28} {'n':>7} {'p50 ms':>9} {'p95 ms':>9} {'per s':>10}")
    report("comparables + estimate", core_samples)
    report("suggest (graph, rules)", graph_samples)


def sale_events(pairs: int, prefix: str = "") -> list[PricingEvent]:
    """`pairs` listings, each listed and then sold."""
    now = utcnow()
    events: list[PricingEvent] = []
    for number in range(pairs):
        fields = ListingFields(
            title=f"Levi's 511 slim jeans, lot {number}",
            category="men/jeans",
            condition=ListingCondition.GOOD,
            price=Decimal(999),
        )
        for kind in (PricingEventType.LISTED, PricingEventType.SOLD):
            events.append(
                PricingEvent(
                    event_id=f"{prefix}{kind.value}-{number}",
                    tenant_id=TENANT,
                    type=kind,
                    listing_id=f"{prefix}l{number}",
                    occurred_at=now,
                    product=fields if kind is PricingEventType.LISTED else None,
                )
            )
    return events


def ingest_synchronously(
    sales: SalesHistoryRepository, events: list[PricingEvent], embedder: Embedder | None
) -> float:
    service = PricingEventService(sales, embedder=embedder)
    started = time.perf_counter()
    for event in events:
        service.apply(event)
    return time.perf_counter() - started


async def ingest_like_the_api(
    sales: SalesHistoryRepository, events: list[PricingEvent], embedder: Embedder
) -> float:
    """Events through the async worker, listings embedded by the background embedder; until all are done."""
    background = BackgroundEmbedder(sales, lambda: embedder)
    started = time.perf_counter()
    async with background.running():
        service = PricingEventService(sales, embed_later=background.submit)
        async with PricingEventWorker(service, sales).running() as worker:
            for event in events:
                worker.submit(TENANT, event.model_dump(mode="json"))
    return time.perf_counter() - started


def bench_ingestion(events: int, embedded_events: int, data_dir: Path) -> None:
    settings = Settings(
        data_dir=data_dir / "ingest",
        store="sqlite",
        seed_demo_data=False,
        model_tiers=["rules"],
        _env_file=None,
    )
    store = open_store(settings)
    embedder = MiniLMEmbedder.from_package()
    plain = sale_events(events // 2, "plain-")
    rows = [("synchronous, no embeddings", len(plain), ingest_synchronously(store.sales, plain, None))]
    if embedder is not None:
        embedder.embed(["warm up"])
        batched = sale_events(events // 2, "batched-")
        batched_s = asyncio.run(ingest_like_the_api(store.sales, batched, embedder))
        rows.append(("async + batched embeddings", len(batched), batched_s))
        inline = sale_events(embedded_events // 2, "inline-")
        inline_s = ingest_synchronously(store.sales, inline, embedder)
        rows.append(("one model call per event", len(inline), inline_s))
    store.close()
    print(f"{'ingestion (SQLite)':<28} {'events':>7} {'s':>9} {'events/s':>10}")
    for name, count, elapsed in rows:
        print(f"{name:<28} {count:>7} {elapsed:>9.2f} {count / elapsed:>10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sold", type=int, default=100_000)
    parser.add_argument("--suggestions", type=int, default=200)
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--embedded-events", type=int, default=200, help="for the one-call-per-event case")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pakka-pricing-bench-") as directory:
        bench_suggestions(arguments.sold, arguments.suggestions, Path(directory))
        bench_ingestion(arguments.events, arguments.embedded_events, Path(directory))


if __name__ == "__main__":
    main()
