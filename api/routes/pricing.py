"""Price suggestions from the pricing graph, as one JSON answer or as Server-Sent Events of its progress.

The comparables indexes live with the services for the app's whole life (`services.comparables`): built on a
tenant's first suggestion, then rebuilt in the background as the event routes store sales, so a suggestion
reads no sales history."""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Annotated

from fastapi import APIRouter
from pydantic import Field
from sse_starlette import EventSourceResponse

from api.auth import MERCHANT
from api.deps import ServicesDep, TenantDep
from api.inputs import BASE64_PATTERN, CATEGORY_SCHEMA_PATTERN
from api.streaming import event_stream, run_events
from core.context import AppContext
from core.errors import InvalidInput
from domain.pricing.suggestion import MAX_PHOTOS, PriceSuggestion, SuggestionRequest
from graphs.pricing import PricingInput, graph
from graphs.registry import GRAPHS
from graphs.services import Services

router = APIRouter(prefix="/v1/pricing", tags=["pricing"])
SUGGEST_BODY_MAX_BYTES = MAX_PHOTOS * 4 * 1024 * 1024
"""Room for six phone photos of up to 3 MB each once base64-encoded (4/3 larger), plus the listing text."""
logger = logging.getLogger("pakka.api")


class SuggestBody(SuggestionRequest):
    """A listing to price as JSON: the same fields, with photos as base64-encoded JPEG/PNG/WebP files."""

    photos: list[Annotated[str, Field(json_schema_extra={"format": "byte", "pattern": BASE64_PATTERN})]] = (
        Field(default_factory=list, max_length=MAX_PHOTOS)  # type: ignore[assignment]
    )
    # The records' category check (at least one level), published in the schema.
    category: str = Field(
        min_length=1, max_length=200, json_schema_extra={"pattern": CATEGORY_SCHEMA_PATTERN}
    )


def graph_input(body: SuggestBody) -> PricingInput:
    """The graph's input; a photo that is not valid base64 is a 422 INVALID_INPUT naming its position."""
    photos: list[bytes] = []
    for position, photo in enumerate(body.photos):
        try:
            photos.append(base64.b64decode(photo, validate=True))
        except (binascii.Error, ValueError):
            raise InvalidInput("a photo is not valid base64", {"photo": position}) from None
    request = SuggestionRequest(**body.model_dump(exclude={"photos"}), photos=photos)
    return PricingInput(request=request)


def run_context(services: Services, tenant_id: str) -> AppContext:
    return AppContext(services=services, tenant_id=tenant_id)


@router.post("/suggest", dependencies=[MERCHANT])
async def suggest(body: SuggestBody, services: ServicesDep, tenant_id: TenantDep) -> PriceSuggestion:
    """A price, range and confidence from the tenant's comparable sales, with the sales used and why."""
    state = await graph.ainvoke(graph_input(body), context=run_context(services, tenant_id))
    result: PriceSuggestion = state["result"]
    return result


@router.post("/suggest/stream", response_class=EventSourceResponse, dependencies=[MERCHANT])
async def suggest_stream(
    body: SuggestBody, services: ServicesDep, tenant_id: TenantDep
) -> EventSourceResponse:
    """Events: `progress` {node} as each step finishes (analyst and validate repeat on a send-back), then
    `result` (the same body as POST /v1/pricing/suggest) and `done`; `error` {code, message} on failure."""
    graph_request = graph_input(body)
    context = run_context(services, tenant_id)
    return event_stream(run_events(GRAPHS["pricing"], graph, graph_request, context=context))
