"""After placement: cancelling (OrderService.cancel) and fulfilment (OrderService.advance)."""

from __future__ import annotations

import pytest

from core.commerce.orders import OrderService
from core.errors import InvalidTransition, NotFound
from core.schemas import Order, OrderStatus
from core.storage.repositories import Store
from tests.core.commerce.shop import KURTA, SNEAKER, TENANT, abandoned_order, order_request, set_stock, stock


@pytest.fixture
def confirmed(orders: OrderService, shop: Store) -> Order:
    """A cash-on-delivery order for 3 of 10 sneakers in UK8."""
    set_stock(shop, SNEAKER, "UK8", 10)
    return orders.place(TENANT, order_request((SNEAKER, "UK8", 3))).order


def audited_actions(store: Store, order: Order) -> set[str]:
    return {entry.action for entry in store.audit.list(TENANT, entity_type="order", entity_id=order.id)}


def test_cancelling_a_confirmed_order_puts_its_units_back(
    orders: OrderService, shop: Store, confirmed: Order
) -> None:
    assert stock(shop, SNEAKER, "UK8") == (7, 0)

    cancelled = orders.cancel(TENANT, confirmed.id)

    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.history[-1].reason == "cancelled by customer"
    assert stock(shop, SNEAKER, "UK8") == (10, 0)
    assert orders.get(TENANT, confirmed.id) == cancelled


def test_cancelling_a_pending_order_releases_its_reservation(orders: OrderService, shop: Store) -> None:
    set_stock(shop, KURTA, "L", 5)
    pending = shop.orders.create_reserving(abandoned_order((KURTA, "L", 2)))
    assert stock(shop, KURTA, "L") == (3, 2)

    cancelled = orders.cancel(TENANT, pending.id, reason="ordered by mistake", actor="support:neha")

    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.history[-1].reason == "ordered by mistake"
    assert stock(shop, KURTA, "L") == (5, 0)
    [entry] = shop.audit.list(TENANT, entity_type="order", entity_id=pending.id)
    assert (entry.action, entry.actor, entry.details["reason"]) == (
        "order.cancelled",
        "support:neha",
        "ordered by mistake",
    )


def test_a_cancellation_is_audited(orders: OrderService, shop: Store, confirmed: Order) -> None:
    orders.cancel(TENANT, confirmed.id)

    assert audited_actions(shop, confirmed) == {"order.placed", "order.confirmed", "order.cancelled"}


def test_a_shipped_order_cannot_be_cancelled(orders: OrderService, shop: Store, confirmed: Order) -> None:
    orders.advance(TENANT, confirmed.id, OrderStatus.SHIPPED)

    with pytest.raises(InvalidTransition) as raised:
        orders.cancel(TENANT, confirmed.id)

    assert raised.value.details == {"from_status": "SHIPPED", "to_status": "CANCELLED"}
    assert orders.get(TENANT, confirmed.id).status is OrderStatus.SHIPPED
    assert stock(shop, SNEAKER, "UK8") == (7, 0)


def test_a_cancelled_order_cannot_be_cancelled_again(
    orders: OrderService, shop: Store, confirmed: Order
) -> None:
    orders.cancel(TENANT, confirmed.id)

    with pytest.raises(InvalidTransition):
        orders.cancel(TENANT, confirmed.id)

    assert stock(shop, SNEAKER, "UK8") == (10, 0)


def test_a_confirmed_order_is_shipped_then_delivered(
    orders: OrderService, shop: Store, confirmed: Order
) -> None:
    shipped = orders.advance(TENANT, confirmed.id, OrderStatus.SHIPPED)
    delivered = orders.advance(TENANT, confirmed.id, OrderStatus.DELIVERED, actor="courier:delhivery")

    assert shipped.status is OrderStatus.SHIPPED
    assert delivered.status is OrderStatus.DELIVERED
    assert [change.status for change in delivered.history] == [
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.CONFIRMED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
    ]
    assert stock(shop, SNEAKER, "UK8") == (7, 0)
    entries = {entry.action: entry.actor for entry in shop.audit.list(TENANT, entity_id=confirmed.id)}
    assert (entries["order.shipped"], entries["order.delivered"]) == ("ops", "courier:delhivery")


@pytest.mark.parametrize(
    "to_status",
    [OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.FAILED, OrderStatus.PENDING_PAYMENT],
)
def test_a_confirmed_order_cannot_be_advanced_except_to_shipped(
    orders: OrderService, shop: Store, confirmed: Order, to_status: OrderStatus
) -> None:
    with pytest.raises(InvalidTransition):
        orders.advance(TENANT, confirmed.id, to_status)

    assert orders.get(TENANT, confirmed.id).status is OrderStatus.CONFIRMED
    assert stock(shop, SNEAKER, "UK8") == (7, 0)


def test_a_delivered_order_cannot_go_back_to_shipped(orders: OrderService, confirmed: Order) -> None:
    orders.advance(TENANT, confirmed.id, OrderStatus.SHIPPED)
    orders.advance(TENANT, confirmed.id, OrderStatus.DELIVERED)

    with pytest.raises(InvalidTransition):
        orders.advance(TENANT, confirmed.id, OrderStatus.SHIPPED)


def test_a_pending_order_cannot_be_shipped_before_it_is_paid(orders: OrderService, shop: Store) -> None:
    set_stock(shop, KURTA, "S", 1)
    pending = shop.orders.create_reserving(abandoned_order((KURTA, "S", 1)))

    with pytest.raises(InvalidTransition):
        orders.advance(TENANT, pending.id, OrderStatus.SHIPPED)


def test_cancelling_or_advancing_an_unknown_order_is_not_found(orders: OrderService) -> None:
    with pytest.raises(NotFound):
        orders.cancel(TENANT, "ord_missing")
    with pytest.raises(NotFound):
        orders.advance(TENANT, "ord_missing", OrderStatus.SHIPPED)


def test_an_order_of_another_tenant_is_not_found(orders: OrderService, confirmed: Order) -> None:
    with pytest.raises(NotFound):
        orders.cancel("bolt", confirmed.id)
