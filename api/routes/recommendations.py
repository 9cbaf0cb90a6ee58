"""Recommendations from the decision graph, as one JSON answer or as Server-Sent Events of its progress."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any, cast

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import ServicesDep, TenantDep
from core.context import AppContext
from core.decision.results import DecisionResult
from core.errors import PakkaError
from core.schemas import Id, Money, Region
from graphs.decision import DecisionInput, graph
from graphs.services import Services

router = APIRouter(prefix="/v1/recommendations", tags=["decision"])
logger = logging.getLogger("pakka.api")


class RecommendationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Id
    category: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z_-]*$")
    budget_inr: Money | None = None
    region: Region | None = None


def run_context(services: Services, tenant_id: str, body: RecommendationRequest) -> AppContext:
    return AppContext(services=services, tenant_id=tenant_id, user_id=body.user_id, region=body.region)


def graph_input(body: RecommendationRequest) -> DecisionInput:
    return DecisionInput(
        user_id=body.user_id, category=body.category, budget_inr=body.budget_inr, region=body.region
    )


@router.post("")
async def recommend(
    body: RecommendationRequest, services: ServicesDep, tenant_id: TenantDep
) -> DecisionResult:
    """3-5 products the shopper can be confident about (from their stored measurements), or none and what
    would help."""
    state = await graph.ainvoke(graph_input(body), context=run_context(services, tenant_id, body))
    result: DecisionResult = state["result"]
    return result


def _event(name: str, data: Any) -> ServerSentEvent:
    return ServerSentEvent(event=name, data=json.dumps(data, ensure_ascii=False))


@router.post("/stream", response_class=EventSourceResponse)
async def recommend_stream(
    body: RecommendationRequest, services: ServicesDep, tenant_id: TenantDep
) -> EventSourceResponse:
    """Events: `progress` {node} as each step finishes, `explanation` {product_id, text} as each is written,
    then `result` (the same body as POST /v1/recommendations) and `done`; `error` {code, message} on
    failure."""

    async def events() -> AsyncIterator[ServerSentEvent]:
        try:
            parts = graph.astream(
                graph_input(body),
                context=run_context(services, tenant_id, body),
                stream_mode=["updates", "custom"],
            )
            async for part in parts:
                mode, chunk = cast(tuple[str, Any], part)
                if mode == "custom":
                    yield _event("explanation", chunk["explanation"])
                    continue
                for node, update in chunk.items():
                    yield _event("progress", {"node": node})
                    if "result" in update:
                        yield _event("result", update["result"].model_dump(mode="json"))
        except PakkaError as error:
            yield _event("error", {"code": error.code, "message": error.message})
        except Exception:
            logger.exception("recommendation stream failed")
            yield _event("error", {"code": "INTERNAL", "message": "internal error"})
        yield _event("done", {})

    return EventSourceResponse(events())
