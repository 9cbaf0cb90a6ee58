"""Sales-history events for pricing: one event or a batch, applied now or queued for the background worker.

A batch is checked against the event schema as a whole first: if any event is malformed nothing is applied
(422 with the reasons per index). The events are then applied in order, each one atomically; an event the
listing's state forbids is reported as rejected in its slot while the others go on.

Both paths share one event service (`services.pricing`, opened with the services: see
domain/pricing/ingestion.py): stored sales reach the comparables indexes at once, and changed listings are
embedded in the background with the configured embedder (PAKKA_EMBEDDING_MODEL, the one `pakka pricing import`
uses).

Events the async path cannot apply are kept as dead letters (GET /v1/pricing/dead-letters); POST
/v1/pricing/dead-letters/{letter_id}/replay applies one again with `replay_dead_letters`, the function
`pakka pricing dead-letters replay` uses, and removes it once its event is applied.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Response, status
from pydantic import BaseModel, Field, PlainValidator, WithJsonSchema

from api.auth import MERCHANT, TenantMismatch
from api.deps import IdPath, ServicesDep, TenantDep
from api.inputs import CATEGORY_SCHEMA_PATTERN, PRICE_SCHEMA
from core.records.sales import DeadLetter, EventOutcome, ListingFields, PricingEvent, PricingEventType
from core.schemas import TenantId
from domain.pricing.errors import DeadLetterNotFound, EventOutOfOrder, InvalidEvent
from domain.pricing.events import PricingEventService, Recorded, parse_event
from domain.pricing.worker import find_dead_letter, replay_dead_letters

router = APIRouter(prefix="/v1/pricing", tags=["pricing"])

MAX_BATCH = 500


class ListingFieldsBody(ListingFields):
    """The product fields as the schema publishes them (ListingFields checks them): a price is a number with
    at most two decimal places, a category names at least one level."""

    price: Annotated[Decimal, WithJsonSchema(PRICE_SCHEMA)]  # type: ignore[assignment]
    category: str = Field(  # type: ignore[assignment]
        min_length=1, max_length=200, json_schema_extra={"pattern": CATEGORY_SCHEMA_PATTERN}
    )


class PricingEventBody(PricingEvent):
    """A sales-history event as sent (schema version 1): `tenant_id` may be left out (the request's tenant)
    and must be it when given (another tenant is 403 TENANT_MISMATCH)."""

    # Left out, not null (parse_event refuses null); no `default` in the schema, as a generated null would
    # look valid.
    tenant_id: TenantId = Field(  # type: ignore[assignment]
        default=None, json_schema_extra=lambda schema: schema.pop("default", None)
    )


class ListingEvent(PricingEventBody):
    """product.listed, product.updated, product.relisted: the product fields are required."""

    type: Literal[PricingEventType.LISTED, PricingEventType.UPDATED, PricingEventType.RELISTED]
    product: ListingFieldsBody  # type: ignore[assignment]


class SaleOrDelistEvent(PricingEventBody):
    """product.sold (the product fields may give the final sale) and product.delisted."""

    type: Literal[PricingEventType.SOLD, PricingEventType.DELISTED]
    product: ListingFieldsBody | None = None  # type: ignore[assignment]


DocumentedEvent = Annotated[ListingEvent | SaleOrDelistEvent, Field(discriminator="type")]
"""What the OpenAPI document says an event is (parse_event is what checks it)."""
DocumentedBatch = Annotated[list[DocumentedEvent], Field(min_length=1, max_length=MAX_BATCH)]


LISTED_EXAMPLE: dict[str, Any] = {
    "schema_version": 1,
    "event_id": "shop-42-listed",
    "type": "product.listed",
    "listing_id": "kurta-0042",
    "occurred_at": "2026-11-02T10:15:00+05:30",
    "product": {
        "title": "Fabindia cotton kurta, indigo block print",
        "description": "Worn twice, no marks. Size M.",
        "category": "women/kurtas",
        "brand": "Fabindia",
        "condition": "like_new",
        "price": 1499,
        "currency": "INR",
    },
}
SOLD_EXAMPLE: dict[str, Any] = {
    "schema_version": 1,
    "event_id": "shop-42-sold",
    "type": "product.sold",
    "listing_id": "kurta-0042",
    "occurred_at": "2026-11-09T18:40:00+05:30",
    "product": LISTED_EXAMPLE["product"] | {"price": 1299},
}
EVENT_EXAMPLES = {
    "listed": {"summary": "A listing goes up", "value": LISTED_EXAMPLE},
    "sold": {"summary": "It sells below the asking price", "value": SOLD_EXAMPLE},
    "batch": {
        "summary": f"A batch (up to {MAX_BATCH} events, applied in order)",
        "value": [LISTED_EXAMPLE, SOLD_EXAMPLE],
    },
}


def _as_sent(value: Any) -> Any:
    """The body as sent: parse_event and parse_batch validate it, answering INVALID_EVENT with a reason per
    field (and per index in a batch) rather than the framework's generic error."""
    return value


EventBody = Annotated[
    Any,
    PlainValidator(_as_sent, json_schema_input_type=DocumentedEvent | DocumentedBatch),
    Body(
        description=f"One event, or a JSON array of at most {MAX_BATCH} events (schema version 1). "
        "tenant_id may be left out.",
        openapi_examples=EVENT_EXAMPLES,
    ),
]


class IngestMode(StrEnum):
    SYNC = "sync"
    ASYNC = "async"


class EventError(BaseModel):
    code: str
    message: str
    details: dict[str, Any]


class EventResult(BaseModel):
    index: int
    outcome: EventOutcome | None = None
    error: EventError | None = None


class BatchResult(BaseModel):
    applied: int
    duplicates: int
    rejected: int
    results: list[EventResult]


class Queued(BaseModel):
    queued: int


class DeadLetterList(BaseModel):
    items: list[DeadLetter]


def parse_batch(payloads: list[dict[str, Any]], tenant_id: str) -> list[PricingEvent]:
    """Every event of the batch, or InvalidEvent listing the reasons of each malformed one."""
    if not payloads or len(payloads) > MAX_BATCH:
        raise InvalidEvent(
            f"a batch holds 1 to {MAX_BATCH} events", {"reasons": [{"field": "events", "reason": "size"}]}
        )
    events: list[PricingEvent] = []
    invalid: list[dict[str, Any]] = []
    for index, payload in enumerate(payloads):
        try:
            events.append(parse_event(payload, tenant_id))
        except InvalidEvent as error:
            invalid.append({"index": index, "reasons": error.details["reasons"]})
    if invalid:
        raise InvalidEvent(
            f"{len(invalid)} of {len(payloads)} events do not match the event schema; none applied",
            {"events": invalid},
        )
    return events


def apply_batch(service: PricingEventService, events: list[PricingEvent]) -> BatchResult:
    """Apply in order; the follow-ups of every stored event (index, embeddings) go in one step at the end."""
    results: list[EventResult] = []
    recorded: list[Recorded] = []
    try:
        for index, event in enumerate(events):
            try:
                done = service.record(event)
            except EventOutOfOrder as error:
                results.append(
                    EventResult(
                        index=index,
                        error=EventError(code=error.code, message=error.message, details=error.details),
                    )
                )
                continue
            recorded.append(done)
            results.append(EventResult(index=index, outcome=done.outcome))
    finally:
        service.follow_up(recorded)
    outcomes = [result.outcome for result in results if result.outcome is not None]
    duplicates = sum(outcome.duplicate for outcome in outcomes)
    return BatchResult(
        applied=len(outcomes) - duplicates,
        duplicates=duplicates,
        rejected=len(results) - len(outcomes),
        results=results,
    )


@router.post(
    "/events",
    status_code=status.HTTP_201_CREATED,
    dependencies=[MERCHANT],
    responses={
        200: {
            "description": "A duplicate of an event seen in the last 24 h (same outcome), or a batch result."
        },
        202: {"description": "mode=async: the events passed the schema and are queued."},
        403: {"description": "TENANT_MISMATCH: an event names another tenant than the credential's."},
        409: {"description": "EVENT_OUT_OF_ORDER: the listing's state forbids the event."},
        422: {"description": "INVALID_EVENT: the event (or an event of the batch) breaks the schema."},
    },
)
def post_events(
    body: EventBody,
    response: Response,
    services: ServicesDep,
    tenant_id: TenantDep,
    mode: Annotated[IngestMode, Query()] = IngestMode.SYNC,
) -> EventOutcome | BatchResult | Queued:
    payloads = body if isinstance(body, list) else [body]
    if not all(isinstance(payload, dict) for payload in payloads):
        raise InvalidEvent(
            "the body is one event (a JSON object) or a JSON array of events",
            {"reasons": [{"field": "body", "reason": "not an event object"}]},
        )
    for payload in payloads:
        claimed = payload.get("tenant_id", tenant_id)
        if isinstance(claimed, str) and claimed != tenant_id:
            raise TenantMismatch(
                "an event names another tenant than the credential's",
                {"tenant_id": claimed, "credential_tenant_id": tenant_id},
            )
    events = parse_batch(body, tenant_id) if isinstance(body, list) else [parse_event(body, tenant_id)]
    ingestion = services.running_pricing()
    if mode is IngestMode.ASYNC:
        for payload in payloads:
            ingestion.worker.submit(tenant_id, payload)
        response.status_code = status.HTTP_202_ACCEPTED
        return Queued(queued=len(payloads))
    service = ingestion.service
    if isinstance(body, list):
        response.status_code = status.HTTP_200_OK
        return apply_batch(service, events)
    outcome = service.apply(events[0])
    if outcome.duplicate:
        response.status_code = status.HTTP_200_OK
    return outcome


@router.get("/dead-letters", dependencies=[MERCHANT])
def list_dead_letters(
    services: ServicesDep, tenant_id: TenantDep, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> DeadLetterList:
    """Events the async path (or a sales-file import) could not apply, newest first."""
    return DeadLetterList(items=services.store.sales.list_dead_letters(tenant_id, limit=limit))


class ReplayResult(BaseModel):
    replayed: list[DeadLetter] = Field(
        description="Letters whose event is applied now (or was applied since): removed from the list."
    )
    failed: list[DeadLetter] = Field(
        description="Letters whose event failed again: kept, with the new error."
    )


@router.post(
    "/dead-letters/{letter_id}/replay",
    dependencies=[MERCHANT],
    responses={404: {"description": "DEAD_LETTER_NOT_FOUND: the tenant has no letter with this id."}},
)
def replay_dead_letter(letter_id: IdPath, services: ServicesDep, tenant_id: TenantDep) -> ReplayResult:
    """Validate and apply the letter's event again, as `pakka pricing dead-letters replay` does, on the app's
    event service. An event that now applies (or was applied since) loses its letter (`replayed`); one that
    fails again keeps it, with the new error (`failed`)."""
    sales = services.store.sales
    letter = find_dead_letter(sales, tenant_id, letter_id)
    if letter is None:
        raise DeadLetterNotFound(
            f"tenant {tenant_id!r} has no dead letter {letter_id!r}", {"letter_id": letter_id}
        )
    report = replay_dead_letters(services.running_pricing().service, sales, [letter])
    return ReplayResult(replayed=report.replayed, failed=report.failed)
