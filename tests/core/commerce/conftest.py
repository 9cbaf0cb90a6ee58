"""Commerce service fixtures on top of the per-backend `store` fixture (tests/conftest.py): an open shop,
a hand-moved clock, and the services wired the way `Services.build` wires them."""

from __future__ import annotations

import pytest

from core.commerce.carts import CartService
from core.commerce.orders import OrderService
from core.commerce.payments import CashOnDelivery, PaymentGateway, TestPaymentProvider
from core.storage.repositories import Store
from tests.core.commerce.shop import ManualClock, open_shop


@pytest.fixture
def shop(store: Store) -> Store:
    """The store with tenant "acme" registered and its three products in the catalog (no stock yet)."""
    open_shop(store)
    return store


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def card() -> TestPaymentProvider:
    """The "test" payment method; accepts every charge and records it."""
    return TestPaymentProvider()


@pytest.fixture
def gateway(card: TestPaymentProvider) -> PaymentGateway:
    return PaymentGateway([CashOnDelivery(), card])


@pytest.fixture
def orders(shop: Store, gateway: PaymentGateway, clock: ManualClock) -> OrderService:
    return OrderService(shop, gateway, clock=clock)


@pytest.fixture
def carts(shop: Store) -> CartService:
    return CartService(shop)
