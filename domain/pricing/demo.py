"""A small INR sales history for the demo tenant, written by the project, so a new merchant's first rupee
suggestion works before they have sent a single sale.

Twenty kinds of item an Indian resale shop sells (kurtas, sarees, jeans, sneakers, handbags, phones...),
each with a typical price in rupees; every kind sells six times over the 180 days before `DEMO_ANCHOR`, in
varying condition, at prices that follow the kind, the condition and a little noise (a fixed seed: the same
history on every machine). Written as product.listed + product.sold events with ids `demo-sale-N-listed` and
`demo-sale-N-sold`, so seeding twice adds nothing; `seed_demo_sales` writes only into a tenant with no sales.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from core.records.sales import ListingCondition, ListingFields, PricingEvent, PricingEventType
from core.storage.repositories import Store
from domain.pricing.events import PricingEventService

DEMO_ANCHOR = datetime(2026, 6, 30, 18, 0, tzinfo=UTC)
SALES_PER_KIND = 6
SPAN_DAYS = 180
CONDITION_FACTOR = {
    ListingCondition.NEW: 1.15,
    ListingCondition.LIKE_NEW: 1.0,
    ListingCondition.GOOD: 0.85,
    ListingCondition.FAIR: 0.65,
    ListingCondition.POOR: 0.45,
}


@dataclass(frozen=True)
class Kind:
    title: str
    brand: str | None
    category: str
    price: int  # typical resale price in rupees, like new
    variants: tuple[str, ...]


KINDS = (
    Kind(
        "Fabindia cotton kurta",
        "Fabindia",
        "women/kurtas",
        1200,
        ("indigo print", "mustard", "size M", "size L"),
    ),
    Kind("Biba anarkali kurta", "Biba", "women/kurtas", 1400, ("maroon", "teal", "size S", "with dupatta")),
    Kind("W straight kurta", "W", "women/kurtas", 800, ("white", "black", "size XL", "floral")),
    Kind(
        "Kanjeevaram silk saree", None, "women/sarees", 9500, ("zari border", "bridal red", "temple border")
    ),
    Kind("Chanderi cotton saree", None, "women/sarees", 2200, ("pastel", "gold butta", "with blouse")),
    Kind("Levi's 511 slim jeans", "Levi's", "men/jeans", 1500, ("dark wash", "w32", "w34", "black")),
    Kind("Roadster skinny jeans", "Roadster", "men/jeans", 650, ("light wash", "w30", "ripped", "blue")),
    Kind("Allen Solly formal shirt", "Allen Solly", "men/shirts", 900, ("white", "light blue", "size 40")),
    Kind("Manyavar silk kurta set", "Manyavar", "men/ethnic", 3800, ("cream", "wedding", "size 40")),
    Kind("Nike Air Max sneakers", "Nike", "men/shoes/sneakers", 5200, ("uk 9", "uk 8", "white", "black")),
    Kind("Puma running shoes", "Puma", "men/shoes/sneakers", 2100, ("uk 10", "grey", "uk 8")),
    Kind("Bata leather office shoes", "Bata", "men/shoes/formal", 1300, ("black", "brown", "uk 9")),
    Kind("Hidesign leather tote bag", "Hidesign", "women/bags/handbags", 4200, ("tan", "black", "large")),
    Kind("Lavie sling bag", "Lavie", "women/bags/handbags", 1100, ("beige", "red", "small")),
    Kind("Titan analog watch", "Titan", "accessories/watches", 3200, ("steel strap", "leather strap")),
    Kind("Oxidised silver jhumkas", None, "women/jewellery/earrings", 450, ("large", "with pearls", "pair")),
    Kind("Apple iPhone 12 64GB", "Apple", "electronics/phones", 28000, ("blue", "black", "with box")),
    Kind("Redmi Note 11 128GB", "Xiaomi", "electronics/phones", 8500, ("grey", "with charger", "6GB RAM")),
    Kind("boAt Rockerz 450 headphones", "boAt", "electronics/audio", 900, ("black", "blue", "with case")),
    Kind(
        "Prestige pressure cooker 5L", "Prestige", "home/kitchen", 1100, ("aluminium", "steel", "with gasket")
    ),
)


def demo_sales(tenant_id: str) -> list[tuple[str, ListingFields, datetime]]:
    """(listing id, fields as sold, sale time) of every demo sale, oldest first."""
    rng = random.Random(20261)
    conditions = list(CONDITION_FACTOR)
    sales: list[tuple[str, ListingFields, datetime]] = []
    number = 0
    for kind in KINDS:
        for _ in range(SALES_PER_KIND):
            condition = rng.choices(conditions, weights=(2, 4, 4, 2, 1))[0]
            price = kind.price * CONDITION_FACTOR[condition] * rng.lognormvariate(0, 0.15)
            variant = rng.choice(kind.variants)
            sold_at = DEMO_ANCHOR - timedelta(days=rng.uniform(0, SPAN_DAYS))
            fields = ListingFields(
                title=f"{kind.title} {variant}",
                description=f"{condition.value.replace('_', ' ')} condition, {variant}",
                category=kind.category,
                brand=kind.brand,
                condition=condition,
                price=Decimal(round(price)),
                currency="INR",
            )
            sales.append((f"demo-sale-{number}", fields, sold_at))
            number += 1
    return sorted(sales, key=lambda sale: sale[2])


def seed_demo_sales(store: Store, tenant_id: str) -> int:
    """Write the demo sales into `tenant_id` when it has no sales yet; returns how many were written."""
    if store.sales.count_sold(tenant_id) > 0:
        return 0
    service = PricingEventService(store.sales)
    written = 0
    for listing_id, fields, sold_at in demo_sales(tenant_id):
        common = {"tenant_id": tenant_id, "listing_id": listing_id, "product": fields}
        service.record(
            PricingEvent(
                event_id=f"{listing_id}-listed",
                type=PricingEventType.LISTED,
                occurred_at=sold_at - timedelta(days=5),
                **common,
            )
        )
        service.record(
            PricingEvent(
                event_id=f"{listing_id}-sold", type=PricingEventType.SOLD, occurred_at=sold_at, **common
            )
        )
        written += 1
    return written
