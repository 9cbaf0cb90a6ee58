"""Contract: the change counters per tenant move with every write that can change an answer computed from
the catalog, the stock or the learned size offsets, on every backend (and never for another tenant)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.records.feedback import OffsetScope
from core.schemas import OrderStatus, StockEffect
from core.storage.repositories import DataVersions, StockKey, Store
from tests.core.storage.factories import (
    OTHER_TENANT,
    TENANT,
    make_inventory,
    make_line,
    make_order,
    make_product,
    make_size_offset,
)


def moved(before: DataVersions, after: DataVersions) -> set[str]:
    """The counters that went up; fails if any went down."""
    for name in DataVersions._fields:
        assert getattr(after, name) >= getattr(before, name), name
    return {name for name in DataVersions._fields if getattr(after, name) > getattr(before, name)}


def test_a_tenant_without_writes_is_at_zero(store: Store) -> None:
    assert store.versions.get(TENANT) == DataVersions(products=0, stock=0, offsets=0)


@pytest.mark.parametrize(
    "write",
    [
        lambda store: store.products.put(make_product()),
        lambda store: store.products.put_many([make_product("p-2"), make_product("p-3")]),
        lambda store: store.products.put(make_product(price_inr="1999.00")),
        lambda store: store.products.delete(TENANT, "p-1"),
    ],
    ids=["put", "put_many", "price change", "delete"],
)
def test_product_writes_move_the_products_counter_of_their_tenant_only(
    store: Store, write: Callable[[Store], object]
) -> None:
    store.products.put(make_product())
    before, other = store.versions.get(TENANT), store.versions.get(OTHER_TENANT)

    write(store)

    assert moved(before, store.versions.get(TENANT)) == {"products"}
    assert store.versions.get(OTHER_TENANT) == other


@pytest.mark.parametrize(
    "write",
    [
        lambda store: store.inventory.put(make_inventory(size="10", available=2)),
        lambda store: store.inventory.put(make_inventory(available=0)),
        lambda store: store.inventory.put_many([make_inventory(size="11", available=1)]),
        lambda store: store.inventory.put_many([make_inventory(available=0)]),
    ],
    ids=["new row", "sold out by put", "new rows", "sold out by put_many"],
)
def test_stock_writes_that_change_what_is_in_stock_move_the_stock_counter(
    store: Store, write: Callable[[Store], object]
) -> None:
    store.products.put(make_product())
    store.inventory.put(make_inventory(available=3))
    before, other = store.versions.get(TENANT), store.versions.get(OTHER_TENANT)

    write(store)

    assert moved(before, store.versions.get(TENANT)) == {"stock"}
    assert store.versions.get(OTHER_TENANT) == other


def test_a_reservation_of_the_last_unit_and_its_release_move_the_stock_counter(store: Store) -> None:
    store.products.put(make_product())
    store.inventory.put(make_inventory(available=1))
    before = store.versions.get(TENANT)

    order = store.orders.create_reserving(make_order(lines=[make_line(quantity=1)]))
    reserved = store.versions.get(TENANT)
    store.orders.transition(
        TENANT,
        order.id,
        expected_version=order.version,
        expected_status=order.status,
        to_status=OrderStatus.CANCELLED,
        stock_effect=StockEffect.RELEASE,
    )
    released = store.versions.get(TENANT)

    assert moved(before, reserved) == {"stock"}
    assert moved(reserved, released) == {"stock"}


def test_saving_a_size_offset_moves_the_offsets_counter(store: Store) -> None:
    before = store.versions.get(TENANT)

    saved = store.size_offsets.save(make_size_offset(), expected_version=0)
    first = store.versions.get(TENANT)
    store.size_offsets.save(make_size_offset(mean=0.5), expected_version=saved.version)
    store.size_offsets.save(make_size_offset(OffsetScope.BRAND, "stride"), expected_version=0)

    assert moved(before, first) == {"offsets"}
    assert moved(first, store.versions.get(TENANT)) == {"offsets"}
    assert store.versions.get(OTHER_TENANT).offsets == 0


def test_reads_move_nothing(store: Store) -> None:
    store.products.put(make_product())
    store.inventory.put(make_inventory())
    before = store.versions.get(TENANT)

    store.products.get(TENANT, "p-1")
    store.inventory.get_many(TENANT, [StockKey("p-1", "9", "mumbai")])
    store.size_offsets.get_many(TENANT, OffsetScope.ITEM, ["p-1"])

    assert store.versions.get(TENANT) == before


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_sqlite_leaves_the_stock_counter_when_a_size_stays_in_stock(store: Store) -> None:
    """SQLite moves the counter only when a row's in-stock state flips (DynamoDB moves it on every stock
    write, which the contract allows): busy ordering keeps cached answers valid."""
    store.products.put(make_product())
    store.inventory.put(make_inventory(available=5))
    before = store.versions.get(TENANT)

    store.orders.create_reserving(make_order(lines=[make_line(quantity=2)]))
    store.inventory.put(make_inventory(available=4))

    assert store.versions.get(TENANT) == before
