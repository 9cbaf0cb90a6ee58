"""Order tools for the signed-in shopper: place_order, order_status, cancel_order."""

from __future__ import annotations

import hashlib
from typing import Any

from langchain_core.tools import ToolException

from core.commerce.orders import OrderLineRequest, PlaceOrderRequest, idempotency_scope
from core.context import AppContext
from core.errors import InvalidInput, NotFound, PaymentFailed
from core.schemas import Order, OrderStatus
from tools.commerce.args import CancelOrderArgs, OrderItemArgs, OrderStatusArgs, PlaceOrderArgs
from tools.commerce.context import ShopRuntime, shop_context, shopper_id
from tools.commerce.factory import commerce_tool
from tools.commerce.views import order_brief, order_view

RECENT_ORDERS = 5
MAX_IDEMPOTENCY_KEY = 255


def order_idempotency_key(user_id: str, tool_call_id: str) -> str:
    """The tool call id, scoped to the shopper: two shoppers' models reusing a call id never collide."""
    key = f"chat:{user_id}:{tool_call_id}"
    if len(key) <= MAX_IDEMPOTENCY_KEY:
        return key
    return f"chat:{user_id}:sha256:{hashlib.sha256(tool_call_id.encode()).hexdigest()}"


def order_failed(order: Order, message: str) -> ToolException:
    return ToolException(
        f"{PaymentFailed.code}: {message} (order_id={order.id}, status={order.status.value}). "
        "Nothing was charged and the reserved stock was released."
    )


def order_placed_with_key(context: AppContext, user_id: str, key: str) -> Order | None:
    """The order an earlier call with this key placed (keys are stored scoped to the shopper, hashed)."""
    record = context.services.store.orders.get_idempotency(context.tenant_id, idempotency_scope(user_id, key))
    return None if record is None else context.services.orders.get(context.tenant_id, record.order_id)


def order_lines(
    context: AppContext, user_id: str, items: list[OrderItemArgs] | None
) -> list[OrderLineRequest]:
    """The items the model named, or else the shopper's cart."""
    chosen = items if items is not None else context.services.carts.view(context.tenant_id, user_id).items
    if not chosen:
        raise InvalidInput("the cart is empty; add products to the cart or pass items")
    return [
        OrderLineRequest(product_id=line.product_id, size=line.size, quantity=line.quantity)
        for line in chosen
    ]


def shoppers_order(context: AppContext, user_id: str, order_id: str) -> Order:
    """The order, if it belongs to this shopper; another shopper's order is reported as not found."""
    order = context.services.orders.get(context.tenant_id, order_id)
    if order.user_id != user_id:
        raise NotFound(f"no order {order_id} for this shopper", {"order_id": order_id})
    return order


@commerce_tool(PlaceOrderArgs)
def place_order(
    *, items: list[OrderItemArgs] | None, region: str | None, payment_method: str, runtime: ShopRuntime
) -> dict[str, Any]:
    """Place an order for the given items, or for everything in the shopper's cart when items are
    omitted (the cart is then emptied). Reserves stock, takes payment (default 'cod', cash on delivery) and
    returns the order with its id, status and total in INR. Only call this after the shopper has confirmed."""
    context = shop_context(runtime)
    user_id = shopper_id(context)
    key = None if runtime.tool_call_id is None else order_idempotency_key(user_id, runtime.tool_call_id)
    if key is not None and (earlier := order_placed_with_key(context, user_id, key)) is not None:
        if earlier.status is OrderStatus.FAILED:
            raise order_failed(earlier, f"order failed: {earlier.failure_reason}")
        return order_view(earlier, replayed=True)

    delivery_region = region or context.region
    if delivery_region is None:
        raise InvalidInput("no delivery region; ask the shopper where to deliver and pass region")
    request = PlaceOrderRequest(
        user_id=user_id,
        items=order_lines(context, user_id, items),
        region=delivery_region,
        payment_method=payment_method,
    )
    try:
        placed = context.services.orders.place(context.tenant_id, request, idempotency_key=key, actor="chat")
    except PaymentFailed as error:
        raise order_failed(Order.model_validate(error.details["order"]), error.message) from error
    if items is None and not placed.replayed:
        context.services.carts.clear(context.tenant_id, user_id)
    return order_view(placed.order, replayed=placed.replayed)


@commerce_tool(OrderStatusArgs)
def order_status(*, order_id: str | None, runtime: ShopRuntime) -> dict[str, Any]:
    """Status and contents of one of the shopper's orders, or their most recent orders when no id is given."""
    context = shop_context(runtime)
    user_id = shopper_id(context)
    if order_id is not None:
        return order_view(shoppers_order(context, user_id, order_id))
    recent = context.services.orders.list_for_user(context.tenant_id, user_id, limit=RECENT_ORDERS)
    return {"orders": [order_brief(order) for order in recent]}


@commerce_tool(CancelOrderArgs)
def cancel_order(*, order_id: str, reason: str | None, runtime: ShopRuntime) -> dict[str, Any]:
    """Cancel one of the shopper's orders that has not shipped yet; its stock goes back on sale. Only call
    this after the shopper has confirmed."""
    context = shop_context(runtime)
    user_id = shopper_id(context)
    shoppers_order(context, user_id, order_id)
    cancelled = context.services.orders.cancel(
        context.tenant_id, order_id, reason=reason or "cancelled by customer", actor="chat"
    )
    return order_view(cancelled)
