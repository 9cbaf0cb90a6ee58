"""The background sweeper releases expired stock reservations while the service runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from core.commerce.orders import RESERVATION_EXPIRED, OrderService
from core.commerce.payments import default_gateway
from core.commerce.sweeper import reservation_sweeper
from core.schemas import Order, OrderStatus
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store
from tests.api.conftest import place_expired_reservation, seed_catalog

ExpireReservation = Callable[[Store, str], Order]


@pytest.fixture
def seeded_store(store: Store, settings: Settings) -> Store:
    seed_catalog(store, settings.default_tenant)
    return store


@pytest.fixture
def expire_reservation() -> ExpireReservation:
    return place_expired_reservation


async def until(condition: Callable[[], bool]) -> None:
    """Yields to the event loop until `condition` holds; callers bound the wait with asyncio.wait_for."""
    while not condition():
        await asyncio.sleep(0.01)


async def test_expired_reservations_are_released_in_the_background(
    seeded_store: Store, expire_reservation: ExpireReservation
) -> None:
    crashed = expire_reservation(seeded_store, "demo")
    orders = OrderService(seeded_store, default_gateway())

    async with reservation_sweeper(orders, interval_seconds=0.02):
        await asyncio.wait_for(
            until(lambda: orders.get("demo", crashed.id).status == OrderStatus.FAILED), timeout=60
        )

    assert orders.get("demo", crashed.id).failure_reason == RESERVATION_EXPIRED
    stock = seeded_store.inventory.get("demo", "shoe-run", "UK8", "mumbai")
    assert stock is not None
    assert (stock.available, stock.reserved) == (5, 0)


async def test_leaving_the_block_stops_the_sweeper_without_cancelling_it(seeded_store: Store) -> None:
    orders = OrderService(seeded_store, default_gateway())

    async with reservation_sweeper(orders, interval_seconds=3600) as task:
        assert not task.done()

    assert task.done()
    assert not task.cancelled()
    assert task.exception() is None


async def test_a_failing_sweep_is_logged_and_the_next_one_still_runs(
    sqlite_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    closed_store = open_store(sqlite_settings)
    closed_store.close()  # every sweep over it now fails
    orders = OrderService(closed_store, default_gateway())

    with caplog.at_level(logging.ERROR, logger="pakka.sweeper"):
        async with reservation_sweeper(orders, interval_seconds=0.01) as task:
            await asyncio.wait_for(until(lambda: len(caplog.records) >= 2), timeout=60)
            assert not task.done()

    assert {record.getMessage() for record in caplog.records} == {"reservation sweep failed"}
    assert all(record.exc_info for record in caplog.records)
