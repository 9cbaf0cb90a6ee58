"""The tools inside an agent loop: a scripted chat model calls them, reads their answers and recovers from an
error, as the chat graph will; sync and async runs behave the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode, tools_condition

from core.context import AppContext
from core.schemas import OrderStatus
from tools.commerce import COMMERCE_TOOLS


def calls(name: str, args: dict[str, Any], call_id: str) -> AIMessage:
    return AIMessage(
        content="", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}]
    )


def shopping_agent(
    script: list[AIMessage],
) -> CompiledStateGraph[MessagesState, AppContext, MessagesState, MessagesState]:
    """agent <-> tools until the model answers without a tool call."""
    model = GenericFakeChatModel(messages=iter(script))

    def agent(state: MessagesState) -> dict[str, list[BaseMessage]]:
        return {"messages": [model.invoke(state["messages"])]}

    builder = StateGraph(MessagesState, context_schema=AppContext)
    builder.add_node("agent", agent)
    builder.add_node("tools", ToolNode(COMMERCE_TOOLS))
    builder.add_edge(START, "agent")
    builder.add_conditional_edges("agent", tools_condition)
    builder.add_edge("tools", "agent")
    return builder.compile()


def buying_a_tee() -> list[AIMessage]:
    return [
        calls("search_products", {"query": "cotton tee", "max_price_inr": 600}, "c1"),
        calls("add_to_cart", {"product_id": "ap-tee", "size": "XL"}, "c2"),
        calls("add_to_cart", {"product_id": "ap-tee", "size": "M"}, "c3"),
        calls("place_order", {}, "c4"),
        AIMessage(content="Your Kora Cotton Tee is ordered, cash on delivery."),
    ]


def tool_replies(messages: list[BaseMessage]) -> list[tuple[str, str]]:
    return [(str(m.name), m.status) for m in messages if isinstance(m, ToolMessage)]


EXPECTED_REPLIES = [
    ("search_products", "success"),
    ("add_to_cart", "error"),
    ("add_to_cart", "success"),
    ("place_order", "success"),
]


def test_an_agent_recovers_from_a_wrong_size_and_completes_the_purchase(
    shopper: AppContext, stock_of: Callable[..., int]
) -> None:
    final = shopping_agent(buying_a_tee()).invoke(
        {"messages": [HumanMessage(content="A white tee in M please, under 600")]}, context=shopper
    )

    assert tool_replies(final["messages"]) == EXPECTED_REPLIES
    assert final["messages"][-1].content == "Your Kora Cotton Tee is ordered, cash on delivery."
    [order] = shopper.services.orders.list_for_user(shopper.tenant_id, "u1")
    assert order.status is OrderStatus.CONFIRMED
    assert stock_of("ap-tee", "M") == 9


async def test_the_tools_work_when_the_graph_runs_asynchronously(
    shopper: AppContext, stock_of: Callable[..., int]
) -> None:
    final = await shopping_agent(buying_a_tee()).ainvoke(
        {"messages": [HumanMessage(content="A white tee in M please")]}, context=shopper
    )

    assert tool_replies(final["messages"]) == EXPECTED_REPLIES
    assert len(shopper.services.orders.list_for_user(shopper.tenant_id, "u1")) == 1
    assert stock_of("ap-tee", "M") == 9
