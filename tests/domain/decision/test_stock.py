"""Stock of scored products: the chosen sizes' rows in the shopper's region, read in one batch, on every store
backend."""

from __future__ import annotations

import pytest

from core.schemas import InventoryRecord
from core.storage.repositories import StockKey, Store
from domain.decision.stock import stock_not_read, with_stock
from tests.domain.decision.candidates import candidate

TENANT = "acme"


def stock(store: Store, product_id: str, size: str, region: str, available: int) -> None:
    store.inventory.put(
        InventoryRecord(
            tenant_id=TENANT, product_id=product_id, size=size, region=region, available=available
        )
    )


@pytest.fixture
def batches(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[list[StockKey]]:
    """The keys of every batch read of the store's stock; a read of one row or one product fails the test."""
    read: list[list[StockKey]] = []
    get_many = store.inventory.get_many

    def counted(tenant_id: str, stock_keys: list[StockKey]) -> object:
        read.append(list(stock_keys))
        return get_many(tenant_id, stock_keys)

    def refused(*args: object) -> object:
        raise AssertionError(f"read {args} alone")

    monkeypatch.setattr(store.inventory, "get_many", counted)
    monkeypatch.setattr(store.inventory, "get", refused)
    monkeypatch.setattr(store.inventory, "list_for_product", refused)
    return read


def test_scorers_see_no_stock_before_it_is_read() -> None:
    assert stock_not_read("UK8") is False
    assert stock_not_read(None) is False


def test_the_chosen_sizes_in_the_region_are_read_in_one_batch(
    store: Store, batches: list[list[StockKey]]
) -> None:
    stock(store, "stocked", "UK8", "mumbai", 2)
    stock(store, "sold-out", "UK8", "mumbai", 0)
    stock(store, "elsewhere", "UK8", "delhi", 4)
    stock(store, "other-size", "UK9", "mumbai", 4)
    scored = [
        candidate(product_id, 0.9, in_stock=False)
        for product_id in ("stocked", "sold-out", "elsewhere", "other-size", "unlisted")
    ]
    marked = with_stock(scored, store, TENANT, "mumbai")

    assert {item.product_id: item.in_stock for item in marked} == {
        "stocked": True,
        "sold-out": False,
        "elsewhere": False,
        "other-size": False,
        "unlisted": False,
    }
    assert len(batches) == 1 and len(batches[0]) == 5
    assert [item.model_copy(update={"in_stock": False}) for item in marked] == scored


def test_without_a_region_the_chosen_size_may_be_in_stock_anywhere(store: Store) -> None:
    stock(store, "stocked", "UK8", "delhi", 1)
    stock(store, "other-size", "UK9", "delhi", 1)

    marked = with_stock([candidate("stocked", 0.9), candidate("other-size", 0.9)], store, TENANT, None)

    assert [item.in_stock for item in marked] == [True, False]


def test_a_product_scored_without_a_size_is_in_stock_in_any_of_its_sizes_in_the_region(store: Store) -> None:
    stock(store, "serum", "30 ml", "mumbai", 3)
    stock(store, "cream", "50 ml", "delhi", 3)
    unsized = [
        candidate(product_id, 0.9).model_copy(update={"size": None}) for product_id in ("serum", "cream")
    ]

    marked = with_stock(unsized, store, TENANT, "mumbai")

    assert [item.in_stock for item in marked] == [True, False]


def test_nothing_scored_reads_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object) -> object:
        raise AssertionError(f"read {args}")

    monkeypatch.setattr(store.inventory, "get_many", refused)
    monkeypatch.setattr(store.inventory, "list_for_product", refused)

    assert with_stock([], store, TENANT, "mumbai") == []


def test_products_scored_without_a_size_read_their_listed_sizes_in_the_same_batch(
    store: Store, batches: list[list[StockKey]]
) -> None:
    stock(store, "serum", "30 ml", "mumbai", 3)
    stock(store, "cream", "50 ml", "mumbai", 0)
    stock(store, "cream", "100 ml", "delhi", 2)
    unsized = [
        candidate(product_id, 0.9).model_copy(update={"size": None}) for product_id in ("serum", "cream")
    ]
    sizes_of = {"serum": ["15 ml", "30 ml"], "cream": ["50 ml", "100 ml"]}
    marked = with_stock(unsized, store, TENANT, "mumbai", sizes_of)

    assert [item.in_stock for item in marked] == [True, False]
    assert len(batches) == 1 and len(batches[0]) == 4


def test_an_equally_good_size_in_stock_answers_for_a_chosen_size_that_is_not(
    store: Store, batches: list[list[StockKey]]
) -> None:
    stock(store, "shoe", "UK8", "mumbai", 0)
    stock(store, "shoe", "UK7.5", "mumbai", 3)
    stock(store, "boot", "UK8", "mumbai", 2)
    stock(store, "boot", "UK7.5", "mumbai", 2)
    shoe = candidate("shoe", 0.9, in_stock=False)
    shoe = shoe.model_copy(update={"alternatives": (shoe.model_copy(update={"size": "UK7.5"}),)})
    boot = candidate("boot", 0.9, in_stock=False)
    boot = boot.model_copy(update={"alternatives": (boot.model_copy(update={"size": "UK7.5"}),)})

    marked = with_stock([shoe, boot], store, TENANT, "mumbai")

    assert [(item.product_id, item.size, item.in_stock) for item in marked] == [
        ("shoe", "UK7.5", True),
        ("boot", "UK8", True),
    ]
    assert all(item.alternatives == () for item in marked)
    assert len(batches) == 1
