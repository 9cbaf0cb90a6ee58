"""Applying sales-history events: schema validation, the state machine, 24-hour idempotency, embeddings.

Idempotency is keyed on (tenant, type, event_id): within the window the same key is answered with the outcome
stored the first time, whatever the body, and nothing is written again. The check runs before the state
machine, so a replayed `product.listed` is a duplicate rather than out of order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import numpy
from pydantic import ValidationError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from core.errors import VersionConflict
from core.pricing.errors import DuplicateEvent, InvalidEvent
from core.pricing.schemas import EventOutcome, Listing, ListingFields, PricingEvent
from core.pricing.transitions import next_listing
from core.schemas import utcnow
from core.storage.repositories import SalesHistoryRepository
from knowledge.embeddings import Embedder

DEDUPE_WINDOW = timedelta(hours=24)
CONFLICT_ATTEMPTS = 3


def parse_event(payload: Mapping[str, Any], tenant_id: str) -> PricingEvent:
    """Validate a raw event for `tenant_id` (taken from the request, so the body may leave it out); every
    schema problem becomes InvalidEvent with one reason per field."""
    body = dict(payload)
    claimed = body.setdefault("tenant_id", tenant_id)
    if claimed != tenant_id:
        raise InvalidEvent(
            "the event names another tenant than the request",
            {"reasons": [{"field": "tenant_id", "reason": f"must be {tenant_id!r} or left out"}]},
        )
    try:
        return PricingEvent.model_validate(body)
    except ValidationError as error:
        reasons = [
            {"field": ".".join(str(part) for part in issue["loc"]) or "event", "reason": issue["msg"]}
            for issue in error.errors(include_url=False, include_input=False)
        ]
        raise InvalidEvent("the event does not match the event schema", {"reasons": reasons}) from None


def listing_text(listing: ListingFields) -> str:
    """What a listing's embedding is computed from."""
    return " ".join(
        part for part in (listing.title, listing.brand, listing.category, listing.description) if part
    )


class PricingEventService:
    """Applies events to one store's sales history; `embedder` (optional) embeds listings as they change."""

    def __init__(
        self,
        sales: SalesHistoryRepository,
        *,
        embedder: Embedder | None = None,
        clock: Callable[[], datetime] = utcnow,
        dedupe_window: timedelta = DEDUPE_WINDOW,
    ) -> None:
        self._sales = sales
        self._embedder = embedder
        self._clock = clock
        self._dedupe_window = dedupe_window

    def apply(self, event: PricingEvent) -> EventOutcome:
        """Apply one event, or return the stored outcome (duplicate=True) of an event key seen in the window.

        Raises EventOutOfOrder when the state machine forbids the event. A concurrent change to the same
        listing (VersionConflict) is retried against the fresh state."""
        retrying = Retrying(
            retry=retry_if_exception_type(VersionConflict),
            stop=stop_after_attempt(CONFLICT_ATTEMPTS),
            reraise=True,
        )
        outcome: EventOutcome = retrying(self._apply_once, event)
        return outcome

    def apply_payload(self, payload: Mapping[str, Any], tenant_id: str) -> EventOutcome:
        return self.apply(parse_event(payload, tenant_id))

    def _apply_once(self, event: PricingEvent) -> EventOutcome:
        now = self._clock()
        seen = self._sales.get_outcome(event.tenant_id, event.type, event.event_id, now=now)
        if seen is not None:
            return seen.model_copy(update={"duplicate": True})
        listing = next_listing(self._sales.get_listing(event.tenant_id, event.listing_id), event)
        try:
            outcome = self._sales.apply_event(event, listing, dedupe_until=now + self._dedupe_window, now=now)
        except DuplicateEvent as duplicate:
            return duplicate.outcome
        if self._embedder is not None and event.product is not None:
            self._embed(self._embedder, listing)
        return outcome

    def _embed(self, embedder: Embedder, listing: Listing) -> None:
        vector = numpy.asarray(embedder.embed([listing_text(listing)])[0], dtype=numpy.float32)
        self._sales.put_embeddings(listing.tenant_id, {listing.listing_id: vector.tobytes()})
