"""Inside a LangGraph graph: the shopper's stream carries the router's tokens once, and nothing internal."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import START, MessagesState, StateGraph

from agents.router import ModelRouter, build_router
from agents.schemas import ShoppingIntent
from core.settings import Settings


def rules_router() -> ModelRouter:
    return build_router(Settings(_env_file=None, model_tiers=["rules"]))


def streamed_text(graph: Any, text: str) -> tuple[str, list[str]]:
    tokens: list[str] = []
    nodes: list[str] = []
    for chunk, metadata in graph.stream({"messages": [HumanMessage(text)]}, stream_mode="messages"):
        tokens.append(chunk.text)
        nodes.append(metadata["langgraph_node"])
    return "".join(tokens), nodes


def test_a_chat_node_streams_the_answer_exactly_once() -> None:
    router = rules_router()

    def reply(state: MessagesState) -> dict[str, list[AIMessage]]:
        return {"messages": [router.invoke(state["messages"])]}

    graph = StateGraph(MessagesState).add_node("reply", reply).add_edge(START, "reply").compile()

    text, nodes = streamed_text(graph, "red kurta under 2000")
    final = graph.invoke({"messages": [HumanMessage("red kurta under 2000")]})["messages"][-1]

    assert text == final.text
    assert set(nodes) == {"reply"}
    assert final.response_metadata["pakka"]["tier"] == "rules"


def test_structured_calls_inside_a_node_do_not_reach_the_shoppers_stream() -> None:
    router = rules_router()

    def understand(state: MessagesState) -> dict[str, list[AIMessage]]:
        intent = router.with_structured_output(ShoppingIntent).invoke(state["messages"])
        return {"messages": [AIMessage(f"Searching {intent.category}")]}

    graph = (
        StateGraph(MessagesState).add_node("understand", understand).add_edge(START, "understand").compile()
    )

    streamed = list(graph.stream({"messages": [HumanMessage("kaale joote 3k tak")]}, stream_mode="messages"))

    assert [message.text for message, _ in streamed] == ["Searching footwear"]
    assert not any(getattr(message, "tool_calls", None) for message, _ in streamed)
