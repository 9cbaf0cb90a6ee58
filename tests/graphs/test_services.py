"""The service bundle (graphs/services.py), opened from settings on every store backend, and kept running
for a server's life (`Services.running`)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from core.commerce.orders import OrderLineRequest, PlaceOrderRequest
from core.commerce.payments import CashOnDelivery, PaymentGateway, TestPaymentProvider
from core.errors import ServiceNotRunning
from core.schemas import InventoryRecord, OrderStatus, Product, Tenant
from core.settings import Settings
from graphs.services import Services

TENANT = "acme"
KURTA = Product(
    id="kurta-1",
    tenant_id=TENANT,
    name="Cotton Kurta",
    category="apparel",
    price_inr=Decimal("899.00"),
    sizes=["M"],
)


def stock_the_shop(services: Services) -> None:
    """Register the tenant and put five kurtas in size M on sale in Pune."""
    services.store.tenants.put(Tenant(id=TENANT, name="Acme Retail"))
    services.store.products.put(KURTA)
    services.store.inventory.put(
        InventoryRecord(tenant_id=TENANT, product_id=KURTA.id, size="M", region="pune", available=5)
    )


def available_kurtas(services: Services) -> int:
    record = services.store.inventory.get(TENANT, KURTA.id, "M", "pune")
    assert record is not None
    return record.available


def one_kurta(payment_method: str = "cod") -> PlaceOrderRequest:
    return PlaceOrderRequest(
        user_id="u-1",
        region="pune",
        payment_method=payment_method,
        items=[OrderLineRequest(product_id=KURTA.id, size="M", quantity=1)],
    )


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    opened = Services.open(settings)
    try:
        yield opened
    finally:
        opened.close()


def test_open_builds_every_service_on_the_configured_store(services: Services, settings: Settings) -> None:
    stock_the_shop(services)

    services.carts.add(TENANT, "u-1", KURTA.id, "M")
    placed = services.orders.place(TENANT, one_kurta())

    assert services.store.kind == settings.store
    assert services.settings is settings
    assert placed.order.status is OrderStatus.CONFIRMED
    assert services.carts.view(TENANT, "u-1").total_inr == KURTA.price_inr
    assert available_kurtas(services) == 4


def test_cash_on_delivery_is_the_only_payment_method_by_default(services: Services) -> None:
    assert services.payments.methods() == ["cod"]


def test_the_reservation_ttl_comes_from_settings(settings: Settings) -> None:
    services = Services.open(settings.model_copy(update={"reservation_ttl_minutes": 5}))
    try:
        stock_the_shop(services)
        order = services.orders.place(TENANT, one_kurta()).order
    finally:
        services.close()

    assert order.reservation_expires_at == order.created_at + timedelta(minutes=5)


def test_an_injected_payment_gateway_is_the_one_orders_are_charged_through(settings: Settings) -> None:
    card = TestPaymentProvider()
    services = Services.open(settings, payments=PaymentGateway([CashOnDelivery(), card]))
    try:
        stock_the_shop(services)
        order = services.orders.place(TENANT, one_kurta(payment_method="test")).order
    finally:
        services.close()

    assert services.payments.methods() == ["cod", "test"]
    assert card.charged == [order.id]


def test_orders_survive_closing_and_reopening_the_services(settings: Settings) -> None:
    first = Services.open(settings)
    try:
        stock_the_shop(first)
        order = first.orders.place(TENANT, one_kurta()).order
    finally:
        first.close()

    reopened = Services.open(settings)
    try:
        assert reopened.orders.get(TENANT, order.id) == order
    finally:
        reopened.close()


def test_a_bundle_opened_for_a_script_has_no_server_lifetime_services(services: Services) -> None:
    with pytest.raises(ServiceNotRunning):
        services.running_pricing()
    with pytest.raises(ServiceNotRunning):
        services.running_threads()
    with pytest.raises(ServiceNotRunning):
        services.persistence()


async def test_running_opens_every_backend_and_worker_for_a_servers_life(sqlite_settings: Settings) -> None:
    seeded: list[Services] = []

    async with Services.running(sqlite_settings, before_start=seeded.append) as services:
        checkpointer, memory = services.persistence()
        await memory.aput(("acme", "u-1", "preferences"), "budget", {"inr": 2000})
        worker_task = services.running_pricing().worker.task_name
        assert worker_task in {task.get_name() for task in asyncio.all_tasks()}
        assert seeded == [services]
        assert services.running_threads().checkpointer is checkpointer
        assert await asyncio.wait_for(asyncio.to_thread(services.knowledge_loaded.wait, 60), 90)
        assert services.comparables is not None and services.vision is not None

    assert sqlite_settings.checkpoint_sqlite_file.exists()
    assert sqlite_settings.memory_sqlite_file.exists()
    assert worker_task not in {task.get_name() for task in asyncio.all_tasks()}
    async with Services.running(sqlite_settings) as reopened:
        item = await reopened.persistence()[1].aget(("acme", "u-1", "preferences"), "budget")
        assert item is not None and item.value == {"inr": 2000}
