"""Price suggestions from the pricing graph, as one JSON answer or as Server-Sent Events of its progress.

The comparables indexes live on the app for its whole life (`app.state.pricing_comparables`, opened by the
lifespan): built on a tenant's first suggestion, then rebuilt in the background as the event routes store
sales, so a suggestion reads no sales history."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import ServicesDep, TenantDep
from core.errors import InvalidInput, PakkaError
from core.pricing.live_index import LiveComparables
from core.pricing.suggestion import MAX_PHOTOS, PriceSuggestion, SuggestionRequest
from graphs.pricing import PricingContext, PricingInput, graph
from graphs.services import Services

router = APIRouter(prefix="/v1/pricing", tags=["pricing"])
SUGGEST_BODY_MAX_BYTES = MAX_PHOTOS * 4 * 1024 * 1024
"""Room for six phone photos of up to 3 MB each once base64-encoded (4/3 larger), plus the listing text."""
logger = logging.getLogger("pakka.api")


class SuggestBody(SuggestionRequest):
    """A listing to price as JSON: the same fields, with photos as base64-encoded JPEG/PNG/WebP files."""

    photos: list[str] = Field(default_factory=list, max_length=MAX_PHOTOS)  # type: ignore[assignment]


def comparables_index(request: Request) -> LiveComparables:
    """The app's comparables indexes (fed by the event routes)."""
    live: LiveComparables = request.app.state.pricing_comparables
    return live


IndexDep = Annotated[LiveComparables, Depends(comparables_index)]


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


def run_context(services: Services, tenant_id: str, index: LiveComparables) -> PricingContext:
    return PricingContext(services=services, tenant_id=tenant_id, comparables=index)


@router.post("/suggest")
async def suggest(
    body: SuggestBody, services: ServicesDep, tenant_id: TenantDep, index: IndexDep
) -> PriceSuggestion:
    """A price, range and confidence from the tenant's comparable sales, with the sales used and why."""
    state = await graph.ainvoke(graph_input(body), context=run_context(services, tenant_id, index))
    result: PriceSuggestion = state["result"]
    return result


def _event(name: str, data: Any) -> ServerSentEvent:
    return ServerSentEvent(event=name, data=json.dumps(data, ensure_ascii=False))


@router.post("/suggest/stream", response_class=EventSourceResponse)
async def suggest_stream(
    body: SuggestBody, services: ServicesDep, tenant_id: TenantDep, index: IndexDep
) -> EventSourceResponse:
    """Events: `progress` {node} as each step finishes (analyst and validate repeat on a send-back), then
    `result` (the same body as POST /v1/pricing/suggest) and `done`; `error` {code, message} on failure."""
    graph_request = graph_input(body)

    async def events() -> AsyncIterator[ServerSentEvent]:
        try:
            async for chunk in graph.astream(
                graph_request, context=run_context(services, tenant_id, index), stream_mode="updates"
            ):
                for node, update in chunk.items():
                    yield _event("progress", {"node": node})
                    if update and "result" in update:
                        yield _event("result", update["result"].model_dump(mode="json"))
        except PakkaError as error:
            yield _event("error", {"code": error.code, "message": error.message})
        except Exception:
            logger.exception("pricing stream failed")
            yield _event("error", {"code": "INTERNAL", "message": "internal error"})
        yield _event("done", {})

    return EventSourceResponse(events())
