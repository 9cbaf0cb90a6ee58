"""Placing orders (OrderService.place): the reserve -> charge -> confirm/fail saga, on every store backend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core.commerce.orders import OrderService
from core.commerce.payments import CashOnDelivery, PaymentGateway, PaymentResult, TestPaymentProvider
from core.errors import InsufficientStock, InvalidInput, NotFound, PaymentFailed
from core.schemas import Order, OrderStatus
from core.storage.repositories import Store
from tests.core.commerce.shop import (
    KURTA,
    SERUM,
    SHOPPER,
    SNEAKER,
    TENANT,
    ManualClock,
    order_request,
    set_stock,
    stock,
)


class UnreachableBank:
    method = "netbanking"

    def charge(self, order: Order) -> PaymentResult:
        raise TimeoutError(f"bank timed out charging {order.id}")


def audit_actions(store: Store, order_id: str) -> set[str]:
    """The audited actions of one order (the injected clock stands still, so as a set, not a sequence)."""
    return {entry.action for entry in store.audit.list(TENANT, entity_type="order", entity_id=order_id)}


def test_a_cash_on_delivery_order_is_confirmed_and_its_units_leave_stock(
    orders: OrderService, shop: Store, clock: ManualClock
) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)

    placed = orders.place(TENANT, order_request((SNEAKER, "UK8", 2)))

    order = placed.order
    assert placed.replayed is False
    assert order.status is OrderStatus.CONFIRMED
    assert order.payment_reference == f"COD-{order.id}"
    assert [change.status for change in order.history] == [OrderStatus.PENDING_PAYMENT, OrderStatus.CONFIRMED]
    assert order.reservation_expires_at == clock.now + timedelta(minutes=30)
    assert stock(shop, SNEAKER, "UK8") == (8, 0)
    assert orders.get(TENANT, order.id) == order


def test_prices_and_names_come_from_the_catalog(orders: OrderService, shop: Store) -> None:
    set_stock(shop, SNEAKER, "UK9", 5)
    set_stock(shop, SERUM, "30ml", 5)

    order = orders.place(TENANT, order_request((SNEAKER, "UK9", 1), (SERUM, "30ml", 3))).order

    assert [(line.name, line.unit_price_inr, line.quantity) for line in order.items] == [
        ("Stride Runner", Decimal("2499.00"), 1),
        ("Niacinamide Serum", Decimal("649.50"), 3),
    ]
    assert order.total_inr == Decimal("4447.50")


def test_lines_for_the_same_product_and_size_are_merged(orders: OrderService, shop: Store) -> None:
    set_stock(shop, KURTA, "M", 10)

    order = orders.place(TENANT, order_request((KURTA, "M", 2), (KURTA, "M", 3))).order

    assert [(line.product_id, line.size, line.quantity) for line in order.items] == [(KURTA.id, "M", 5)]
    assert stock(shop, KURTA, "M") == (5, 0)


def test_more_than_twenty_units_of_one_size_after_merging_is_invalid(
    orders: OrderService, shop: Store
) -> None:
    set_stock(shop, KURTA, "M", 50)

    with pytest.raises(InvalidInput):
        orders.place(TENANT, order_request((KURTA, "M", 15), (KURTA, "M", 6)))

    assert stock(shop, KURTA, "M") == (50, 0)
    assert orders.list_for_user(TENANT, SHOPPER) == []


def test_an_unknown_product_is_not_found_and_nothing_is_reserved(orders: OrderService, shop: Store) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    request = order_request((SNEAKER, "UK8", 1))
    request.items[0].product_id = "no-such-shoe"

    with pytest.raises(NotFound) as raised:
        orders.place(TENANT, request)

    assert raised.value.details == {"product_id": "no-such-shoe"}
    assert stock(shop, SNEAKER, "UK8") == (10, 0)


def test_a_size_the_product_does_not_come_in_is_invalid(orders: OrderService, shop: Store) -> None:
    with pytest.raises(InvalidInput) as raised:
        orders.place(TENANT, order_request((SNEAKER, "UK12", 1)))

    assert raised.value.details == {"product_id": SNEAKER.id, "size": "UK12", "sizes": ["UK7", "UK8", "UK9"]}
    assert orders.list_for_user(TENANT, SHOPPER) == []


def test_an_unknown_payment_method_is_invalid(orders: OrderService, shop: Store) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)

    with pytest.raises(InvalidInput) as raised:
        orders.place(TENANT, order_request((SNEAKER, "UK8", 1), payment_method="crypto"))

    assert raised.value.details == {"payment_method": "crypto", "accepted": ["cod", "test"]}
    assert stock(shop, SNEAKER, "UK8") == (10, 0)


def test_when_one_line_is_short_of_stock_no_line_is_reserved(orders: OrderService, shop: Store) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    set_stock(shop, KURTA, "L", 1)

    with pytest.raises(InsufficientStock) as raised:
        orders.place(TENANT, order_request((SNEAKER, "UK8", 2), (KURTA, "L", 3)))

    assert raised.value.details["product_id"] == KURTA.id
    assert raised.value.details["requested"] == 3
    assert stock(shop, SNEAKER, "UK8") == (10, 0)
    assert stock(shop, KURTA, "L") == (1, 0)
    assert orders.list_for_user(TENANT, SHOPPER) == []


def test_a_size_never_stocked_in_the_region_is_insufficient_stock(orders: OrderService) -> None:
    with pytest.raises(InsufficientStock):
        orders.place(TENANT, order_request((SERUM, "30ml", 1)))

    assert orders.list_for_user(TENANT, SHOPPER) == []


def test_a_declined_payment_fails_the_order_and_puts_the_stock_back(shop: Store, clock: ManualClock) -> None:
    declining = TestPaymentProvider(decline_reason="card declined by issuer")
    orders = OrderService(shop, PaymentGateway([declining]), clock=clock)
    set_stock(shop, SNEAKER, "UK8", 10)

    with pytest.raises(PaymentFailed) as raised:
        orders.place(TENANT, order_request((SNEAKER, "UK8", 4), payment_method="test"))

    failed = Order.model_validate(raised.value.details["order"])
    assert failed.status is OrderStatus.FAILED
    assert failed.failure_reason == "card declined by issuer"
    assert failed.history[-1].reason == "card declined by issuer"
    assert orders.get(TENANT, failed.id) == failed
    assert declining.charged == [failed.id]
    assert stock(shop, SNEAKER, "UK8") == (10, 0)


def test_a_provider_error_is_a_declined_payment_named_after_the_error(shop: Store) -> None:
    orders = OrderService(shop, PaymentGateway([CashOnDelivery(), UnreachableBank()]))
    set_stock(shop, KURTA, "S", 3)

    with pytest.raises(PaymentFailed) as raised:
        orders.place(TENANT, order_request((KURTA, "S", 3), payment_method="netbanking"))

    assert raised.value.details["order"]["failure_reason"] == "TimeoutError"
    assert stock(shop, KURTA, "S") == (3, 0)


def test_a_placed_order_is_audited_as_placed_then_confirmed_by_its_actor(
    orders: OrderService, shop: Store
) -> None:
    set_stock(shop, SNEAKER, "UK7", 2)

    order = orders.place(TENANT, order_request((SNEAKER, "UK7", 1)), actor="chat:u-priya").order

    entries = shop.audit.list(TENANT, entity_type="order", entity_id=order.id)
    assert audit_actions(shop, order.id) == {"order.placed", "order.confirmed"}
    assert {entry.actor for entry in entries} == {"chat:u-priya"}


def test_a_declined_order_is_audited_as_placed_then_failed_with_the_reason(shop: Store) -> None:
    orders = OrderService(shop, PaymentGateway([TestPaymentProvider(decline_reason="insufficient funds")]))
    set_stock(shop, SNEAKER, "UK7", 2)

    with pytest.raises(PaymentFailed) as raised:
        orders.place(TENANT, order_request((SNEAKER, "UK7", 1), payment_method="test"))

    order_id = raised.value.details["order"]["id"]
    assert audit_actions(shop, order_id) == {"order.placed", "order.failed"}
    entries = shop.audit.list(TENANT, entity_type="order", entity_id=order_id)
    failed_entry = next(entry for entry in entries if entry.action == "order.failed")
    assert failed_entry.details["reason"] == "insufficient funds"


def test_a_shoppers_orders_are_listed_newest_first(
    orders: OrderService, shop: Store, clock: ManualClock
) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    first = orders.place(TENANT, order_request((SNEAKER, "UK8", 1))).order
    clock.advance(timedelta(minutes=5))
    second = orders.place(TENANT, order_request((SNEAKER, "UK8", 2))).order
    orders.place(TENANT, order_request((SNEAKER, "UK8", 1), user_id="u-arjun"))

    assert [order.id for order in orders.list_for_user(TENANT, SHOPPER)] == [second.id, first.id]


def test_getting_an_unknown_order_is_not_found(orders: OrderService) -> None:
    with pytest.raises(NotFound):
        orders.get(TENANT, "ord_missing")
