"""Contract: the order repository (reserving creation, idempotency, transitions, listings, concurrency)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from core.errors import (
    IdempotencyKeyExists,
    InsufficientStock,
    InvalidInput,
    NotFound,
    PakkaError,
    VersionConflict,
)
from core.schemas import Order, OrderStatus, StockEffect
from core.storage.repositories import Store
from tests.core.storage.factories import (
    REGION,
    TENANT,
    at,
    make_idempotency,
    make_inventory,
    make_line,
    make_order,
    make_product,
)


def stock(store: Store, size: str = "9", product_id: str = "p-1") -> tuple[int, int]:
    """(available, reserved) of one inventory row in REGION."""
    record = store.inventory.get(TENANT, product_id, size, REGION)
    assert record is not None
    return record.available, record.reserved


@pytest.fixture
def stocked(store: Store) -> Store:
    """Product p-1 with 5 of size 9 and 3 of size 10 in REGION."""
    store.products.put(make_product())
    store.inventory.put_many([make_inventory(size="9", available=5), make_inventory(size="10", available=3)])
    return store


def confirm(
    store: Store,
    order: Order,
    *,
    reason: str | None = None,
    payment_reference: str | None = None,
    when: datetime | None = None,
) -> Order:
    """Payment succeeded: PENDING_PAYMENT -> CONFIRMED, committing the reserved units."""
    return store.orders.transition(
        TENANT,
        order.id,
        expected_version=order.version,
        expected_status=order.status,
        to_status=OrderStatus.CONFIRMED,
        stock_effect=StockEffect.COMMIT,
        reason=reason,
        payment_reference=payment_reference,
        at=when,
    )


def test_create_reserving_stores_the_order_and_moves_stock_to_reserved(stocked: Store) -> None:
    order = make_order(lines=[make_line(size="9", quantity=2), make_line(size="10", quantity=3)])

    created = stocked.orders.create_reserving(order)

    assert created == order
    assert stocked.orders.get(TENANT, order.id) == order
    assert stock(stocked, "9") == (3, 2)
    assert stock(stocked, "10") == (0, 3)


def test_create_reserving_bumps_the_inventory_version(stocked: Store) -> None:
    stocked.orders.create_reserving(make_order())

    record = stocked.inventory.get(TENANT, "p-1", "9", REGION)
    assert record is not None and record.version == 2


def test_create_reserving_adds_up_lines_of_the_same_size(stocked: Store) -> None:
    order = make_order(lines=[make_line(quantity=3), make_line(quantity=2)])

    stocked.orders.create_reserving(order)

    assert stock(stocked, "9") == (0, 5)


def test_create_reserving_lacking_stock_raises_with_details_and_writes_nothing(stocked: Store) -> None:
    order = make_order(lines=[make_line(size="9", quantity=1), make_line(size="10", quantity=4)])

    with pytest.raises(InsufficientStock) as raised:
        stocked.orders.create_reserving(order, make_idempotency())

    assert raised.value.details == {
        "product_id": "p-1",
        "size": "10",
        "region": REGION,
        "requested": 4,
        "available": 3,
    }
    assert stocked.orders.get(TENANT, order.id) is None
    assert stocked.orders.get_idempotency(TENANT, "key-1") is None
    assert stock(stocked, "9") == (5, 0)
    assert stock(stocked, "10") == (3, 0)


def test_create_reserving_summed_lines_beyond_stock_raise_with_the_total_requested(stocked: Store) -> None:
    order = make_order(lines=[make_line(quantity=3), make_line(quantity=3)])

    with pytest.raises(InsufficientStock) as raised:
        stocked.orders.create_reserving(order)

    assert (raised.value.details["requested"], raised.value.details["available"]) == (6, 5)
    assert stock(stocked, "9") == (5, 0)


def test_create_reserving_without_an_inventory_row_raises_with_zero_available(stocked: Store) -> None:
    order = make_order(lines=[make_line(size="11")])

    with pytest.raises(InsufficientStock) as raised:
        stocked.orders.create_reserving(order)

    assert raised.value.details["available"] == 0
    assert stocked.orders.get(TENANT, order.id) is None


def test_create_reserving_ignores_stock_in_other_regions(stocked: Store) -> None:
    order = make_order(region="delhi")

    with pytest.raises(InsufficientStock):
        stocked.orders.create_reserving(order)

    assert stock(stocked, "9") == (5, 0)


def test_create_reserving_binds_the_idempotency_key_to_the_order(stocked: Store) -> None:
    key = make_idempotency()

    stocked.orders.create_reserving(make_order(), key)

    assert stocked.orders.get_idempotency(TENANT, "key-1") == key


def test_create_reserving_with_a_bound_key_raises_with_the_first_order_and_writes_nothing(
    stocked: Store,
) -> None:
    stocked.orders.create_reserving(make_order("o-1"), make_idempotency(order_id="o-1"))

    with pytest.raises(IdempotencyKeyExists) as raised:
        stocked.orders.create_reserving(
            make_order("o-2"), make_idempotency(order_id="o-2", request_hash="another-hash")
        )

    assert (raised.value.order_id, raised.value.request_hash) == ("o-1", "hash-of-key-1")
    assert stocked.orders.get(TENANT, "o-2") is None
    assert stock(stocked, "9") == (4, 1)


def test_a_bound_key_is_reported_even_when_stock_has_run_out(stocked: Store) -> None:
    stocked.orders.create_reserving(make_order(lines=[make_line(quantity=5)]), make_idempotency())

    with pytest.raises(IdempotencyKeyExists):
        stocked.orders.create_reserving(make_order("o-2"), make_idempotency(order_id="o-2"))


def test_a_failed_create_leaves_the_idempotency_key_free(stocked: Store) -> None:
    with pytest.raises(InsufficientStock):
        stocked.orders.create_reserving(make_order(lines=[make_line(quantity=9)]), make_idempotency())

    stocked.orders.create_reserving(make_order(), make_idempotency())

    assert stocked.orders.get(TENANT, "o-1") is not None


def test_create_reserving_an_existing_order_id_is_rejected_without_reserving(stocked: Store) -> None:
    stocked.orders.create_reserving(make_order())

    with pytest.raises(InvalidInput):
        stocked.orders.create_reserving(make_order(user_id="u-2"))

    assert stock(stocked, "9") == (4, 1)
    stored = stocked.orders.get(TENANT, "o-1")
    assert stored is not None and stored.user_id == "u-1"


def test_create_reserving_rejects_an_order_that_is_not_pending_payment(stocked: Store) -> None:
    with pytest.raises(InvalidInput):
        stocked.orders.create_reserving(make_order(status=OrderStatus.CONFIRMED))

    assert stocked.orders.get(TENANT, "o-1") is None


def test_create_reserving_rejects_an_idempotency_record_naming_another_order(stocked: Store) -> None:
    with pytest.raises(InvalidInput):
        stocked.orders.create_reserving(make_order("o-1"), make_idempotency(order_id="o-9"))

    assert stocked.orders.get(TENANT, "o-1") is None
    assert stock(stocked, "9") == (5, 0)


def test_confirming_with_commit_records_the_change_and_takes_units_out_of_reserved(stocked: Store) -> None:
    order = stocked.orders.create_reserving(make_order(lines=[make_line(quantity=2)]))

    confirmed = confirm(stocked, order, reason="paid", payment_reference="pay_123", when=at(5))

    assert (confirmed.status, confirmed.version, confirmed.payment_reference) == (
        OrderStatus.CONFIRMED,
        2,
        "pay_123",
    )
    assert [(change.status, change.at, change.reason) for change in confirmed.history] == [
        (OrderStatus.CONFIRMED, at(5), "paid")
    ]
    assert confirmed.updated_at == at(5)
    assert confirmed.failure_reason is None
    assert stocked.orders.get(TENANT, order.id) == confirmed
    assert stock(stocked, "9") == (3, 0)


def test_failing_with_release_returns_reserved_units_and_keeps_the_reason(stocked: Store) -> None:
    order = stocked.orders.create_reserving(make_order(lines=[make_line(quantity=2)]))

    failed = stocked.orders.transition(
        TENANT,
        order.id,
        expected_version=1,
        expected_status=OrderStatus.PENDING_PAYMENT,
        to_status=OrderStatus.FAILED,
        stock_effect=StockEffect.RELEASE,
        reason="card declined",
    )

    assert (failed.status, failed.failure_reason) == (OrderStatus.FAILED, "card declined")
    assert stock(stocked, "9") == (5, 0)


def test_cancelling_a_confirmed_order_with_restock_returns_units_to_available(stocked: Store) -> None:
    order = stocked.orders.create_reserving(make_order(lines=[make_line(quantity=2)]))
    confirmed = confirm(stocked, order)

    cancelled = stocked.orders.transition(
        TENANT,
        order.id,
        expected_version=confirmed.version,
        expected_status=OrderStatus.CONFIRMED,
        to_status=OrderStatus.CANCELLED,
        stock_effect=StockEffect.RESTOCK,
        reason="changed my mind",
    )

    assert [change.status for change in cancelled.history] == [OrderStatus.CONFIRMED, OrderStatus.CANCELLED]
    assert cancelled.version == 3
    assert stock(stocked, "9") == (5, 0)


def test_a_transition_without_stock_effect_leaves_inventory_alone(stocked: Store) -> None:
    order = stocked.orders.create_reserving(make_order())
    confirmed = confirm(stocked, order)
    before = stocked.inventory.get(TENANT, "p-1", "9", REGION)

    shipped = stocked.orders.transition(
        TENANT,
        order.id,
        expected_version=confirmed.version,
        expected_status=OrderStatus.CONFIRMED,
        to_status=OrderStatus.SHIPPED,
        stock_effect=StockEffect.NONE,
    )

    assert shipped.status is OrderStatus.SHIPPED
    assert stocked.inventory.get(TENANT, "p-1", "9", REGION) == before


def test_transition_applies_the_effect_to_the_summed_lines_of_each_size(stocked: Store) -> None:
    order = stocked.orders.create_reserving(
        make_order(lines=[make_line(quantity=1), make_line(quantity=2), make_line(size="10", quantity=1)])
    )

    confirm(stocked, order)

    assert stock(stocked, "9") == (2, 0)
    assert stock(stocked, "10") == (2, 0)


@pytest.mark.parametrize(
    ("expected_version", "expected_status"),
    [(2, OrderStatus.PENDING_PAYMENT), (1, OrderStatus.CONFIRMED)],
    ids=["stale-version", "stale-status"],
)
def test_transition_from_a_stale_state_raises_version_conflict_and_changes_nothing(
    stocked: Store, expected_version: int, expected_status: OrderStatus
) -> None:
    order = stocked.orders.create_reserving(make_order())

    with pytest.raises(VersionConflict):
        stocked.orders.transition(
            TENANT,
            order.id,
            expected_version=expected_version,
            expected_status=expected_status,
            to_status=OrderStatus.CANCELLED,
            stock_effect=StockEffect.RELEASE,
        )

    assert stocked.orders.get(TENANT, order.id) == order
    assert stock(stocked, "9") == (4, 1)


def test_only_one_of_two_transitions_from_the_same_version_wins(stocked: Store) -> None:
    order = stocked.orders.create_reserving(make_order())
    confirm(stocked, order)

    with pytest.raises(VersionConflict):
        stocked.orders.transition(
            TENANT,
            order.id,
            expected_version=1,
            expected_status=OrderStatus.PENDING_PAYMENT,
            to_status=OrderStatus.FAILED,
            stock_effect=StockEffect.RELEASE,
        )

    assert stock(stocked, "9") == (4, 0)


def test_transition_of_a_missing_order_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.orders.transition(
            TENANT,
            "missing",
            expected_version=1,
            expected_status=OrderStatus.PENDING_PAYMENT,
            to_status=OrderStatus.CONFIRMED,
            stock_effect=StockEffect.COMMIT,
        )


def test_transition_never_drives_reserved_stock_negative(stocked: Store) -> None:
    order = stocked.orders.create_reserving(make_order(lines=[make_line(quantity=2)]))
    stocked.inventory.put(make_inventory(available=3, reserved=1))

    with pytest.raises(InsufficientStock):
        confirm(stocked, order)

    assert stocked.orders.get(TENANT, order.id) == order
    assert stock(stocked, "9") == (3, 1)


def test_get_of_unknown_order_and_key_return_none(store: Store) -> None:
    assert store.orders.get(TENANT, "missing") is None
    assert store.orders.get_idempotency(TENANT, "missing") is None


def test_list_by_user_returns_that_users_orders_newest_first_up_to_the_limit(stocked: Store) -> None:
    for minute, order_id in [(1, "o-b"), (3, "o-c"), (2, "o-a")]:
        stocked.orders.create_reserving(make_order(order_id, created_at=at(minute)))
    stocked.orders.create_reserving(make_order("o-other", user_id="u-2", created_at=at(4)))

    assert [order.id for order in stocked.orders.list_by_user(TENANT, "u-1")] == ["o-c", "o-a", "o-b"]
    assert [order.id for order in stocked.orders.list_by_user(TENANT, "u-1", limit=2)] == ["o-c", "o-a"]
    assert stocked.orders.list_by_user(TENANT, "u-9") == []


def test_list_by_status_returns_oldest_first_up_to_the_limit(stocked: Store) -> None:
    created = {
        order_id: stocked.orders.create_reserving(make_order(order_id, created_at=at(minute)))
        for minute, order_id in [(3, "o-c"), (1, "o-a"), (2, "o-b")]
    }
    confirm(stocked, created["o-a"])

    pending = stocked.orders.list_by_status(TENANT, OrderStatus.PENDING_PAYMENT)
    confirmed = stocked.orders.list_by_status(TENANT, OrderStatus.CONFIRMED)

    assert [order.id for order in pending] == ["o-b", "o-c"]
    assert [order.id for order in confirmed] == ["o-a"]
    assert [
        order.id for order in stocked.orders.list_by_status(TENANT, OrderStatus.PENDING_PAYMENT, limit=1)
    ] == ["o-b"]


def test_listings_order_by_time_across_time_zones(stocked: Store) -> None:
    ist = at(0).astimezone(timezone(timedelta(hours=5, minutes=30)))
    stocked.orders.create_reserving(make_order("o-ist", created_at=ist + timedelta(minutes=1)))
    stocked.orders.create_reserving(make_order("o-utc", created_at=at(0)))

    assert [order.id for order in stocked.orders.list_by_status(TENANT, OrderStatus.PENDING_PAYMENT)] == [
        "o-utc",
        "o-ist",
    ]


def test_fifty_concurrent_orders_for_ten_units_reserve_exactly_ten(store: Store) -> None:
    store.products.put(make_product())
    store.inventory.put(make_inventory(available=10))
    start = threading.Barrier(50)

    def place(index: int) -> str:
        start.wait()
        try:
            store.orders.create_reserving(make_order(f"o-{index:02d}", user_id=f"u-{index:02d}"))
        except InsufficientStock:
            return "insufficient"
        except PakkaError as error:
            return error.code
        return "reserved"

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(place, range(50)))

    assert outcomes.count("reserved") == 10
    assert outcomes.count("insufficient") == 40
    assert stock(store) == (0, 10)
    assert len(store.orders.list_by_status(TENANT, OrderStatus.PENDING_PAYMENT)) == 10
