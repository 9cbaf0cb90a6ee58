"""Recommendations from the decision graph, as one JSON answer or as Server-Sent Events of its progress."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse

from api.auth import SHOPPER, CallerDep
from api.deps import ServicesDep, TenantDep
from api.inputs import AmountInput
from api.streaming import event_stream, run_events
from core.context import AppContext
from core.schemas import Id, Region
from domain.decision.results import DecisionResult
from graphs.decision import DecisionInput, graph
from graphs.decision_cache import recommendation_json
from graphs.registry import GRAPHS
from graphs.services import Services

router = APIRouter(prefix="/v1/recommendations", tags=["decision"])
logger = logging.getLogger("pakka.api")


class RecommendationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Id | None = Field(default=None, description="The shopper; defaults to the caller.")
    category: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z_-]*$")
    budget_inr: AmountInput = None
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
    assert body.user_id is not None, "the route names the shopper (for_caller)"
    return AppContext(services=services, tenant_id=tenant_id, user_id=body.user_id, region=body.region)


def for_caller(body: RecommendationRequest, caller: CallerDep) -> RecommendationRequest:
    """The request with its shopper settled: the caller, or the one an operator names."""
    return body.model_copy(update={"user_id": caller.acting_as(body.user_id)})


def graph_input(body: RecommendationRequest) -> DecisionInput:
    assert body.user_id is not None, "the route names the shopper (for_caller)"
    return DecisionInput(
        user_id=body.user_id,
        category=body.category,
        budget_inr=body.budget_inr,
        region=body.region,
        gender=body.gender,
        fit=body.fit,
    )


@router.post("", dependencies=[SHOPPER], response_model=DecisionResult)
async def recommend(
    body: RecommendationRequest, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> Response:
    """3-5 products the shopper can be confident about (from their stored measurements), or none and what
    would help."""
    body = for_caller(body, caller)
    # Rendered once per answer and kept for repeats (graphs/decision_cache.py), so sent as it is.
    answer = await recommendation_json(graph_input(body), run_context(services, tenant_id, body))
    return Response(content=answer, media_type="application/json")


@router.post("/stream", response_class=EventSourceResponse, dependencies=[SHOPPER])
async def recommend_stream(
    body: RecommendationRequest, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> EventSourceResponse:
    """Events: `progress` {node} as each step finishes, `explanation` {product_id, text} as each is written,
    then `result` (the same body as POST /v1/recommendations) and `done`; `error` {code, message} on
    failure."""
    body = for_caller(body, caller)
    context = run_context(services, tenant_id, body)
    return event_stream(run_events(GRAPHS["decision"], graph, graph_input(body), context=context))
