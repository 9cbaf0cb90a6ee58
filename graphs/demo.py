"""The demo data a new user starts with: the demo catalog and, for the merchant's pricing assistant, a small
rupee sales history (both the project's own). Seeded by `pakka serve`, `pakka db init` and `langgraph dev`."""

from __future__ import annotations

from core.catalog.demo import seed_demo_data
from core.storage.repositories import Store
from domain.pricing.demo import seed_demo_sales


def seed_demo(store: Store, tenant_id: str) -> bool:
    """Seed the demo catalog into an empty store (True when it did), and the demo sales into a tenant with no
    sales yet (also in a store seeded before the sales history shipped)."""
    seeded = seed_demo_data(store, tenant_id)
    if store.tenants.get(tenant_id) is not None:
        seed_demo_sales(store, tenant_id)
    return seeded
