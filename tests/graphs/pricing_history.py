"""The pricing tests' sales histories: Levi's jeans and two unrelated items, sold through events; and a varied
history of six kinds of item, served from a list, for the tests that need a learned calibration."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import numpy

from core.records.sales import ListingCondition, PricingEventType, SoldItem
from core.storage.repositories import Store
from tests.core.storage.factories import at
from tests.domain.pricing.factories import apply, make_event

TENANT = "acme"
PRICED_AT = at(0) + timedelta(days=30)
JEANS_SALES = [
    ("Levi's 511 slim fit jeans", "1200"),
    ("Levi's 511 slim jeans dark wash", "1350"),
    ("Levi's 511 slim fit jeans blue", "1100"),
    ("Levis 511 slim fit denim jeans", "1250"),
    ("Levi's 511 slim jeans black", "1400"),
    ("Levi's 511 slim fit stretch jeans", "1300"),
]
OTHER_SALES = [("Biba cotton kurta with dupatta", "899"), ("Bata leather office shoes", "1499")]


def sell(store: Store, number: int, title: str, price: str, sold_at: datetime, **fields: object) -> None:
    listing_id = f"l-{number}"
    listed = make_event(
        PricingEventType.LISTED,
        event_id=f"list-{number}",
        listing_id=listing_id,
        occurred_at=sold_at - timedelta(days=2),
        title=title,
        price=price,
        **fields,
    )
    apply(store, listed)
    apply(
        store,
        make_event(
            PricingEventType.SOLD, event_id=f"sold-{number}", listing_id=listing_id, occurred_at=sold_at
        ),
    )


def seed_history(store: Store) -> None:
    """Six near-identical jeans (good and like-new) and two unrelated items, sold in the last three weeks."""
    for number, (title, price) in enumerate(JEANS_SALES):
        condition = ListingCondition.GOOD if number % 2 else ListingCondition.LIKE_NEW
        sell(store, number, title, price, PRICED_AT - timedelta(days=3 * number + 1), condition=condition)
    for number, (title, price) in enumerate(OTHER_SALES, start=len(JEANS_SALES)):
        category = "women/kurtas" if "kurta" in title else "men/shoes"
        sell(store, number, title, price, PRICED_AT - timedelta(days=5), category=category, brand=None)


KINDS = [
    ("Levi's 511 slim fit jeans", "Levi's", "men/jeans", 1300.0),
    ("Roadster skinny jeans", "Roadster", "men/jeans", 700.0),
    ("Biba cotton kurta with dupatta", "Biba", "women/kurtas", 900.0),
    ("Fabindia silk kurta", "Fabindia", "women/kurtas", 2200.0),
    ("Bata leather office shoes", "Bata", "men/shoes", 1500.0),
    ("Puma running shoes", "Puma", "men/shoes", 2600.0),
]
CONDITIONS = list(ListingCondition)


def varied_history(tenant_id: str, newest: datetime, count: int = 90) -> list[SoldItem]:
    """`count` sales of six kinds of item over the 300 days up to `newest`, prices varying by kind,
    condition and a little noise (deterministic): enough for a price model and a learned calibration."""
    rng = numpy.random.default_rng(21)
    items: list[SoldItem] = []
    for number in range(count):
        title, brand, category, base = KINDS[number % len(KINDS)]
        condition = CONDITIONS[int(rng.integers(0, 4))]
        price = base * (1.15 - 0.1 * CONDITIONS.index(condition)) * float(rng.lognormal(0, 0.15))
        items.append(
            SoldItem(
                tenant_id=tenant_id,
                listing_id=f"{tenant_id}-{number}",
                title=f"{title} {['black', 'blue', 'grey', 'tan', 'red'][number % 5]}",
                category=category,
                brand=brand,
                condition=condition,
                price=Decimal(f"{price:.2f}"),
                sold_at=newest - timedelta(days=(number * 37) % 300, hours=number % 24),
            )
        )
    return items


class HistoryView:
    """The reads the comparables indexes make of a sales history, served from a list of sold items."""

    def __init__(self, items: list[SoldItem]) -> None:
        self.items = sorted(items, key=lambda item: item.sold_at, reverse=True)

    def sold_items(self, tenant_id: str, *, since: datetime | None = None, **_: object) -> list[SoldItem]:
        return [
            item
            for item in self.items
            if item.tenant_id == tenant_id and (since is None or item.sold_at >= since)
        ]

    def count_sold(self, tenant_id: str) -> int:
        return sum(item.tenant_id == tenant_id for item in self.items)

    def get_embeddings(self, tenant_id: str) -> dict[str, bytes]:
        return {}
