"""Idempotent order placement: an Idempotency-Key places at most one order, whatever retries arrive."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.commerce.orders import OrderService, PlacedOrder
from core.commerce.payments import PaymentGateway, TestPaymentProvider
from core.errors import IdempotencyKeyReused, InvalidInput, PaymentFailed
from core.schemas import OrderStatus
from core.storage.repositories import Store
from tests.core.commerce.shop import (
    KURTA,
    SHOPPER,
    SNEAKER,
    TENANT,
    open_shop,
    order_request,
    set_stock,
    stock,
)


def test_the_same_key_and_request_twice_places_one_order_and_replays_it(
    orders: OrderService, shop: Store, card: TestPaymentProvider
) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    request = order_request((SNEAKER, "UK8", 2), payment_method="test")

    first = orders.place(TENANT, request, idempotency_key="checkout-1")
    again = orders.place(TENANT, request, idempotency_key="checkout-1")

    assert (first.replayed, again.replayed) == (False, True)
    assert again.order == first.order
    assert card.charged == [first.order.id]
    assert stock(shop, SNEAKER, "UK8") == (8, 0)
    assert len(orders.list_for_user(TENANT, SHOPPER)) == 1


def test_the_same_key_from_ten_threads_at_once_places_one_order(
    orders: OrderService, shop: Store, card: TestPaymentProvider
) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    request = order_request((SNEAKER, "UK8", 1), payment_method="test")
    start = threading.Barrier(10)

    def place() -> PlacedOrder:
        start.wait()
        return orders.place(TENANT, request, idempotency_key="double-tap")

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = [future.result() for future in [pool.submit(place) for _ in range(10)]]

    assert sorted(result.replayed for result in results) == [False] + [True] * 9
    assert {result.order.id for result in results} == {card.charged[0]}
    assert len(card.charged) == 1
    assert stock(shop, SNEAKER, "UK8") == (9, 0)
    assert [order.status for order in orders.list_for_user(TENANT, SHOPPER)] == [OrderStatus.CONFIRMED]


def test_the_same_key_with_a_different_request_is_rejected(orders: OrderService, shop: Store) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    orders.place(TENANT, order_request((SNEAKER, "UK8", 1)), idempotency_key="checkout-2")

    with pytest.raises(IdempotencyKeyReused):
        orders.place(TENANT, order_request((SNEAKER, "UK8", 3)), idempotency_key="checkout-2")

    assert stock(shop, SNEAKER, "UK8") == (9, 0)
    assert len(orders.list_for_user(TENANT, SHOPPER)) == 1


def test_the_same_lines_in_another_order_are_the_same_request(orders: OrderService, shop: Store) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    set_stock(shop, KURTA, "M", 10)
    basket = order_request((SNEAKER, "UK8", 1), (KURTA, "M", 2))
    first = orders.place(TENANT, basket, idempotency_key="checkout-3")

    reordered = order_request((KURTA, "M", 1), (SNEAKER, "UK8", 1), (KURTA, "M", 1))

    again = orders.place(TENANT, reordered, idempotency_key="checkout-3")

    assert again.replayed and again.order.id == first.order.id
    assert stock(shop, KURTA, "M") == (8, 0)


def test_different_keys_place_different_orders(orders: OrderService, shop: Store) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    request = order_request((SNEAKER, "UK8", 1))

    first = orders.place(TENANT, request, idempotency_key="checkout-4")
    second = orders.place(TENANT, request, idempotency_key="checkout-5")

    assert first.order.id != second.order.id
    assert not second.replayed
    assert stock(shop, SNEAKER, "UK8") == (8, 0)


def test_a_declined_payment_retried_with_its_key_raises_the_same_failure_without_charging_again(
    shop: Store,
) -> None:
    declining = TestPaymentProvider(decline_reason="card expired")
    orders = OrderService(shop, PaymentGateway([declining]))
    set_stock(shop, SNEAKER, "UK8", 10)
    request = order_request((SNEAKER, "UK8", 2), payment_method="test")

    with pytest.raises(PaymentFailed) as first:
        orders.place(TENANT, request, idempotency_key="checkout-6")
    with pytest.raises(PaymentFailed) as again:
        orders.place(TENANT, request, idempotency_key="checkout-6")

    assert again.value.details == first.value.details
    assert again.value.details["order"]["failure_reason"] == "card expired"
    assert declining.charged == [first.value.details["order"]["id"]]
    assert len(orders.list_for_user(TENANT, SHOPPER)) == 1
    assert stock(shop, SNEAKER, "UK8") == (10, 0)


def test_keys_are_scoped_to_their_tenant(orders: OrderService, shop: Store) -> None:
    open_shop(shop, "bolt")
    set_stock(shop, SNEAKER, "UK8", 5)
    set_stock(shop, SNEAKER, "UK8", 5, tenant_id="bolt")
    request = order_request((SNEAKER, "UK8", 1))

    in_acme = orders.place(TENANT, request, idempotency_key="checkout-7")
    in_bolt = orders.place("bolt", request, idempotency_key="checkout-7")

    assert not in_bolt.replayed
    assert in_bolt.order.tenant_id == "bolt" and in_acme.order.tenant_id == TENANT
    assert stock(shop, SNEAKER, "UK8", tenant_id="bolt") == (4, 0)


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_an_empty_or_overlong_key_is_invalid(orders: OrderService, shop: Store, key: str) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)

    with pytest.raises(InvalidInput):
        orders.place(TENANT, order_request((SNEAKER, "UK8", 1)), idempotency_key=key)

    assert stock(shop, SNEAKER, "UK8") == (10, 0)
