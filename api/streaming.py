"""One way to stream any registered graph's run to a client as Server-Sent Events.

The run is read with `astream(stream_mode=["updates", "messages", "custom"], subgraphs=True)` and mapped to
one event vocabulary:

- `progress` {node} when a node finishes ({node, subgraph} inside a subgraph);
- `token` {text}: model tokens of the nodes the graph streams (`GraphSpec.token_nodes`);
- `tool_call` {id, name, args} when a model asks for a tool; `tool_result` {id, name, ok, content} when the
  tool answered;
- `interrupt` {id, action_requests: [{name, args, description}], review_configs: [{action_name,
  allowed_decisions}]}: the graph waits for a person (LangChain's HumanInTheLoopMiddleware shape);
- `message` {role, content}: the final answer of a node the graph names (`GraphSpec.message_nodes`: the
  chat's assistant reply, once whole, after its tokens);
- graph-specific events: a state key the graph names (`GraphSpec.result_events`, e.g. `result`), and what a
  node writes to the custom stream ({event: data}, e.g. `explanation`);
- `error` {code, message}; and `done` {}, always last.

A comment line (`: ping`) goes out every `HEARTBEAT_S` seconds, so proxies keep the connection open; when the
client goes away the response task, and with it the run, is cancelled. The model router's own tier calls are
tagged `nostream` (agents/router), so no internal model call ever reaches a client.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any, cast

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langgraph.types import Interrupt
from pydantic_core import to_jsonable_python
from sse_starlette import EventSourceResponse, ServerSentEvent

from core.errors import PakkaError
from graphs.spec import GraphSpec

logger = logging.getLogger("pakka.api")

HEARTBEAT_S = 15
STREAM_MODES = ["updates", "messages", "custom"]


def sse(name: str, data: Any) -> ServerSentEvent:
    """One event; pydantic models, decimals and datetimes become JSON."""
    return ServerSentEvent(event=name, data=json.dumps(to_jsonable_python(data), ensure_ascii=False))


def event_stream(events: AsyncIterator[ServerSentEvent]) -> EventSourceResponse:
    return EventSourceResponse(events, ping=HEARTBEAT_S)


async def run_events(
    spec: GraphSpec,
    graph: Any,
    payload: Any,
    *,
    context: Any,
    config: Mapping[str, Any] | None = None,
) -> AsyncIterator[ServerSentEvent]:
    """The events of one run of `graph` (the spec's graph, or it compiled with persistence) on `payload` (an
    input, or a `Command` that resumes a thread), ending with `done`."""
    try:
        parts = graph.astream(
            payload,
            config=dict(config or {}),
            context=context,
            stream_mode=STREAM_MODES,
            subgraphs=True,
        )
        async for namespace, mode, chunk in parts:
            for event in _events(spec, cast(tuple[str, ...], namespace), mode, chunk):
                yield event
    except PakkaError as error:
        yield sse("error", {"code": error.code, "message": error.message})
    except Exception:
        logger.exception("graph stream failed", extra={"graph": spec.name})
        yield sse("error", {"code": "INTERNAL", "message": "internal error"})
    yield sse("done", {})


def _events(spec: GraphSpec, namespace: tuple[str, ...], mode: str, chunk: Any) -> list[ServerSentEvent]:
    if mode == "messages":
        return _token_events(spec, namespace, chunk)
    if mode == "custom":
        return [sse(name, data) for name, data in chunk.items()] if isinstance(chunk, dict) else []
    return _update_events(spec, namespace, chunk)


def _token_events(spec: GraphSpec, namespace: tuple[str, ...], chunk: Any) -> list[ServerSentEvent]:
    message, metadata = chunk
    if namespace or metadata.get("langgraph_node") not in spec.token_nodes:
        return []
    if not isinstance(message, AIMessageChunk | AIMessage):
        return []
    text = message.text
    return [sse("token", {"text": text})] if text else []


def _update_events(spec: GraphSpec, namespace: tuple[str, ...], chunk: Any) -> list[ServerSentEvent]:
    events: list[ServerSentEvent] = []
    for node, update in chunk.items():
        if node == "__interrupt__":
            events.extend(sse("interrupt", interrupt_payload(item)) for item in update)
            continue
        progress: dict[str, Any] = {"node": node}
        if namespace:
            progress["subgraph"] = namespace[-1].split(":")[0]
        events.append(sse("progress", progress))
        if not isinstance(update, dict):
            continue
        events.extend(_message_events(update.get("messages")))
        if not namespace and node in spec.message_nodes:
            events.extend(_reply_events(update.get("messages")))
        if not namespace:
            events.extend(
                sse(spec.result_events[key], update[key]) for key in spec.result_events if key in update
            )
    return events


def _message_events(messages: Any) -> list[ServerSentEvent]:
    """`tool_call` for every tool a model asked for, `tool_result` for every tool answer, in order."""
    if not isinstance(messages, list):
        messages = [messages] if isinstance(messages, BaseMessage) else []
    events: list[ServerSentEvent] = []
    for message in messages:
        if isinstance(message, AIMessage):
            events.extend(
                sse("tool_call", {"id": call["id"], "name": call["name"], "args": call["args"]})
                for call in message.tool_calls
            )
        elif isinstance(message, ToolMessage):
            events.append(
                sse(
                    "tool_result",
                    {
                        "id": message.tool_call_id,
                        "name": message.name,
                        "ok": message.status != "error",
                        "content": message.content,
                    },
                )
            )
    return events


def _reply_events(messages: Any) -> list[ServerSentEvent]:
    """`message` for every model answer that asks for no tool (the assistant's reply to the person)."""
    if not isinstance(messages, list):
        messages = [messages] if isinstance(messages, BaseMessage) else []
    return [
        sse("message", {"role": "assistant", "content": message.text})
        for message in messages
        if isinstance(message, AIMessage) and not message.tool_calls and message.text
    ]


def interrupt_payload(item: Interrupt) -> dict[str, Any]:
    """An interrupt as clients see it: its id, and the question (HumanInTheLoopMiddleware's shape)."""
    value = item.value
    if isinstance(value, dict):
        return {"id": item.id, **value}
    return {"id": item.id, "action_requests": [], "review_configs": [], "value": value}
