"""Contract: the inventory repository (stock per product size and region, optimistic versions)."""

from __future__ import annotations

import pytest

from core.errors import NotFound, VersionConflict
from core.storage.repositories import StockKey, Store
from tests.core.storage.factories import REGION, TENANT, make_inventory


def test_put_of_a_new_row_stores_version_1(store: Store) -> None:
    stored = store.inventory.put(make_inventory(available=7, reserved=2, version=5))

    assert stored.version == 1
    assert store.inventory.get(TENANT, "p-1", "9", REGION) == stored
    assert (stored.available, stored.reserved) == (7, 2)


def test_put_over_an_existing_row_increments_its_version(store: Store) -> None:
    store.inventory.put(make_inventory(available=7))

    stored = store.inventory.put(make_inventory(available=3))

    assert stored.version == 2
    assert store.inventory.get(TENANT, "p-1", "9", REGION) == stored


def test_put_with_the_stored_version_replaces_the_stock(store: Store) -> None:
    first = store.inventory.put(make_inventory(available=7))

    stored = store.inventory.put(make_inventory(available=12, reserved=1), expected_version=first.version)

    assert (stored.available, stored.reserved, stored.version) == (12, 1, 2)
    assert store.inventory.get(TENANT, "p-1", "9", REGION) == stored


def test_put_with_a_stale_version_raises_version_conflict_and_keeps_the_stock(store: Store) -> None:
    store.inventory.put(make_inventory(available=7))
    current = store.inventory.put(make_inventory(available=5))

    with pytest.raises(VersionConflict):
        store.inventory.put(make_inventory(available=99), expected_version=1)

    assert store.inventory.get(TENANT, "p-1", "9", REGION) == current


def test_put_with_an_expected_version_of_a_missing_row_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.inventory.put(make_inventory(), expected_version=1)

    assert store.inventory.get(TENANT, "p-1", "9", REGION) is None


def test_get_of_a_missing_row_returns_none(store: Store) -> None:
    assert store.inventory.get(TENANT, "p-1", "9", REGION) is None


def test_put_many_upserts_every_row_and_returns_the_count(store: Store) -> None:
    store.inventory.put(make_inventory(size="9", available=1))

    written = store.inventory.put_many(
        [make_inventory(size="9", available=4), make_inventory(size="10", available=6)]
    )

    assert written == 2
    nine = store.inventory.get(TENANT, "p-1", "9", REGION)
    ten = store.inventory.get(TENANT, "p-1", "10", REGION)
    assert nine is not None and (nine.available, nine.version) == (4, 2)
    assert ten is not None and (ten.available, ten.version) == (6, 1)


def test_put_many_of_nothing_writes_nothing(store: Store) -> None:
    assert store.inventory.put_many([]) == 0


def test_list_for_product_orders_by_size_then_region_and_only_that_product(store: Store) -> None:
    store.inventory.put_many(
        [
            make_inventory(size="9", region="pune"),
            make_inventory(size="10", region="mumbai"),
            make_inventory(size="9", region="delhi"),
            make_inventory(product_id="p-2", size="8", region="delhi"),
        ]
    )

    rows = store.inventory.list_for_product(TENANT, "p-1")

    assert [(row.size, row.region) for row in rows] == [("10", "mumbai"), ("9", "delhi"), ("9", "pune")]


def test_list_for_product_without_stock_rows_is_empty(store: Store) -> None:
    assert store.inventory.list_for_product(TENANT, "p-1") == []


def test_get_many_returns_each_row_found_by_its_key_and_leaves_out_missing_ones(store: Store) -> None:
    store.inventory.put_many(
        [
            make_inventory(size="9", region="mumbai", available=2),
            make_inventory(size="10", region="delhi", available=0),
            make_inventory(product_id="p-2", size="9", region="mumbai", available=5),
        ]
    )
    wanted = [
        StockKey("p-1", "9", "mumbai"),
        StockKey("p-1", "10", "delhi"),
        StockKey("p-2", "9", "delhi"),
        StockKey("p-3", "9", "mumbai"),
    ]

    found = store.inventory.get_many(TENANT, wanted)

    assert sorted(found) == [StockKey("p-1", "10", "delhi"), StockKey("p-1", "9", "mumbai")]
    assert found[StockKey("p-1", "9", "mumbai")] == store.inventory.get(TENANT, "p-1", "9", "mumbai")
    assert found[StockKey("p-1", "10", "delhi")].available == 0


def test_get_many_reads_a_repeated_key_once_and_accepts_plain_tuples(store: Store) -> None:
    store.inventory.put(make_inventory(size="9", region="mumbai", available=3))

    found = store.inventory.get_many(TENANT, [StockKey("p-1", "9", "mumbai"), ("p-1", "9", "mumbai")])

    assert list(found) == [StockKey("p-1", "9", "mumbai")]


def test_get_many_of_more_keys_than_one_request_holds_finds_them_all(store: Store) -> None:
    sizes = [str(size) for size in range(1, 16)]
    regions = [f"region-{index}" for index in range(22)]
    store.inventory.put_many(
        make_inventory(size=size, region=region, available=index % 4)
        for index, (size, region) in enumerate((size, region) for size in sizes for region in regions)
    )
    wanted = [StockKey("p-1", size, region) for size in sizes for region in regions]

    found = store.inventory.get_many(TENANT, wanted)

    assert len(wanted) == 330
    assert set(found) == set(wanted)
    assert [found[key].available for key in wanted] == [index % 4 for index in range(330)]


def test_get_many_of_no_keys_is_empty(store: Store) -> None:
    assert store.inventory.get_many(TENANT, []) == {}
