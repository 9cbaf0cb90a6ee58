"""Cart tools for the signed-in shopper: add_to_cart, remove_from_cart, view_cart."""

from __future__ import annotations

from typing import Any

from core.context import AppContext
from core.errors import InsufficientStock
from tools.commerce.args import AddToCartArgs, RemoveFromCartArgs, ShopperOnlyArgs
from tools.commerce.catalog import offered_product
from tools.commerce.context import ShopRuntime, shop_context, shopper_id
from tools.commerce.factory import commerce_tool
from tools.commerce.views import cart_view


def ensure_stock_for_cart(context: AppContext, user_id: str, product_id: str, size: str, adding: int) -> None:
    """Refuse to grow a cart line past what the shopper's region has available.

    Only a courtesy check (stock is reserved when the order is placed); skipped when the region is unknown.
    """
    if context.region is None:
        return
    record = context.services.store.inventory.get(context.tenant_id, product_id, size, context.region)
    available = record.available if record is not None else 0
    in_cart = sum(
        line.quantity
        for line in context.services.carts.view(context.tenant_id, user_id).items
        if line.product_id == product_id and line.size == size
    )
    if in_cart + adding > available:
        shortage = f"only {available} left" if available else "sold out"
        raise InsufficientStock(
            f"size {size} is {shortage} in {context.region}",
            {
                "product_id": product_id,
                "size": size,
                "region": context.region,
                "requested": in_cart + adding,
                "available": available,
            },
        )


@commerce_tool(AddToCartArgs)
def add_to_cart(*, product_id: str, size: str, quantity: int, runtime: ShopRuntime) -> dict[str, Any]:
    """Add a product in one of its sizes to the shopper's cart. Returns the cart with totals in INR."""
    context = shop_context(runtime)
    user_id = shopper_id(context)
    offered_product(context, product_id, size)
    ensure_stock_for_cart(context, user_id, product_id, size, quantity)
    return cart_view(context.services.carts.add(context.tenant_id, user_id, product_id, size, quantity))


@commerce_tool(RemoveFromCartArgs)
def remove_from_cart(
    *, product_id: str, size: str | None, quantity: int | None, runtime: ShopRuntime
) -> dict[str, Any]:
    """Remove a product (one size, or every size) from the shopper's cart, or lower its quantity."""
    context = shop_context(runtime)
    user_id = shopper_id(context)
    return cart_view(context.services.carts.remove(context.tenant_id, user_id, product_id, size, quantity))


@commerce_tool(ShopperOnlyArgs)
def view_cart(*, runtime: ShopRuntime) -> dict[str, Any]:
    """Show the shopper's cart: items, sizes, quantities, prices and the total in INR."""
    context = shop_context(runtime)
    return cart_view(context.services.carts.view(context.tenant_id, shopper_id(context)))
