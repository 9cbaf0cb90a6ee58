"""Commerce tools for the shopping chat agent: catalog, inventory, cart and orders.

Each tool reads the backends and the shopper's identity from the LangGraph run context
(`core.context.AppContext`, injected through `ToolRuntime`); the model chooses only the arguments of the
tool's schema. Every failure a model can fix comes back as an error ToolMessage, never as an exception out
of the graph.
"""

from __future__ import annotations

from langchain_core.tools import BaseTool

from tools.commerce.cart import add_to_cart, remove_from_cart, view_cart
from tools.commerce.catalog import check_inventory, get_product, search_products
from tools.commerce.orders import cancel_order, order_status, place_order

COMMERCE_TOOLS: list[BaseTool] = [
    search_products,
    get_product,
    check_inventory,
    add_to_cart,
    remove_from_cart,
    view_cart,
    place_order,
    order_status,
    cancel_order,
]

__all__ = [
    "COMMERCE_TOOLS",
    "add_to_cart",
    "cancel_order",
    "check_inventory",
    "get_product",
    "order_status",
    "place_order",
    "remove_from_cart",
    "search_products",
    "view_cart",
]
