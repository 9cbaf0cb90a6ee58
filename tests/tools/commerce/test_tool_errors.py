"""Whatever a model gets wrong comes back as an error ToolMessage; the graph never raises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from langgraph.graph import MessagesState
from langgraph.graph.state import CompiledStateGraph

from core.context import AppContext
from core.errors import InsufficientStock, PaymentFailed
from tools.commerce import COMMERCE_TOOLS
from tools.commerce.errors import describe_domain_error

TEE = {"product_id": "ap-tee", "size": "M"}

INVALID_CALLS = [
    pytest.param(
        "add_to_cart", {**TEE, "quantity": -1}, "INVALID_ARGUMENTS", "quantity", id="negative-quantity"
    ),
    pytest.param(
        "add_to_cart", {**TEE, "quantity": "two"}, "INVALID_ARGUMENTS", "quantity", id="quantity-not-a-number"
    ),
    pytest.param("add_to_cart", {"product_id": "ap-tee"}, "INVALID_ARGUMENTS", "size", id="missing-size"),
    pytest.param(
        "add_to_cart", {"product_id": "nope", "size": "M"}, "NOT_FOUND", "nope", id="unknown-product"
    ),
    pytest.param(
        "add_to_cart", {"product_id": "ap-tee", "size": "XXL"}, "INVALID_INPUT", "XXL", id="unknown-size"
    ),
    pytest.param(
        "add_to_cart",
        {"product_id": "ap-tee", "size": "L"},
        "INSUFFICIENT_STOCK",
        "available=0",
        id="sold-out",
    ),
    pytest.param(
        "remove_from_cart",
        {"product_id": "ap-tee", "quantity": 0},
        "INVALID_ARGUMENTS",
        "quantity",
        id="zero-removal",
    ),
    pytest.param(
        "get_product", {"product_id": "../etc/passwd"}, "INVALID_ARGUMENTS", "product_id", id="malformed-id"
    ),
    pytest.param("get_product", {}, "INVALID_ARGUMENTS", "product_id", id="missing-id"),
    pytest.param(
        "search_products", {"max_price_inr": -5}, "INVALID_ARGUMENTS", "max_price_inr", id="negative-price"
    ),
    pytest.param("search_products", {"limit": "all"}, "INVALID_ARGUMENTS", "limit", id="limit-not-a-number"),
    pytest.param(
        "search_products",
        {"in_stock_region": "Mumbai City!"},
        "INVALID_ARGUMENTS",
        "in_stock_region",
        id="bad-region",
    ),
    pytest.param("place_order", {"items": []}, "INVALID_ARGUMENTS", "items", id="no-items"),
    pytest.param(
        "place_order",
        {"items": [{**TEE, "quantity": 0}]},
        "INVALID_ARGUMENTS",
        "items.0.quantity",
        id="zero-quantity",
    ),
    pytest.param(
        "place_order",
        {"items": [{**TEE, "quantity": 21}]},
        "INVALID_ARGUMENTS",
        "items.0.quantity",
        id="too-many",
    ),
    pytest.param(
        "place_order",
        {"items": [{"product_id": "nope", "size": "M"}]},
        "NOT_FOUND",
        "nope",
        id="order-unknown-product",
    ),
    pytest.param(
        "place_order",
        {"items": [{"product_id": "ap-tee", "size": "XXL"}]},
        "INVALID_INPUT",
        "XXL",
        id="order-unknown-size",
    ),
    pytest.param(
        "place_order",
        {"items": [{"product_id": "ap-tee", "size": "L"}]},
        "INSUFFICIENT_STOCK",
        "ap-tee",
        id="order-sold-out",
    ),
    pytest.param(
        "place_order",
        {"items": [TEE], "payment_method": "bitcoin"},
        "INVALID_INPUT",
        "bitcoin",
        id="unknown-payment",
    ),
    pytest.param("order_status", {"order_id": "ord_missing"}, "NOT_FOUND", "ord_missing", id="unknown-order"),
    pytest.param(
        "cancel_order", {"order_id": "ord_missing"}, "NOT_FOUND", "ord_missing", id="cancel-unknown-order"
    ),
]


@pytest.mark.parametrize(("tool", "args", "code", "mentions"), INVALID_CALLS)
def test_invalid_call_comes_back_as_an_error_message_and_changes_nothing(
    tool_error: Callable[..., str],
    shopper: AppContext,
    stock_of: Callable[..., int],
    tool: str,
    args: dict[str, Any],
    code: str,
    mentions: str,
) -> None:
    error = tool_error(tool, args)

    assert error.startswith(f"{code}: ")
    assert mentions in error
    assert shopper.services.orders.list_for_user(shopper.tenant_id, "u1") == []
    assert shopper.services.carts.view(shopper.tenant_id, "u1").items == []
    assert stock_of("ap-tee", "M") == 10


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("view_cart", {}),
        ("add_to_cart", TEE),
        ("remove_from_cart", {"product_id": "ap-tee"}),
        ("place_order", {"items": [TEE]}),
        ("order_status", {}),
        ("cancel_order", {"order_id": "ord_1"}),
    ],
)
def test_shopper_tools_refuse_to_act_when_nobody_is_signed_in(
    tool_error: Callable[..., str], shopper: AppContext, tool: str, args: dict[str, Any]
) -> None:
    error = tool_error(tool, args, context=replace(shopper, user_id=None))

    assert error.startswith("NOT_SIGNED_IN: ")


def test_catalog_tools_work_for_anonymous_visitors(tool_ok: Callable[..., Any], shopper: AppContext) -> None:
    result = tool_ok("search_products", {"query": "serum"}, context=replace(shopper, user_id=None))

    assert [product["id"] for product in result["products"]] == ["sk-serum"]


def test_a_graph_run_without_context_gets_an_error_message(
    tool_graph: CompiledStateGraph[MessagesState, AppContext, MessagesState, MessagesState],
) -> None:
    call = {"name": "search_products", "args": {"query": "shoes"}, "id": "call_1", "type": "tool_call"}

    final = tool_graph.invoke({"messages": [AIMessage(content="", tool_calls=[call])]})

    reply = final["messages"][-1]
    assert isinstance(reply, ToolMessage)
    assert reply.status == "error"
    assert str(reply.content).startswith("NO_SHOP_CONTEXT: ")


@pytest.mark.parametrize("tool", COMMERCE_TOOLS, ids=lambda tool: tool.name)
def test_the_model_never_sees_identity_or_runtime_arguments(tool: Any) -> None:
    visible = set(tool.tool_call_schema.model_json_schema().get("properties", {}))

    assert visible.isdisjoint({"runtime", "user_id", "tenant_id"})
    assert tool.description


def test_domain_errors_keep_their_code_and_only_scalar_details() -> None:
    stock = InsufficientStock("not enough stock", {"product_id": "p1", "requested": 3, "available": 1})
    payment = PaymentFailed("payment declined", {"order": {"id": "ord_1", "items": []}})

    assert (
        describe_domain_error(stock)
        == "INSUFFICIENT_STOCK: not enough stock (product_id=p1, requested=3, available=1)"
    )
    assert describe_domain_error(payment) == "PAYMENT_FAILED: payment declined"
