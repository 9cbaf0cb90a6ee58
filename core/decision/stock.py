"""Stock of the scored products in the shopper's region, read in one batch once their sizes are chosen.

A scorer picks each product's size, and only that size's stock matters; reading it product by product costs
one store round trip each. So the decision graph scores with `stock_not_read` (every product counts as out
of stock) and then `with_stock` reads every chosen (product, size, region) row in one batch and sets
`in_stock`.
"""

from __future__ import annotations

from core.decision.filtering import ScoredCandidate
from core.schemas import InventoryRecord
from core.storage.repositories import StockKey, Store


def stock_not_read(size: str | None) -> bool:
    """The stock check scorers get before `with_stock` reads the real stock: nothing counts as available."""
    return False


def with_stock(
    scored: list[ScoredCandidate], store: Store, tenant_id: str, region: str | None
) -> list[ScoredCandidate]:
    """`scored` with `in_stock` read from the store: for a chosen size in a region, that one row (all such
    rows in one batch); without a size or a region, any row of the product that matches what is known."""
    exact = [
        StockKey(item.product_id, item.size, region)
        for item in scored
        if item.size is not None and region is not None
    ]
    rows = store.inventory.get_many(tenant_id, exact) if exact else {}
    marked: list[ScoredCandidate] = []
    for item in scored:
        if item.size is not None and region is not None:
            row = rows.get(StockKey(item.product_id, item.size, region))
            available = row is not None and _available(row)
        else:
            available = any(
                _available(row) and item.size in (None, row.size) and region in (None, row.region)
                for row in store.inventory.list_for_product(tenant_id, item.product_id)
            )
        marked.append(item.model_copy(update={"in_stock": available}) if available != item.in_stock else item)
    return marked


def _available(row: InventoryRecord) -> bool:
    return row.available > 0
