"""place_order, order_status and cancel_order through a real ToolNode graph, checked against the store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from core.context import AppContext
from core.schemas import InventoryRecord, OrderStatus


def orders_of(shopper: AppContext) -> list[Any]:
    return shopper.services.orders.list_for_user(shopper.tenant_id, str(shopper.user_id))


def test_place_order_from_the_cart_reserves_stock_and_empties_the_cart(
    tool_ok: Callable[..., Any], shopper: AppContext, stock_of: Callable[..., int]
) -> None:
    tool_ok("add_to_cart", {"product_id": "sh-runner", "size": "9", "quantity": 2})
    tool_ok("add_to_cart", {"product_id": "ap-tee", "size": "M"})

    order = tool_ok("place_order", {})

    assert order["status"] == "CONFIRMED"
    assert order["total_inr"] == 2 * 2499.0 + 499.0
    assert order["region"] == "mumbai"
    assert order["payment_method"] == "cod"
    assert order["payment_reference"] == f"COD-{order['order_id']}"
    assert {(item["product_id"], item["size"], item["quantity"]) for item in order["items"]} == {
        ("sh-runner", "9", 2),
        ("ap-tee", "M", 1),
    }
    assert stock_of("sh-runner", "9") == 3
    assert stock_of("ap-tee", "M") == 9
    assert tool_ok("view_cart")["items"] == []
    stored = shopper.services.orders.get(shopper.tenant_id, order["order_id"])
    assert stored.status is OrderStatus.CONFIRMED
    assert stored.user_id == "u1"


def test_a_retried_tool_call_returns_the_first_order_instead_of_ordering_twice(
    tool_ok: Callable[..., Any], shopper: AppContext, stock_of: Callable[..., int]
) -> None:
    tool_ok("add_to_cart", {"product_id": "sh-runner", "size": "9"})

    first = tool_ok("place_order", {}, call_id="call_order_1")
    retried = tool_ok("place_order", {}, call_id="call_order_1")

    assert retried["order_id"] == first["order_id"]
    assert retried["already_placed"] is True
    assert "already_placed" not in first
    assert [order.id for order in orders_of(shopper)] == [first["order_id"]]
    assert stock_of("sh-runner", "9") == 4


def test_distinct_tool_calls_place_distinct_orders(tool_ok: Callable[..., Any], shopper: AppContext) -> None:
    items = [{"product_id": "sk-serum", "size": "30ml"}]

    first = tool_ok("place_order", {"items": items}, call_id="call_a")
    second = tool_ok("place_order", {"items": items}, call_id="call_b")

    assert first["order_id"] != second["order_id"]
    assert len(orders_of(shopper)) == 2


def test_two_shoppers_reusing_a_tool_call_id_each_get_their_own_order(
    tool_ok: Callable[..., Any], shopper: AppContext
) -> None:
    items = [{"product_id": "sk-serum", "size": "30ml"}]

    mine = tool_ok("place_order", {"items": items}, call_id="call_1")
    theirs = tool_ok(
        "place_order", {"items": items}, call_id="call_1", context=replace(shopper, user_id="u2")
    )

    assert mine["order_id"] != theirs["order_id"]
    assert "already_placed" not in theirs


def test_place_order_with_explicit_items_and_region_leaves_the_cart_alone(
    tool_ok: Callable[..., Any], stock_of: Callable[..., int]
) -> None:
    tool_ok("add_to_cart", {"product_id": "ap-tee", "size": "M"})

    order = tool_ok(
        "place_order", {"items": [{"product_id": "sh-runner", "size": "9", "quantity": 1}], "region": "delhi"}
    )

    assert order["status"] == "CONFIRMED"
    assert order["region"] == "delhi"
    assert stock_of("sh-runner", "9", "delhi") == 1
    assert stock_of("sh-runner", "9") == 5
    assert [line["product_id"] for line in tool_ok("view_cart")["items"]] == ["ap-tee"]


def test_an_order_that_cannot_be_reserved_writes_nothing_and_keeps_the_cart(
    tool_ok: Callable[..., Any],
    tool_error: Callable[..., str],
    shopper: AppContext,
    stock_of: Callable[..., int],
) -> None:
    tool_ok("add_to_cart", {"product_id": "ap-tee", "size": "M", "quantity": 2})
    tool_ok("add_to_cart", {"product_id": "sk-serum", "size": "30ml"})
    shopper.services.store.inventory.put(
        InventoryRecord(
            tenant_id=shopper.tenant_id, product_id="sk-serum", size="30ml", region="mumbai", available=0
        )
    )

    error = tool_error("place_order", {})

    assert error.startswith("INSUFFICIENT_STOCK: ")
    assert orders_of(shopper) == []
    assert stock_of("ap-tee", "M") == 10
    assert len(tool_ok("view_cart")["items"]) == 2


def test_a_declined_payment_is_reported_with_the_failed_order_and_releases_stock(
    tool_ok: Callable[..., Any],
    tool_error: Callable[..., str],
    shopper: AppContext,
    stock_of: Callable[..., int],
) -> None:
    tool_ok("add_to_cart", {"product_id": "sh-runner", "size": "8"})

    error = tool_error("place_order", {"payment_method": "test"}, call_id="call_pay")
    retried = tool_error("place_order", {"payment_method": "test"}, call_id="call_pay")

    [failed] = orders_of(shopper)
    assert failed.status is OrderStatus.FAILED
    assert error.startswith("PAYMENT_FAILED: ")
    assert f"order_id={failed.id}" in error and "card declined by issuer" in error
    assert retried.startswith("PAYMENT_FAILED: ") and f"order_id={failed.id}" in retried
    assert stock_of("sh-runner", "8") == 3
    assert len(tool_ok("view_cart")["items"]) == 1


def test_order_status_shows_one_order_or_the_recent_ones(tool_ok: Callable[..., Any]) -> None:
    first = tool_ok("place_order", {"items": [{"product_id": "ap-tee", "size": "M"}]})
    second = tool_ok("place_order", {"items": [{"product_id": "sk-serum", "size": "30ml", "quantity": 2}]})

    one = tool_ok("order_status", {"order_id": first["order_id"]})
    recent = tool_ok("order_status", {})

    assert one["status"] == "CONFIRMED"
    assert one["items"] == [
        {
            "product_id": "ap-tee",
            "name": "Kora Cotton Tee",
            "size": "M",
            "quantity": 1,
            "unit_price_inr": 499.0,
        }
    ]
    assert {order["order_id"] for order in recent["orders"]} == {first["order_id"], second["order_id"]}
    by_id = {order["order_id"]: order for order in recent["orders"]}
    assert by_id[second["order_id"]]["item_count"] == 2
    assert by_id[second["order_id"]]["total_inr"] == 1398.0


def test_cancel_order_puts_the_stock_back_and_cannot_be_repeated(
    tool_ok: Callable[..., Any],
    tool_error: Callable[..., str],
    shopper: AppContext,
    stock_of: Callable[..., int],
) -> None:
    order = tool_ok("place_order", {"items": [{"product_id": "sh-runner", "size": "9", "quantity": 2}]})
    assert stock_of("sh-runner", "9") == 3

    cancelled = tool_ok("cancel_order", {"order_id": order["order_id"], "reason": "found a cheaper pair"})
    again = tool_error("cancel_order", {"order_id": order["order_id"]})

    assert cancelled["status"] == "CANCELLED"
    assert stock_of("sh-runner", "9") == 5
    assert again.startswith("INVALID_STATE: ")
    stored = shopper.services.orders.get(shopper.tenant_id, order["order_id"])
    assert stored.history[-1].reason == "found a cheaper pair"


def test_another_shoppers_order_can_be_neither_seen_nor_cancelled(
    tool_ok: Callable[..., Any], tool_error: Callable[..., str], shopper: AppContext
) -> None:
    order = tool_ok("place_order", {"items": [{"product_id": "ap-tee", "size": "M"}]})
    stranger = replace(shopper, user_id="u2")

    assert tool_error("order_status", {"order_id": order["order_id"]}, context=stranger).startswith(
        "NOT_FOUND: "
    )
    assert tool_error("cancel_order", {"order_id": order["order_id"]}, context=stranger).startswith(
        "NOT_FOUND: "
    )
    assert tool_ok("order_status", {}, context=stranger) == {"orders": []}
    assert tool_ok("order_status", {"order_id": order["order_id"]})["status"] == "CONFIRMED"


def test_place_order_needs_a_cart_or_items_and_a_delivery_region(
    tool_error: Callable[..., str], shopper: AppContext
) -> None:
    empty_cart = tool_error("place_order", {})
    nowhere = tool_error(
        "place_order",
        {"items": [{"product_id": "ap-tee", "size": "M"}]},
        context=replace(shopper, region=None),
    )

    assert empty_cart.startswith("INVALID_INPUT: ") and "cart is empty" in empty_cart
    assert nowhere.startswith("INVALID_INPUT: ") and "region" in nowhere
    assert orders_of(shopper) == []
