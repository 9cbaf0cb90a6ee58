"""What an imported catalog lacks to be sold: a size to order and stock to reserve.

A marketplace export (the Flipkart sample) states sizes for few products and stock for none, so without
defaults its products can be found but never put in a cart or ordered. `pakka catalog import` therefore
fills in, and says that it did (in the product's attributes and the command's summary):

- sizes: a product whose row names no size gets the one size `ONE_SIZE` (`attributes["sizes_assumed"]`);
- stock: every size gets `units` in each of `regions` (default: the eight metros, where every demo product
  is carried) unless that size already has a stock row there, so re-importing never overwrites stock set
  since. `--stock 0` imports without stock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.catalog.regions import regions_in_tier
from core.schemas import InventoryRecord, Product
from core.storage.repositories import StockKey, Store

ONE_SIZE = "One Size"
DEFAULT_UNITS = 20


def metro_regions() -> list[str]:
    return [region.slug for region in regions_in_tier(1)]


@dataclass(frozen=True)
class ImportDefaults:
    units: int = DEFAULT_UNITS
    """Units per size and region for stock rows that do not exist yet; 0 adds no stock."""
    regions: Sequence[str] = field(default_factory=metro_regions)


@dataclass
class DefaultsApplied:
    sizes_assumed: int = 0
    stock_rows: int = 0


def with_default_size(product: Product) -> Product:
    """The product, with ONE_SIZE (marked as assumed) when its row named no size."""
    if product.sizes:
        return product
    attributes = {**product.attributes, "sizes_assumed": True}
    return product.model_copy(update={"sizes": [ONE_SIZE], "attributes": attributes})


def add_default_stock(
    store: Store, products: Sequence[Product], defaults: ImportDefaults, applied: DefaultsApplied
) -> None:
    """`defaults.units` of every size of `products` in each of `defaults.regions`, where no row exists."""
    if defaults.units <= 0 or not products:
        return
    tenant_id = products[0].tenant_id
    keys = [
        StockKey(product.id, size, region)
        for product in products
        for size in product.sizes
        for region in defaults.regions
    ]
    existing = store.inventory.get_many(tenant_id, keys)
    records = [
        InventoryRecord(
            tenant_id=tenant_id,
            product_id=key.product_id,
            size=key.size,
            region=key.region,
            available=defaults.units,
        )
        for key in keys
        if key not in existing
    ]
    if records:
        applied.stock_rows += store.inventory.put_many(records)
