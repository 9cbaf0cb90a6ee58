"""Orders under concurrency: racing shoppers never oversell, and racing status changes never apply a stock
effect twice (the saga re-reads the order after a VersionConflict and decides again)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from core.commerce.orders import OrderService
from core.commerce.payments import PaymentGateway, PaymentResult, default_gateway
from core.errors import InsufficientStock, InvalidTransition
from core.schemas import Order, OrderStatus, StockEffect
from core.storage.repositories import Store
from tests.core.commerce.shop import (
    KURTA,
    SNEAKER,
    TENANT,
    abandoned_order,
    order_request,
    set_stock,
    stock,
)


class CustomerCancelsDuringPayment:
    """A provider that, while the charge is in flight, lets the shopper cancel through another API worker."""

    method = "test"

    def __init__(self, other_worker: OrderService) -> None:
        self.other_worker = other_worker

    def charge(self, order: Order) -> PaymentResult:
        self.other_worker.cancel(order.tenant_id, order.id, reason="changed my mind")
        return PaymentResult(ok=True, reference=f"TEST-{order.id}")


def before_next_transition(
    monkeypatch: pytest.MonkeyPatch, store: Store, interleave: Callable[[], Any]
) -> None:
    """Run `interleave` (another writer) right before the next `store.orders.transition` call, once."""
    real_transition = store.orders.transition

    def transition_after_the_other_writer(*args: Any, **kwargs: Any) -> Order:
        monkeypatch.setattr(store.orders, "transition", real_transition)
        interleave()
        return real_transition(*args, **kwargs)

    monkeypatch.setattr(store.orders, "transition", transition_after_the_other_writer)


def test_fifty_shoppers_racing_for_ten_units_get_exactly_ten_orders(
    orders: OrderService, shop: Store
) -> None:
    set_stock(shop, SNEAKER, "UK8", 10)
    start = threading.Barrier(50)
    racing = threading.Event()
    racing.set()
    observed: list[tuple[int, int]] = []

    def watch_stock() -> None:
        """Read the stock row throughout the race (a negative count would already fail validation here)."""
        while racing.is_set():
            observed.append(stock(shop, SNEAKER, "UK8"))

    def buy_one(shopper: int) -> str:
        request = order_request((SNEAKER, "UK8", 1), user_id=f"u-{shopper}")
        start.wait()
        try:
            return orders.place(TENANT, request).order.status
        except InsufficientStock:
            return "INSUFFICIENT_STOCK"

    with ThreadPoolExecutor(max_workers=1) as watcher:
        watching = watcher.submit(watch_stock)
        with ThreadPoolExecutor(max_workers=50) as shoppers:
            outcomes = Counter(shoppers.map(buy_one, range(50)))
        racing.clear()
        watching.result()

    assert outcomes == {OrderStatus.CONFIRMED: 10, "INSUFFICIENT_STOCK": 40}
    assert stock(shop, SNEAKER, "UK8") == (0, 0)
    assert observed and all(available >= 0 and reserved >= 0 for available, reserved in observed)
    assert all(available + reserved <= 10 for available, reserved in observed)


def test_a_cancel_racing_a_payment_confirmation_restocks_instead_of_releasing(
    orders: OrderService, shop: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_stock(shop, KURTA, "M", 10)
    pending = shop.orders.create_reserving(abandoned_order((KURTA, "M", 2)))

    def saga_confirms_first() -> None:
        shop.orders.transition(
            TENANT,
            pending.id,
            expected_version=pending.version,
            expected_status=OrderStatus.PENDING_PAYMENT,
            to_status=OrderStatus.CONFIRMED,
            stock_effect=StockEffect.COMMIT,
        )

    before_next_transition(monkeypatch, shop, saga_confirms_first)
    cancelled = orders.cancel(TENANT, pending.id)

    assert cancelled.status is OrderStatus.CANCELLED
    assert [change.status for change in cancelled.history] == [
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.CONFIRMED,
        OrderStatus.CANCELLED,
    ]
    assert stock(shop, KURTA, "M") == (10, 0)


def test_two_cancels_racing_put_the_units_back_once(
    orders: OrderService, shop: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_stock(shop, SNEAKER, "UK9", 10)
    confirmed = orders.place(TENANT, order_request((SNEAKER, "UK9", 3))).order
    other_worker = OrderService(shop, default_gateway())

    before_next_transition(monkeypatch, shop, lambda: other_worker.cancel(TENANT, confirmed.id))
    cancelled = orders.cancel(TENANT, confirmed.id)

    assert cancelled.status is OrderStatus.CANCELLED
    assert [change.status for change in cancelled.history].count(OrderStatus.CANCELLED) == 1
    assert stock(shop, SNEAKER, "UK9") == (10, 0)
    audited = [entry.action for entry in shop.audit.list(TENANT, entity_type="order", entity_id=confirmed.id)]
    assert audited.count("order.cancelled") == 1


def test_an_order_cancelled_while_its_payment_is_charged_is_not_confirmed(shop: Store) -> None:
    set_stock(shop, SNEAKER, "UK7", 4)
    provider = CustomerCancelsDuringPayment(OrderService(shop, default_gateway()))
    orders = OrderService(shop, PaymentGateway([provider]))

    with pytest.raises(InvalidTransition):
        orders.place(TENANT, order_request((SNEAKER, "UK7", 2), payment_method="test"))

    [order] = orders.list_for_user(TENANT, "u-priya")
    assert order.status is OrderStatus.CANCELLED
    assert order.history[-1].reason == "changed my mind"
    assert stock(shop, SNEAKER, "UK7") == (4, 0)
