"""Compact, JSON-ready shapes of domain records for a model to read: names, INR prices, sizes, stock.

Whole records (timestamps, versions, audit history) would only cost tokens; empty fields are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from core.commerce.carts import CartView
from core.schemas import InventoryRecord, Order, Product

DESCRIPTION_CHARS = 400


def rupees(amount: Decimal) -> float:
    return float(amount)


def compact(view: dict[str, Any]) -> dict[str, Any]:
    """Drop None and empty strings/lists/dicts (zero and False stay: they carry meaning)."""
    return {key: value for key, value in view.items() if value is not None and value not in ("", [], {})}


def product_summary(product: Product) -> dict[str, Any]:
    return compact(
        {
            "id": product.id,
            "name": product.name,
            "brand": product.brand,
            "category": product.category,
            "price_inr": rupees(product.price_inr),
            "sizes": list(product.sizes),
            "rating": product.rating,
        }
    )


def product_details(product: Product, stock: list[dict[str, Any]]) -> dict[str, Any]:
    description = product.description
    if len(description) > DESCRIPTION_CHARS:
        description = description[:DESCRIPTION_CHARS].rstrip() + "..."
    return compact(
        {
            **product_summary(product),
            "subcategory": product.subcategory,
            "description": description,
            "attributes": product.attributes,
            "fit": product.fit,
            "ingredients": list(product.ingredients),
            "stock": stock,
        }
    )


def stock_by_size(records: Iterable[InventoryRecord], region: str | None) -> list[dict[str, Any]]:
    """Units available per size: in `region` when given, otherwise summed over regions (listing where in
    stock)."""
    if region is not None:
        return [{"size": row.size, "available": row.available} for row in records if row.region == region]
    by_size: dict[str, dict[str, Any]] = {}
    for row in records:
        entry = by_size.setdefault(row.size, {"size": row.size, "available": 0, "in_stock_regions": []})
        entry["available"] += row.available
        if row.available > 0:
            entry["in_stock_regions"].append(row.region)
    return list(by_size.values())


def cart_view(cart: CartView) -> dict[str, Any]:
    return {
        "items": [
            compact(
                {
                    "product_id": line.product_id,
                    "name": line.name,
                    "brand": line.brand,
                    "size": line.size,
                    "quantity": line.quantity,
                    "unit_price_inr": rupees(line.unit_price_inr),
                    "line_total_inr": rupees(line.line_total_inr),
                }
            )
            for line in cart.items
        ],
        "item_count": sum(line.quantity for line in cart.items),
        "total_inr": rupees(cart.total_inr),
    }


def order_view(order: Order, *, replayed: bool = False) -> dict[str, Any]:
    """`already_placed` marks a retried tool call answered with the order it placed the first time."""
    view = compact(
        {
            "order_id": order.id,
            "status": order.status.value,
            "items": [
                compact(
                    {
                        "product_id": line.product_id,
                        "name": line.name,
                        "size": line.size,
                        "quantity": line.quantity,
                        "unit_price_inr": rupees(line.unit_price_inr),
                    }
                )
                for line in order.items
            ],
            "total_inr": rupees(order.total_inr),
            "region": order.region,
            "payment_method": order.payment_method,
            "payment_reference": order.payment_reference,
            "failure_reason": order.failure_reason,
            "placed_at": order.created_at.isoformat(timespec="seconds"),
        }
    )
    if replayed:
        view["already_placed"] = True
    return view


def order_brief(order: Order) -> dict[str, Any]:
    """One line of an order list: enough to pick the order to ask about."""
    return {
        "order_id": order.id,
        "status": order.status.value,
        "total_inr": rupees(order.total_inr),
        "item_count": sum(line.quantity for line in order.items),
        "placed_at": order.created_at.isoformat(timespec="seconds"),
    }
