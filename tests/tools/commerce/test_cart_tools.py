"""add_to_cart, remove_from_cart and view_cart act for the shopper named by the run context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from core.context import AppContext


def lines(cart: dict[str, Any]) -> dict[tuple[str, str], int]:
    return {(line["product_id"], line["size"]): line["quantity"] for line in cart["items"]}


def test_an_empty_cart_is_viewable(tool_ok: Callable[..., Any]) -> None:
    assert tool_ok("view_cart") == {"items": [], "item_count": 0, "total_inr": 0.0}


def test_add_to_cart_then_view_cart_shows_names_sizes_and_totals(tool_ok: Callable[..., Any]) -> None:
    tool_ok("add_to_cart", {"product_id": "sh-runner", "size": "9", "quantity": 2})
    tool_ok("add_to_cart", {"product_id": "ap-tee", "size": "M"})

    cart = tool_ok("view_cart")

    assert cart["item_count"] == 3
    assert cart["total_inr"] == 2 * 2499.0 + 499.0
    runner = next(line for line in cart["items"] if line["product_id"] == "sh-runner")
    assert runner == {
        "product_id": "sh-runner",
        "name": "Stride Runner Running Shoes",
        "brand": "Stride",
        "size": "9",
        "quantity": 2,
        "unit_price_inr": 2499.0,
        "line_total_inr": 4998.0,
    }


def test_adding_the_same_product_and_size_again_merges_the_line(tool_ok: Callable[..., Any]) -> None:
    tool_ok("add_to_cart", {"product_id": "ap-tee", "size": "M", "quantity": 1})
    cart = tool_ok("add_to_cart", {"product_id": "ap-tee", "size": "M", "quantity": 2})

    assert lines(cart) == {("ap-tee", "M"): 3}


def test_remove_from_cart_lowers_a_quantity_or_drops_the_line(tool_ok: Callable[..., Any]) -> None:
    tool_ok("add_to_cart", {"product_id": "ap-tee", "size": "M", "quantity": 3})
    tool_ok("add_to_cart", {"product_id": "sk-serum", "size": "30ml"})

    lowered = tool_ok("remove_from_cart", {"product_id": "ap-tee", "size": "M", "quantity": 2})
    dropped = tool_ok("remove_from_cart", {"product_id": "sk-serum"})

    assert lines(lowered) == {("ap-tee", "M"): 1, ("sk-serum", "30ml"): 1}
    assert lines(dropped) == {("ap-tee", "M"): 1}


def test_each_shopper_has_their_own_cart(tool_ok: Callable[..., Any], shopper: AppContext) -> None:
    tool_ok("add_to_cart", {"product_id": "ap-tee", "size": "M"})

    other = tool_ok("view_cart", context=replace(shopper, user_id="u2"))

    assert other["items"] == []


def test_a_user_id_chosen_by_the_model_is_ignored(tool_ok: Callable[..., Any], shopper: AppContext) -> None:
    tool_ok("add_to_cart", {"product_id": "ap-tee", "size": "M", "user_id": "u2"})

    assert lines(tool_ok("view_cart")) == {("ap-tee", "M"): 1}
    assert tool_ok("view_cart", context=replace(shopper, user_id="u2"))["items"] == []


def test_add_to_cart_refuses_more_than_the_region_has_in_stock(
    tool_ok: Callable[..., Any], tool_error: Callable[..., str]
) -> None:
    tool_ok("add_to_cart", {"product_id": "sh-runner", "size": "8", "quantity": 2})

    error = tool_error("add_to_cart", {"product_id": "sh-runner", "size": "8", "quantity": 2})

    assert error.startswith("INSUFFICIENT_STOCK: ")
    assert "requested=4" in error and "available=3" in error
    assert lines(tool_ok("view_cart")) == {("sh-runner", "8"): 2}
