"""One streaming vocabulary for every graph (api/streaming.py), shown on small real LangGraph graphs: node
progress, tokens of the nodes a graph streams, tool calls and results, interrupts, graph-specific events,
errors, heartbeats, and a run cancelled when the client goes away."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.types import interrupt
from typing_extensions import TypedDict

from agents.router import build_router
from api import streaming
from api.streaming import event_stream, run_events
from core.errors import InvalidInput
from core.settings import Settings
from graphs.spec import GraphSpec
from tests.api.sse import comments, parse_sse


@tool
def stock_of(product_id: str) -> str:
    """Units in stock of a product."""
    return f"{product_id}: 3 left"


def agent_graph(model: Any) -> Any:
    """agent -> tools -> agent: the model asks for a tool once, then answers."""

    async def agent(state: MessagesState) -> dict[str, Any]:
        return {"messages": [await model.ainvoke(state["messages"])]}

    def route(state: MessagesState) -> str:
        last = state["messages"][-1]
        return "tools" if isinstance(last, AIMessage) and last.tool_calls else END

    builder = StateGraph(MessagesState)
    builder.add_node("agent", agent)
    builder.add_node("tools", ToolNode([stock_of]))
    builder.add_edge(START, "agent")
    builder.add_conditional_edges("agent", route, ["tools", END])
    builder.add_edge("tools", "agent")
    return builder.compile(name="agent")


def scripted_model() -> GenericFakeChatModel:
    """Answers with the scripted messages in turn, whole (the fake's token stream drops tool calls); LangGraph
    then streams each answer as one message."""
    return GenericFakeChatModel(
        disable_streaming=True,
        messages=iter(
            [
                AIMessage(
                    content="",
                    tool_calls=[{"id": "call-1", "name": "stock_of", "args": {"product_id": "p-1"}}],
                ),
                AIMessage(content="Three left in stock."),
            ]
        ),
    )


def spec_of(graph: Any, **kwargs: Any) -> GraphSpec:
    return GraphSpec(
        name=graph.name, description="test", graph=graph, input_schema=dict, output_schema=dict, **kwargs
    )


async def collect(spec: GraphSpec, payload: Any, **kwargs: Any) -> list[tuple[str, Any]]:
    events = [event async for event in run_events(spec, spec.graph, payload, context=None, **kwargs)]
    text = "".join(event.encode().decode() for event in events)
    return parse_sse(text)


QUESTION = {"messages": [HumanMessage("how many p-1 are left?")]}


async def test_an_agent_run_streams_progress_tool_calls_results_tokens_and_done() -> None:
    spec = spec_of(agent_graph(scripted_model()), token_nodes=frozenset({"agent"}))

    events = await collect(spec, QUESTION)

    names = [name for name, _ in events]
    assert names[0] == "progress" and names[-1] == "done"
    assert ("tool_call", {"id": "call-1", "name": "stock_of", "args": {"product_id": "p-1"}}) in events
    assert (
        "tool_result",
        {"id": "call-1", "name": "stock_of", "ok": True, "content": "p-1: 3 left"},
    ) in events
    assert names.index("tool_call") < names.index("tool_result")
    tokens = "".join(data["text"] for name, data in events if name == "token")
    assert tokens == "Three left in stock."
    assert [data["node"] for name, data in events if name == "progress"] == ["agent", "tools", "agent"]


async def test_a_node_the_graph_does_not_stream_sends_no_tokens() -> None:
    events = await collect(spec_of(agent_graph(scripted_model())), QUESTION)

    assert "token" not in [name for name, _ in events]


async def test_the_router_streams_its_answer_once_and_no_tier_call_leaks(tmp_path: Any) -> None:
    router = build_router(Settings(data_dir=tmp_path, model_tiers=["rules"], _env_file=None))
    builder = StateGraph(MessagesState)

    async def agent(state: MessagesState) -> dict[str, Any]:
        return {"messages": [await router.ainvoke(state["messages"])]}

    builder.add_node("agent", agent)
    builder.add_edge(START, "agent")
    graph = builder.compile(name="router")
    spec = spec_of(graph, token_nodes=frozenset({"agent"}))

    events = await collect(spec, {"messages": [HumanMessage("hello")]})
    final = await graph.ainvoke({"messages": [HumanMessage("hello")]})

    tokens = "".join(data["text"] for name, data in events if name == "token")
    assert tokens == final["messages"][-1].text
    assert tokens


class Answer(TypedDict, total=False):
    question: str
    result: dict[str, Any]
    notes: Annotated[list[str], operator.add]


def answering_graph() -> Any:
    def answer(state: Answer) -> Answer:
        return {"result": {"price_inr": 1499}, "notes": ["priced"]}

    builder = StateGraph(Answer)
    builder.add_node("answer", answer)
    builder.add_edge(START, "answer")
    return builder.compile(name="answering")


async def test_a_state_key_the_graph_names_is_sent_as_its_own_event() -> None:
    events = await collect(spec_of(answering_graph(), result_events={"result": "result"}), {"question": "?"})

    assert events == [("progress", {"node": "answer"}), ("result", {"price_inr": 1499}), ("done", {})]


async def test_custom_stream_writes_become_named_events() -> None:
    from langgraph.config import get_stream_writer

    def explain(state: Answer) -> Answer:
        get_stream_writer()({"explanation": {"product_id": "p-1", "text": "fits"}})
        return {}

    builder = StateGraph(Answer)
    builder.add_node("explain", explain)
    builder.add_edge(START, "explain")

    events = await collect(spec_of(builder.compile(name="custom")), {"question": "?"})

    assert ("explanation", {"product_id": "p-1", "text": "fits"}) in events


async def test_a_subgraph_node_reports_progress_with_its_subgraph() -> None:
    builder = StateGraph(Answer)
    builder.add_node("inner", answering_graph())
    builder.add_edge(START, "inner")

    events = await collect(spec_of(builder.compile(name="outer")), {"question": "?"})

    assert ("progress", {"node": "answer", "subgraph": "inner"}) in events
    assert ("progress", {"node": "inner"}) in events


async def test_an_interrupt_that_is_not_a_review_request_still_reaches_the_client() -> None:
    from langgraph.checkpoint.memory import InMemorySaver

    def ask(state: Answer) -> Answer:
        return {"question": interrupt("which colour?")}

    builder = StateGraph(Answer)
    builder.add_node("ask", ask)
    builder.add_edge(START, "ask")
    spec = spec_of(builder.compile(name="ask", checkpointer=InMemorySaver()))

    events = await collect(spec, {"question": ""}, config={"configurable": {"thread_id": "t-1"}})

    [(name, data)] = [event for event in events if event[0] == "interrupt"]
    assert data["value"] == "which colour?"
    assert data["id"]
    assert data["action_requests"] == [] and data["review_configs"] == []


def failing_graph(error: Exception) -> Any:
    def fail(state: Answer) -> Answer:
        raise error

    builder = StateGraph(Answer)
    builder.add_node("fail", fail)
    builder.add_edge(START, "fail")
    return builder.compile(name="failing")


async def test_a_domain_error_is_an_error_event_with_its_code_then_done() -> None:
    events = await collect(spec_of(failing_graph(InvalidInput("no such size"))), {"question": "?"})

    assert events == [("error", {"code": "INVALID_INPUT", "message": "no such size"}), ("done", {})]


async def test_an_unexpected_failure_is_an_internal_error_without_details() -> None:
    events = await collect(spec_of(failing_graph(RuntimeError("secret path /etc"))), {"question": "?"})

    assert events == [("error", {"code": "INTERNAL", "message": "internal error"}), ("done", {})]


class Slow(TypedDict, total=False):
    steps: Annotated[list[str], operator.add]


def slow_graph(started: asyncio.Event, cancelled: asyncio.Event, seconds: float) -> Any:
    def first(state: Slow) -> Slow:
        return {"steps": ["first"]}

    async def wait(state: Slow) -> Slow:
        started.set()
        try:
            await asyncio.sleep(seconds)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return {"steps": ["waited"]}

    builder = StateGraph(Slow)
    builder.add_node("first", first)
    builder.add_node("wait", wait)
    builder.add_edge(START, "first")
    builder.add_edge("first", "wait")
    return builder.compile(name="slow")


async def test_a_client_that_goes_away_cancels_the_run() -> None:
    started, cancelled = asyncio.Event(), asyncio.Event()
    spec = spec_of(slow_graph(started, cancelled, seconds=60))
    events = run_events(spec, spec.graph, {"steps": []}, context=None)

    first = await anext(events)
    pending = asyncio.ensure_future(anext(events))
    await asyncio.wait_for(started.wait(), timeout=10)
    pending.cancel()  # what the SSE response does when the client disconnects
    with pytest.raises(asyncio.CancelledError):
        await pending
    await events.aclose()

    assert first.event == "progress"
    assert cancelled.is_set()


def test_a_quiet_run_sends_heartbeat_comments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "HEARTBEAT_S", 0.1)
    app = FastAPI()

    @app.get("/slow")
    async def slow() -> Any:
        spec = spec_of(slow_graph(asyncio.Event(), asyncio.Event(), seconds=0.5))
        return event_stream(run_events(spec, spec.graph, {"steps": []}, context=None))

    with TestClient(app) as client:
        response = client.get("/slow")

    assert any(line.startswith(": ping") for line in comments(response.text))
    assert [name for name, _ in parse_sse(response.text)] == ["progress", "progress", "done"]
