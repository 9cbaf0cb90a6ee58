"""Pricing benchmark: suggestion latency over 100k sold items (rules tier, no photos); event ingestion rate.

Run: `python -m evals.benchmarks.pricing [--sold 100000] [--suggestions 200] [--events 2000]`. Prints p50/p95
and throughput; never fails on a time.

- The sold items are Mercari titles with variant words (sizes, colours) and noisy prices, spread over a year,
  indexed once in the in-memory comparables index (lexical similarity), as the API holds it.
- `suggest (graph)` is the whole pricing graph on the rules tier over a SQLite store, as the API runs it;
  `comparables + estimate` is the numeric core alone.
- Ingestion applies product.listed + product.sold pairs through the event service into a SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy

from core.pricing.comparables import ComparablesIndex, ListingQuery
from core.pricing.estimate import PricedSale, WeightedComparable, estimate_price
from core.pricing.events import PricingEventService
from core.pricing.schemas import ListingCondition, ListingFields, PricingEvent, PricingEventType, SoldItem
from core.pricing.suggestion import SuggestionRequest
from core.schemas import Tenant, utcnow
from core.services import Services
from core.settings import Settings
from core.storage.factory import open_store
from evals.pricing.datasets import load_mercari
from graphs.pricing import PricingContext, graph

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
    index = ComparablesIndex()
    build_s = timed(lambda: index.add(items))
    first_s = timed(
        lambda: index.find(TENANT, ListingQuery(title="warm up", category="men/tops"), now=utcnow())
    )
    print(
        f"indexed {sold} sold items in {build_s:.1f} s; first query (builds the TF-IDF index) {first_s:.1f} s"
    )
    requests = requests_from(items, suggestions)
    history = index.history(TENANT, "INR")

    def core(request: SuggestionRequest) -> None:
        query = ListingQuery(title=request.title, category=request.category, brand=request.brand)
        found = index.find(TENANT, query, now=utcnow()).comparables
        estimate_price(
            [
                WeightedComparable(
                    PricedSale(float(c.item.price), c.item.sold_at, c.item.category, c.item.condition.value),
                    c.similarity,
                )
                for c in found
            ],
            category=request.category,
            condition=request.condition.value,
            now=utcnow(),
            history=history,
            brand=request.brand,
        )

    core_samples = [timed(lambda request=request: core(request)) for request in requests]
    settings = Settings(
        data_dir=data_dir, store="sqlite", seed_demo_data=False, model_tiers=["rules"], _env_file=None
    )
    services = Services.open(settings)
    services.store.tenants.put(Tenant(id=TENANT, name="Bench"))
    context = PricingContext(services=services, tenant_id=TENANT, comparables=index)

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


def bench_ingestion(events: int, data_dir: Path) -> None:
    settings = Settings(
        data_dir=data_dir / "ingest",
        store="sqlite",
        seed_demo_data=False,
        model_tiers=["rules"],
        _env_file=None,
    )
    store = open_store(settings)
    service = PricingEventService(store.sales)
    now = utcnow()
    fields = ListingFields(
        title="Levi's 511 jeans", category="men/jeans", condition=ListingCondition.GOOD, price=Decimal(999)
    )
    pairs = events // 2
    started = time.perf_counter()
    for number in range(pairs):
        for kind in (PricingEventType.LISTED, PricingEventType.SOLD):
            service.apply(
                PricingEvent(
                    event_id=f"{kind.value}-{number}",
                    tenant_id=TENANT,
                    type=kind,
                    listing_id=f"l{number}",
                    occurred_at=now,
                    product=fields if kind is PricingEventType.LISTED else None,
                )
            )
    elapsed = time.perf_counter() - started
    store.close()
    print(
        f"ingested {pairs * 2} events (SQLite, synchronous) in {elapsed:.2f} s: "
        f"{pairs * 2 / elapsed:.0f} events/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sold", type=int, default=100_000)
    parser.add_argument("--suggestions", type=int, default=200)
    parser.add_argument("--events", type=int, default=2_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pakka-pricing-bench-") as directory:
        bench_suggestions(arguments.sold, arguments.suggestions, Path(directory))
        bench_ingestion(arguments.events, Path(directory))


if __name__ == "__main__":
    main()
