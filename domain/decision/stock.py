"""Stock of the scored products in the shopper's region, read in one batch once their sizes are chosen.

A scorer picks each product's size, and only that size's stock matters; reading it product by product costs
one store round trip each. So the decision graph scores with `stock_not_read` (every product counts as out
of stock) and then `with_stock` reads every chosen (product, size, region) row in one batch and sets
`in_stock`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.schemas import InventoryRecord
from core.storage.repositories import StockKey, Store
from domain.decision.filtering import ScoredCandidate


def stock_not_read(size: str | None) -> bool:
    """The stock check scorers get before `with_stock` reads the real stock: nothing counts as available."""
    return False


def with_stock(
    scored: list[ScoredCandidate],
    store: Store,
    tenant_id: str,
    region: str | None,
    sizes_of: Mapping[str, Sequence[str]] | None = None,
) -> list[ScoredCandidate]:
    """`scored` with `in_stock` read from the store, in one batch for everything asked about a region: a
    chosen size's row there, or for a product scored without a size (skincare) the rows of its listed sizes
    (`sizes_of`, by product id). Without a region, or without known sizes, any row of the product that
    matches what is known counts (the product's rows, read alone). A product whose chosen size is out of
    stock but has an equally good alternative in stock is answered at that size."""
    options = [option for item in scored for option in (item, *item.alternatives)]
    chosen: dict[str, tuple[ScoredCandidate, bool]] = {}
    for option, available in zip(
        options, _availability(options, store, tenant_id, region, sizes_of), strict=True
    ):
        found = chosen.get(option.product_id)
        if found is None or (available and not found[1]):
            chosen[option.product_id] = (option, available)
    # Only the answer for each product is copied: without its alternatives, with the stock read.
    return [_settled(option, available) for option, available in chosen.values()]


def _settled(option: ScoredCandidate, available: bool) -> ScoredCandidate:
    update: dict[str, object] = {}
    if option.alternatives:
        update["alternatives"] = ()
    if available != option.in_stock:
        update["in_stock"] = available
    return option.model_copy(update=update) if update else option


def _availability(
    scored: list[ScoredCandidate],
    store: Store,
    tenant_id: str,
    region: str | None,
    sizes_of: Mapping[str, Sequence[str]] | None,
) -> list[bool]:
    """Whether each item is in stock (see `with_stock`): the rows of known keys read in one batch."""
    keys = [_stock_keys(item, region, sizes_of) for item in scored]
    wanted = [key for item_keys in keys if item_keys is not None for key in item_keys]
    rows = store.inventory.get_many(tenant_id, wanted) if wanted else {}
    found: list[bool] = []
    for item, item_keys in zip(scored, keys, strict=True):
        if item_keys is not None:
            available = any(_available(row) for key in item_keys if (row := rows.get(key)) is not None)
        else:
            available = any(
                _available(row) and item.size in (None, row.size) and region in (None, row.region)
                for row in store.inventory.list_for_product(tenant_id, item.product_id)
            )
        found.append(available)
    return found


def _stock_keys(
    item: ScoredCandidate, region: str | None, sizes_of: Mapping[str, Sequence[str]] | None
) -> list[StockKey] | None:
    """The rows that decide the item's stock in the region; None when only the product's rows can tell."""
    if region is None:
        return None
    if item.size is not None:
        return [StockKey(item.product_id, item.size, region)]
    if sizes_of is None or item.product_id not in sizes_of:
        return None
    return [StockKey(item.product_id, size, region) for size in sizes_of[item.product_id]]


def _available(row: InventoryRecord) -> bool:
    return row.available > 0
