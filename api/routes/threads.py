"""Threads: conversations with the graphs that keep them (graphs/registry.py), streamed as Server-Sent Events
(api/streaming.py), that survive restarts and stop to ask a person (interrupts) before side effects.

The access token names the caller; a `user_id` (in the body, or the query for GET and DELETE) that names
anyone else is 403 (an admin may name any user). A thread is found only by the tenant and user that own it,
so someone else's thread is a 404 like an unknown one."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from langchain_core.messages import BaseMessage
from langgraph.types import Command
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python
from sse_starlette import EventSourceResponse

from api.auth import SHOPPER, CallerDep
from api.deps import IdPath, ServicesDep, TenantDep
from api.streaming import event_stream, interrupt_payload, run_events
from core.context import Attachment
from core.errors import InvalidInput, NotFound, ThreadBusy
from core.schemas import Id
from graphs.context import GraphContext
from graphs.registry import GRAPHS
from graphs.services import Services
from graphs.spec import GraphSpec
from graphs.threads import ThreadRecord, Threads, config
from tools.vision.image import DEFAULT_MAX_BYTES, ImageFormat, sniff_format

router = APIRouter(prefix="/v1/threads", tags=["threads"])

THREAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "THREAD_NOT_FOUND: no such thread for this tenant and user."},
}
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    **THREAD_RESPONSES,
    409: {"description": "THREAD_CONFLICT: the thread waits for an answer, or this interrupt was answered."},
    422: {"description": "VALIDATION_ERROR / INVALID_INPUT: the body or the graph input is malformed."},
}


class ThreadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    graph: str = Field(
        min_length=1,
        max_length=64,
        description="A registered graph that keeps threads (another name is 422 INVALID_INPUT).",
        json_schema_extra={"enum": sorted(name for name, spec in GRAPHS.items() if spec.keeps_threads)},
    )
    user_id: Id | None = Field(default=None, description="The shopper; defaults to the caller.")


class ThreadCreated(BaseModel):
    thread_id: str
    graph: str


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: dict[str, Any] = Field(default_factory=dict, description="The graph's input (its input schema).")
    user_id: Id | None = Field(default=None, description="The shopper; defaults to the caller.")


class Decision(BaseModel):
    """One answer to an action request (LangChain's HumanInTheLoopMiddleware decisions)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["approve", "reject", "edit"]
    args: dict[str, Any] | None = Field(default=None, description="edit: the action's new arguments.")
    message: str | None = Field(default=None, max_length=2000, description="reject: why, in words.")


class ResumeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interrupt_id: str = Field(min_length=1, max_length=128)
    decisions: list[Decision] = Field(min_length=1, max_length=20)
    user_id: Id | None = Field(default=None, description="The shopper; defaults to the caller.")


class ThreadView(BaseModel):
    thread_id: str
    graph: str
    values: dict[str, Any]
    messages: list[dict[str, Any]]
    pending_interrupts: list[dict[str, Any]]
    created_at: datetime


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[SHOPPER])
async def create_thread(
    body: ThreadCreate, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> ThreadCreated:
    spec = GRAPHS.get(body.graph)
    if spec is None or not spec.keeps_threads:
        threaded = sorted(name for name, entry in GRAPHS.items() if entry.keeps_threads)
        raise InvalidInput(
            f"graph {body.graph!r} does not keep threads",
            {"graph": body.graph, "graphs_with_threads": threaded},
        )
    record = await services.running_threads().create(spec, tenant_id, caller.acting_as(body.user_id))
    return ThreadCreated(thread_id=record.thread_id, graph=record.graph)


@router.post(
    "/{thread_id}/runs/stream",
    response_class=EventSourceResponse,
    responses=STREAM_RESPONSES,
    dependencies=[SHOPPER],
)
async def run_stream(
    thread_id: IdPath, body: RunRequest, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> EventSourceResponse:
    """Run the thread's graph on `input`; the events of api/streaming.py, ending with `done` (an `interrupt`
    event before it when the graph stops to ask)."""
    threads = services.running_threads()
    record, spec = await _thread(threads, tenant_id, caller.acting_as(body.user_id), thread_id)
    if await threads.pending_interrupts(spec, record):
        raise ThreadBusy("the thread waits for an answer: resume it first", {"thread_id": thread_id})
    plain_input, attachment = _attachment(spec, body.input)
    graph_input = _graph_input(spec, plain_input)
    context = _context(services, record, attachment)
    return event_stream(
        run_events(spec, threads.graph(spec), graph_input, context=context, config=config(record))
    )


@router.post(
    "/{thread_id}/resume/stream",
    response_class=EventSourceResponse,
    responses=STREAM_RESPONSES,
    dependencies=[SHOPPER],
)
async def resume_stream(
    thread_id: IdPath, body: ResumeRequest, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> EventSourceResponse:
    """Answer the thread's pending interrupt and go on; a stale or unknown interrupt id is a 409."""
    threads = services.running_threads()
    record, spec = await _thread(threads, tenant_id, caller.acting_as(body.user_id), thread_id)
    pending = {item.id for item in await threads.pending_interrupts(spec, record)}
    if body.interrupt_id not in pending or not threads.start_answering(body.interrupt_id):
        raise ThreadBusy(
            "this interrupt is not waiting for an answer (already answered, or unknown)",
            {"interrupt_id": body.interrupt_id, "pending": sorted(pending)},
        )
    answer = {"decisions": [decision.model_dump(exclude_none=True) for decision in body.decisions]}
    command = Command(resume={body.interrupt_id: answer})
    context = _context(services, record)
    events = run_events(spec, threads.graph(spec), command, context=context, config=config(record))
    return event_stream(_released(events, threads, body.interrupt_id))


@router.get("/{thread_id}", responses=THREAD_RESPONSES, dependencies=[SHOPPER])
async def get_thread(
    thread_id: IdPath,
    services: ServicesDep,
    tenant_id: TenantDep,
    caller: CallerDep,
    user_id: Annotated[Id | None, Query(description="The shopper; defaults to the caller.")] = None,
) -> ThreadView:
    threads = services.running_threads()
    record, spec = await _thread(threads, tenant_id, caller.acting_as(user_id), thread_id)
    snapshot = await threads.graph(spec).aget_state(config(record))
    values = dict(snapshot.values or {})
    messages = values.pop("messages", [])
    return ThreadView(
        thread_id=record.thread_id,
        graph=record.graph,
        values=to_jsonable_python(values, fallback=str),
        messages=[_message(message) for message in messages],
        pending_interrupts=[interrupt_payload(item) for item in snapshot.interrupts],
        created_at=record.created_at,
    )


@router.delete(
    "/{thread_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=THREAD_RESPONSES,
    dependencies=[SHOPPER],
)
async def delete_thread(
    thread_id: IdPath,
    services: ServicesDep,
    tenant_id: TenantDep,
    caller: CallerDep,
    user_id: Annotated[Id | None, Query(description="The shopper; defaults to the caller.")] = None,
) -> Response:
    threads = services.running_threads()
    record, _ = await _thread(threads, tenant_id, caller.acting_as(user_id), thread_id)
    await threads.delete(record)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _thread(
    threads: Threads, tenant_id: str, user_id: str | None, thread_id: str
) -> tuple[ThreadRecord, GraphSpec]:
    record = await threads.get(tenant_id, user_id, thread_id)
    spec = None if record is None else GRAPHS.get(record.graph)
    if record is None or spec is None:
        raise ThreadNotFound("no such thread", {"thread_id": thread_id})
    return record, spec


class ThreadNotFound(NotFound):
    code = "THREAD_NOT_FOUND"


def _graph_input(spec: GraphSpec, payload: dict[str, Any]) -> dict[str, Any]:
    """The input checked against the graph's input schema (422 naming every problem)."""
    try:
        checked: dict[str, Any] = TypeAdapter(spec.input_schema).validate_python(payload)
    except ValidationError as error:
        problems = [
            {"field": ".".join(str(part) for part in item["loc"]), "reason": item["msg"]}
            for item in error.errors()
        ]
        message = f"the input does not match the {spec.name} graph's input"
        raise InvalidInput(message, {"problems": problems}) from None
    return checked


def _context(services: Services, record: ThreadRecord, attachment: Attachment | None = None) -> GraphContext:
    return GraphContext(
        services=services, tenant_id=record.tenant_id, user_id=record.user_id, attachment=attachment
    )


ATTACHED_FORMATS = (ImageFormat.JPEG, ImageFormat.PNG)
THREAD_BODY_MAX_BYTES = (DEFAULT_MAX_BYTES * 4) // 3 + 64 * 1024
"""A run's body may carry one photo (base64 grows it by a third) besides the message."""


def _attachment(spec: GraphSpec, payload: dict[str, Any]) -> tuple[dict[str, Any], Attachment | None]:
    """The input without the graph's photo (`GraphSpec.attachment_input`, base64 JPEG or PNG, a `data:` URL
    prefix allowed), and the photo decoded for the run's context; `<key>_kind` stays in the input. The photo
    never reaches graph state, a checkpoint or a log; a malformed one is a 422 naming only the field."""
    key = spec.attachment_input
    if key is None or payload.get(key) is None:
        return {name: value for name, value in payload.items() if name != key}, None
    rest = {name: value for name, value in payload.items() if name != key}
    encoded = payload[key]
    problem = {"field": f"input.{key}"}
    if not isinstance(encoded, str):
        raise InvalidInput(f"`{key}` must be a base64-encoded JPEG or PNG photo", problem)
    _, _, data_part = encoded.partition(",") if encoded.startswith("data:") else ("", "", encoded)
    try:
        data = base64.b64decode("".join(data_part.split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"`{key}` is not valid base64", problem) from None
    if len(data) > DEFAULT_MAX_BYTES:
        raise InvalidInput(f"`{key}` is larger than {DEFAULT_MAX_BYTES // (1024 * 1024)} MB", problem)
    if sniff_format(data) not in ATTACHED_FORMATS:
        raise InvalidInput(f"`{key}` must be a JPEG or PNG photo", problem)
    kind = payload.get(f"{key}_kind")
    return rest, Attachment(data=data, kind=kind if isinstance(kind, str) else None)


async def _released(events: Any, threads: Threads, interrupt_id: str) -> Any:
    """The events of an answer; the interrupt is free to be answered again only if the run did not take it."""
    try:
        async for event in events:
            yield event
    finally:
        threads.done_answering(interrupt_id)


def _message(message: Any) -> dict[str, Any]:
    if isinstance(message, BaseMessage):
        fields = {"type", "content", "id", "name", "tool_calls", "tool_call_id"}
        return to_jsonable_python(message.model_dump(include=fields), fallback=str)
    return to_jsonable_python(message, fallback=str)
