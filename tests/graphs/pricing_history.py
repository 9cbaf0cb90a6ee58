"""The pricing tests' sales history: Levi's jeans and two unrelated items, sold through events."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.records.sales import ListingCondition, PricingEventType
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
