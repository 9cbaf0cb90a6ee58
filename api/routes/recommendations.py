"""Recommendations from the decision graph, as one JSON answer or as Server-Sent Events of its progress."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse

from api.deps import ServicesDep, TenantDep
from api.streaming import event_stream, run_events
from core.context import AppContext
from core.schemas import Id, Money, Region
from domain.decision.results import DecisionResult
from graphs.decision import DecisionInput, graph
from graphs.registry import GRAPHS
from graphs.services import Services

router = APIRouter(prefix="/v1/recommendations", tags=["decision"])
logger = logging.getLogger("pakka.api")


class RecommendationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Id
    category: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z_-]*$")
    budget_inr: Money | None = None
    region: Region | None = None
    gender: Literal["men", "women"] | None = Field(
        default=None,
        description="Show men's or women's products (and unisex ones); unset: the stored preference, if any.",
    )
    fit: Literal["slim", "regular", "relaxed"] | None = Field(
        default=None,
        description="Clothes: how loose you like them; unset: the stored preference, else regular.",
    )


def run_context(services: Services, tenant_id: str, body: RecommendationRequest) -> AppContext:
    return AppContext(services=services, tenant_id=tenant_id, user_id=body.user_id, region=body.region)


def graph_input(body: RecommendationRequest) -> DecisionInput:
    return DecisionInput(
        user_id=body.user_id,
        category=body.category,
        budget_inr=body.budget_inr,
        region=body.region,
        gender=body.gender,
        fit=body.fit,
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


@router.post("/stream", response_class=EventSourceResponse)
async def recommend_stream(
    body: RecommendationRequest, services: ServicesDep, tenant_id: TenantDep
) -> EventSourceResponse:
    """Events: `progress` {node} as each step finishes, `explanation` {product_id, text} as each is written,
    then `result` (the same body as POST /v1/recommendations) and `done`; `error` {code, message} on
    failure."""
    context = run_context(services, tenant_id, body)
    return event_stream(run_events(GRAPHS["decision"], graph, graph_input(body), context=context))
