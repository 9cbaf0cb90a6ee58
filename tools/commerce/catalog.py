"""Catalog and inventory tools: search_products, get_product, check_inventory.

search_products ranks with the knowledge base's hybrid search when one is open (`product_search`)."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

from core.context import AppContext
from core.errors import InvalidInput, NotFound
from core.schemas import InventoryRecord, Product, ProductQuery
from tools.commerce.args import CheckInventoryArgs, ProductIdArgs, SearchProductsArgs
from tools.commerce.context import ShopRuntime, shop_context
from tools.commerce.factory import commerce_tool
from tools.commerce.product_search import search_catalog
from tools.commerce.views import product_details, product_summary, stock_by_size

PAISE = Decimal("0.01")


def offered_product(context: AppContext, product_id: str, size: str | None = None) -> Product:
    """The product, checked to exist and (when `size` is given) to be offered in that size."""
    product = context.services.store.products.get(context.tenant_id, product_id)
    if product is None:
        raise NotFound(f"no product with id {product_id}", {"product_id": product_id})
    if size is not None and size not in product.sizes:
        raise InvalidInput(
            f"{product.name} does not come in size {size}; sizes: {', '.join(product.sizes) or 'none'}",
            {"product_id": product_id, "size": size},
        )
    return product


def stock_records(context: AppContext, product: Product, size: str | None = None) -> list[InventoryRecord]:
    """The product's inventory rows (one size, or all), in the order the product lists its sizes."""
    rank = {offered: position for position, offered in enumerate(product.sizes)}
    records = context.services.store.inventory.list_for_product(context.tenant_id, product.id)
    chosen = [record for record in records if size is None or record.size == size]
    return sorted(chosen, key=lambda record: (rank.get(record.size, len(rank)), record.region))


@commerce_tool(SearchProductsArgs)
def search_products(
    *,
    query: str | None,
    category: str | None,
    brand: str | None,
    max_price_inr: float | None,
    min_price_inr: float | None,
    size: str | None,
    in_stock_region: str | None,
    limit: int,
    runtime: ShopRuntime,
) -> dict[str, Any]:
    """Search the catalog by words and filters, best match first (words are matched by meaning too).
    Returns matching products with id, name, brand, price in INR and sizes. Only products in stock in the
    shopper's region are returned unless another region is given."""
    context = shop_context(runtime)
    region = in_stock_region or context.region
    price_cap = None if max_price_inr is None else Decimal(str(max_price_inr)).quantize(PAISE, ROUND_DOWN)
    price_floor = None if min_price_inr is None else Decimal(str(min_price_inr)).quantize(PAISE, ROUND_UP)
    page = search_catalog(
        context.services,
        context.tenant_id,
        ProductQuery(
            text=query,
            category=category,
            brand=brand,
            max_price_inr=price_cap,
            min_price_inr=price_floor,
            size=size,
            in_stock_region=region,
            page_size=limit,
        ),
    )
    return {
        "total_matches": page.total,
        "in_stock_region": region,
        "products": [product_summary(product) for product in page.items],
    }


@commerce_tool(ProductIdArgs)
def get_product(*, product_id: str, runtime: ShopRuntime) -> dict[str, Any]:
    """Full details of one product: description, attributes, fit notes, ingredients, and stock per size in the
    shopper's region."""
    context = shop_context(runtime)
    product = offered_product(context, product_id)
    return product_details(product, stock_by_size(stock_records(context, product), context.region))


@commerce_tool(CheckInventoryArgs)
def check_inventory(
    *, product_id: str, size: str | None, region: str | None, runtime: ShopRuntime
) -> dict[str, Any]:
    """How many units of a product (optionally one size) are available in a region (default: the
    shopper's)."""
    context = shop_context(runtime)
    product = offered_product(context, product_id, size)
    where = region or context.region
    stock = stock_by_size(stock_records(context, product, size), where)
    return {
        "product_id": product.id,
        "name": product.name,
        "region": where or "all regions",
        "in_stock": any(entry["available"] > 0 for entry in stock),
        "stock": stock,
    }
