"""Reservation expiry (OrderService.expire_reservations): stock held by an order that never finished placing
(a crash between reserving and charging) goes back on sale once its reservation runs out."""

from __future__ import annotations

from datetime import timedelta

import pytest

import core.commerce.orders as orders_module
from core.commerce.orders import OrderService, fingerprint, idempotency_scope, merge_lines
from core.schemas import IdempotencyRecord, OrderStatus
from core.storage.repositories import Store
from tests.core.commerce.shop import (
    KURTA,
    SERUM,
    SNEAKER,
    START,
    TENANT,
    ManualClock,
    abandoned_order,
    open_shop,
    order_request,
    set_stock,
    stock,
)


def test_an_abandoned_reservation_expires_after_thirty_minutes_and_not_before(
    orders: OrderService, shop: Store, clock: ManualClock
) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    crashed = shop.orders.create_reserving(abandoned_order((SNEAKER, "UK8", 2), created_at=clock.now))

    clock.advance(timedelta(minutes=29, seconds=59))
    assert orders.expire_reservations() == 0
    assert orders.get(TENANT, crashed.id).status is OrderStatus.PENDING_PAYMENT
    assert stock(shop, SNEAKER, "UK8") == (8, 2)

    clock.advance(timedelta(seconds=1))
    assert orders.expire_reservations() == 1

    expired = orders.get(TENANT, crashed.id)
    assert expired.status is OrderStatus.FAILED
    assert expired.failure_reason == "RESERVATION_EXPIRED"
    assert stock(shop, SNEAKER, "UK8") == (10, 0)
    [entry] = shop.audit.list(TENANT, entity_type="order", entity_id=crashed.id)
    assert (entry.action, entry.actor) == ("order.failed", "reservation-sweeper")


def test_an_explicit_now_is_used_instead_of_the_clock(orders: OrderService, shop: Store) -> None:
    set_stock(shop, KURTA, "M", 4)
    crashed = shop.orders.create_reserving(abandoned_order((KURTA, "M", 4)))

    assert orders.expire_reservations(now=START + timedelta(minutes=10)) == 0
    assert orders.expire_reservations(now=START + timedelta(hours=2)) == 1
    assert orders.get(TENANT, crashed.id).status is OrderStatus.FAILED


def test_sweeping_twice_expires_an_order_once(orders: OrderService, shop: Store, clock: ManualClock) -> None:
    set_stock(shop, KURTA, "M", 4)
    shop.orders.create_reserving(abandoned_order((KURTA, "M", 1)))
    clock.advance(timedelta(hours=1))

    assert [orders.expire_reservations(), orders.expire_reservations()] == [1, 0]
    assert stock(shop, KURTA, "M") == (4, 0)


def test_only_reservations_past_their_expiry_are_released(
    orders: OrderService, shop: Store, clock: ManualClock
) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    old = shop.orders.create_reserving(abandoned_order((SNEAKER, "UK8", 1), created_at=clock.now))
    recent = shop.orders.create_reserving(
        abandoned_order((SNEAKER, "UK8", 2), created_at=clock.now + timedelta(minutes=20))
    )
    clock.advance(timedelta(minutes=35))

    assert orders.expire_reservations() == 1
    assert orders.get(TENANT, old.id).status is OrderStatus.FAILED
    assert orders.get(TENANT, recent.id).status is OrderStatus.PENDING_PAYMENT
    assert stock(shop, SNEAKER, "UK8") == (8, 2)


def test_confirmed_orders_are_never_expired(orders: OrderService, shop: Store, clock: ManualClock) -> None:
    set_stock(shop, SERUM, "30ml", 3)
    paid = orders.place(TENANT, order_request((SERUM, "30ml", 1))).order
    clock.advance(timedelta(days=3))

    assert orders.expire_reservations() == 0
    assert orders.get(TENANT, paid.id).status is OrderStatus.CONFIRMED
    assert stock(shop, SERUM, "30ml") == (2, 0)


def test_every_tenants_reservations_are_swept(orders: OrderService, shop: Store, clock: ManualClock) -> None:
    open_shop(shop, "bolt")
    set_stock(shop, SNEAKER, "UK8", 5)
    set_stock(shop, SNEAKER, "UK8", 5, tenant_id="bolt")
    shop.orders.create_reserving(abandoned_order((SNEAKER, "UK8", 1)))
    shop.orders.create_reserving(abandoned_order((SNEAKER, "UK8", 2), tenant_id="bolt"))
    clock.advance(timedelta(hours=1))

    assert orders.expire_reservations() == 2
    assert stock(shop, SNEAKER, "UK8") == (5, 0)
    assert stock(shop, SNEAKER, "UK8", tenant_id="bolt") == (5, 0)


def test_more_expired_reservations_than_one_batch_are_all_released(
    orders: OrderService, shop: Store, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(orders_module, "SWEEP_BATCH", 2)
    set_stock(shop, KURTA, "S", 10)
    for minute in range(5):
        shop.orders.create_reserving(
            abandoned_order((KURTA, "S", 1), created_at=clock.now + timedelta(minutes=minute))
        )
    clock.advance(timedelta(hours=1))

    assert orders.expire_reservations() == 5
    assert stock(shop, KURTA, "S") == (10, 0)


def test_a_retry_of_an_expired_order_gets_the_failed_order_back_not_a_payment_error(
    orders: OrderService, shop: Store, clock: ManualClock
) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    request = order_request((SNEAKER, "UK8", 1))
    crashed = abandoned_order((SNEAKER, "UK8", 1)).model_copy(update={"idempotency_key": "checkout-9"})
    bound = IdempotencyRecord(
        tenant_id=TENANT,
        key=idempotency_scope(request.user_id, "checkout-9"),
        order_id=crashed.id,
        request_hash=fingerprint(request, merge_lines(request.items)),
    )
    shop.orders.create_reserving(crashed, bound)
    clock.advance(timedelta(hours=1))
    orders.expire_reservations()

    replay = orders.place(TENANT, request, idempotency_key="checkout-9")

    assert replay.replayed
    assert replay.order.status is OrderStatus.FAILED
    assert replay.order.failure_reason == "RESERVATION_EXPIRED"
    assert stock(shop, SNEAKER, "UK8") == (10, 0)
