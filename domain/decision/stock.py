"""Stock of the scored products in the shopper's region, read in one batch once their sizes are chosen.

A scorer picks each product's size, and only that size's stock matters; reading it product by product costs
one store round trip each. So the decision graph scores with `stock_not_read` (every product counts as out
of stock) and then `with_stock` reads every chosen (product, size, region) row in one batch and sets
`in_stock`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
    matches what is known counts (the product's rows, read once per product). A product whose chosen size is
    out of stock but has an equally good alternative in stock is answered at that size."""
    return RegionStock(store, tenant_id, region).settle(scored, sizes_of)


@dataclass(frozen=True)
class RegionStock:
    """The stock of a tenant's products in the shopper's region (None: any region), read in batches."""

    store: Store
    tenant_id: str
    region: str | None

    def available(
        self,
        wanted: Sequence[tuple[str, str | None]],
        sizes_of: Mapping[str, Sequence[str]] | None = None,
    ) -> list[bool]:
        """Whether each (product id, size) is in stock (see `with_stock`; a size of None: any of the
        product's `sizes_of`), the rows of known keys read in one batch."""
        return _availability(wanted, self.store, self.tenant_id, self.region, sizes_of)

    def settle(
        self, scored: list[ScoredCandidate], sizes_of: Mapping[str, Sequence[str]] | None = None
    ) -> list[ScoredCandidate]:
        """`with_stock` in this region."""
        options = [option for item in scored for option in (item, *item.alternatives)]
        wanted = [(option.product_id, option.size) for option in options]
        chosen: dict[str, tuple[ScoredCandidate, bool]] = {}
        for option, available in zip(options, self.available(wanted, sizes_of), strict=True):
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
    wanted: Sequence[tuple[str, str | None]],
    store: Store,
    tenant_id: str,
    region: str | None,
    sizes_of: Mapping[str, Sequence[str]] | None,
) -> list[bool]:
    """Whether each (product id, size) is in stock (see `with_stock`): the rows of known keys read in one
    batch, a product's own rows (where only they can tell) once per product."""
    keys = [_stock_keys(product_id, size, region, sizes_of) for product_id, size in wanted]
    batch = [key for item_keys in keys if item_keys is not None for key in item_keys]
    rows = store.inventory.get_many(tenant_id, batch) if batch else {}
    listed: dict[str, list[InventoryRecord]] = {}
    found: list[bool] = []
    for (product_id, size), item_keys in zip(wanted, keys, strict=True):
        if item_keys is not None:
            available = any(_available(row) for key in item_keys if (row := rows.get(key)) is not None)
        else:
            if product_id not in listed:
                listed[product_id] = store.inventory.list_for_product(tenant_id, product_id)
            available = any(
                _available(row) and size in (None, row.size) and region in (None, row.region)
                for row in listed[product_id]
            )
        found.append(available)
    return found


def _stock_keys(
    product_id: str, size: str | None, region: str | None, sizes_of: Mapping[str, Sequence[str]] | None
) -> list[StockKey] | None:
    """The rows that decide an item's stock in the region; None when only the product's rows can tell."""
    if region is None:
        return None
    if size is not None:
        return [StockKey(product_id, size, region)]
    if sizes_of is None or product_id not in sizes_of:
        return None
    return [StockKey(product_id, listed, region) for listed in sizes_of[product_id]]


def _available(row: InventoryRecord) -> bool:
    return row.available > 0
