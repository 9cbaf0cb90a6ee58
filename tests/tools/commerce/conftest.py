"""A small real graph around the commerce tools, on a seeded store of each backend.

The graph is START -> ToolNode(COMMERCE_TOOLS) -> END with `context_schema=AppContext`; a test feeds it an
AIMessage with scripted tool calls, as LangGraph's own tests do, and reads the ToolMessages that come back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode

from core.commerce.payments import CashOnDelivery, PaymentGateway, TestPaymentProvider
from core.context import AppContext
from core.schemas import InventoryRecord, Product, Tenant
from core.settings import Settings
from core.storage.repositories import Store
from graphs.services import Services
from tools.commerce import COMMERCE_TOOLS

TENANT = "shop"
SHOPPER = "u1"
HOME_REGION = "mumbai"
DECLINE_REASON = "card declined by issuer"

PRODUCTS = [
    Product(
        id="sh-runner",
        tenant_id=TENANT,
        name="Stride Runner Running Shoes",
        brand="Stride",
        category="footwear",
        subcategory="running shoes",
        description="Light mesh running shoes with a cushioned sole.",
        price_inr=Decimal("2499"),
        sizes=["8", "9", "10"],
        fit={"runs": "small", "size_offset": -0.5},
        rating=4.3,
    ),
    Product(
        id="sh-loafer",
        tenant_id=TENANT,
        name="Stride Leather Loafers",
        brand="Stride",
        category="footwear",
        description="Tan leather loafers for the office.",
        price_inr=Decimal("3999"),
        sizes=["9", "10"],
    ),
    Product(
        id="ap-tee",
        tenant_id=TENANT,
        name="Kora Cotton Tee",
        brand="Kora",
        category="apparel",
        description="Soft cotton crew-neck tee.",
        price_inr=Decimal("499"),
        sizes=["S", "M", "L"],
        attributes={"colour": "white", "material": "cotton"},
    ),
    Product(
        id="sk-serum",
        tenant_id=TENANT,
        name="Glowveda Niacinamide Serum",
        brand="Glowveda",
        category="skincare",
        description="10% niacinamide serum for oily skin.",
        price_inr=Decimal("699"),
        sizes=["30ml"],
        ingredients=["Aqua", "Niacinamide", "Zinc PCA", "Glycerin"],
    ),
]

STOCK = {
    ("sh-runner", "8", "mumbai"): 3,
    ("sh-runner", "9", "mumbai"): 5,
    ("sh-runner", "10", "mumbai"): 0,
    ("sh-runner", "9", "delhi"): 2,
    ("sh-loafer", "10", "delhi"): 4,
    ("ap-tee", "M", "mumbai"): 10,
    ("ap-tee", "L", "mumbai"): 0,
    ("sk-serum", "30ml", "mumbai"): 6,
}


ShopGraph = CompiledStateGraph[MessagesState, AppContext, MessagesState, MessagesState]


def build_tool_graph() -> ShopGraph:
    builder = StateGraph(MessagesState, context_schema=AppContext)
    builder.add_node("tools", ToolNode(COMMERCE_TOOLS))
    builder.add_edge(START, "tools")
    builder.add_edge("tools", END)
    return builder.compile()


def tool_call_message(name: str, args: dict[str, Any], call_id: str) -> AIMessage:
    return AIMessage(
        content="", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}]
    )


@pytest.fixture
def stocked_store(store: Store) -> Store:
    store.tenants.put(Tenant(id=TENANT, name="Test shop"))
    store.products.put_many(PRODUCTS)
    store.inventory.put_many(
        InventoryRecord(tenant_id=TENANT, product_id=product_id, size=size, region=region, available=units)
        for (product_id, size, region), units in STOCK.items()
    )
    return store


@pytest.fixture
def payments() -> PaymentGateway:
    """Cash on delivery always succeeds; the "test" method always declines."""
    return PaymentGateway([CashOnDelivery(), TestPaymentProvider(decline_reason=DECLINE_REASON)])


@pytest.fixture
def services(settings: Settings, stocked_store: Store, payments: PaymentGateway) -> Services:
    return Services.build(settings, stocked_store, payments=payments)


@pytest.fixture
def shopper(services: Services) -> AppContext:
    return AppContext(services=services, tenant_id=TENANT, user_id=SHOPPER, region=HOME_REGION)


@pytest.fixture
def stock_of(stocked_store: Store) -> Callable[..., int]:
    """Units available now for (product, size, region), region defaulting to the shopper's."""

    def units(product_id: str, size: str, region: str = HOME_REGION) -> int:
        record = stocked_store.inventory.get(TENANT, product_id, size, region)
        assert record is not None
        return record.available

    return units


@pytest.fixture
def tool_graph() -> ShopGraph:
    return build_tool_graph()


@pytest.fixture
def invoke_tool(tool_graph: ShopGraph, shopper: AppContext) -> Callable[..., ToolMessage]:
    """Run one scripted tool call through the graph (as `shopper` unless `context` is given); the graph must
    complete with the tool's answer as its last message."""

    def invoke(
        name: str,
        args: dict[str, Any] | None = None,
        *,
        call_id: str | None = None,
        context: AppContext | None = None,
    ) -> ToolMessage:
        call_id = call_id or f"call_{uuid.uuid4().hex[:12]}"
        final = tool_graph.invoke(
            {"messages": [tool_call_message(name, args or {}, call_id)]}, context=context or shopper
        )
        reply = final["messages"][-1]
        assert isinstance(reply, ToolMessage)
        assert reply.tool_call_id == call_id
        assert reply.name == name
        return reply

    return invoke


@pytest.fixture
def tool_ok(invoke_tool: Callable[..., ToolMessage]) -> Callable[..., Any]:
    """A tool call that must succeed; returns its JSON result."""

    def call(name: str, args: dict[str, Any] | None = None, **options: Any) -> Any:
        reply = invoke_tool(name, args, **options)
        assert reply.status == "success", reply.content
        return json.loads(str(reply.content))

    return call


@pytest.fixture
def tool_error(invoke_tool: Callable[..., ToolMessage]) -> Callable[..., str]:
    """A tool call that must fail; returns the error text the model reads."""

    def call(name: str, args: dict[str, Any] | None = None, **options: Any) -> str:
        reply = invoke_tool(name, args, **options)
        assert reply.status == "error", reply.content
        return str(reply.content)

    return call
