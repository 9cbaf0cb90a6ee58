"""Applying sales-history events: schema validation, the state machine, 24-hour idempotency, embeddings.

Idempotency is keyed on (tenant, type, event_id): within the window the same key is answered with the outcome
stored the first time, whatever the body, and nothing is written again. The check runs before the state
machine, so a replayed `product.listed` is a duplicate rather than out of order.

After an event is stored, two things follow from it: a listing whose fields changed is embedded (now, with
`embedder`, or later in batches, with `embed_later`), and a sale is announced to `on_sale` (the API keeps its
comparables index current that way). An embedder failure never fails or undoes a stored event: the listing
stays without a vector, which `pakka pricing validate` reports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy
from pydantic import ValidationError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from core.errors import DuplicateEvent, VersionConflict
from core.records.sales import (
    EventOutcome,
    Listing,
    ListingFields,
    PricingEvent,
    PricingEventType,
    SoldItem,
)
from core.schemas import utcnow
from core.storage.repositories import SalesHistoryRepository
from domain.pricing.errors import InvalidEvent
from domain.pricing.transitions import next_listing
from knowledge.embeddings import Embedder

logger = logging.getLogger("pakka.pricing")

DEDUPE_WINDOW = timedelta(hours=24)
CONFLICT_ATTEMPTS = 3

EmbedListings = Callable[[Sequence[Listing]], None]
"""Takes listings whose fields changed and (eventually) stores their embeddings."""
SaleListener = Callable[[SoldItem], None]
"""Told about every sale as soon as it is stored."""


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


def store_embeddings(sales: SalesHistoryRepository, embedder: Embedder, listings: Sequence[Listing]) -> int:
    """Embed `listings` in one embedder call and store one vector each (the last state of a listing named
    twice wins); returns how many vectors were written."""
    latest = {(listing.tenant_id, listing.listing_id): listing for listing in listings}
    if not latest:
        return 0
    vectors = numpy.asarray(
        embedder.embed([listing_text(listing) for listing in latest.values()]), dtype=numpy.float32
    )
    per_tenant: dict[str, dict[str, bytes]] = {}
    for (tenant_id, listing_id), vector in zip(latest, vectors, strict=True):
        per_tenant.setdefault(tenant_id, {})[listing_id] = vector.tobytes()
    return sum(sales.put_embeddings(tenant_id, batch) for tenant_id, batch in per_tenant.items())


@dataclass(frozen=True)
class Recorded:
    """An event the store accepted (or recognised as a duplicate), with what follows from it."""

    outcome: EventOutcome
    changed: Listing | None = None
    """The listing after the event when its fields changed (to embed); None for duplicates and for events
    without product fields."""
    sold: SoldItem | None = None


class PricingEventService:
    """Applies events to one store's sales history.

    `embedder` embeds changed listings inline (the import command, tests); `embed_later` hands them to a
    background batcher instead (the API, where a model call per event would dominate ingestion). `on_sale`
    hears about each stored sale."""

    def __init__(
        self,
        sales: SalesHistoryRepository,
        *,
        embedder: Embedder | None = None,
        embed_later: EmbedListings | None = None,
        on_sale: SaleListener | None = None,
        clock: Callable[[], datetime] = utcnow,
        dedupe_window: timedelta = DEDUPE_WINDOW,
    ) -> None:
        if embedder is not None and embed_later is not None:
            raise ValueError("embed listings either inline (embedder) or later (embed_later), not both")
        self._sales = sales
        self._embedder = embedder
        self._embed_later = embed_later
        self._on_sale = on_sale
        self._clock = clock
        self._dedupe_window = dedupe_window

    def apply(self, event: PricingEvent) -> EventOutcome:
        """Apply one event, or return the stored outcome (duplicate=True) of an event key seen in the window.

        Raises EventOutOfOrder when the state machine forbids the event. A concurrent change to the same
        listing (VersionConflict) is retried against the fresh state."""
        recorded = self.record(event)
        self.follow_up([recorded])
        return recorded.outcome

    def apply_payload(self, payload: Mapping[str, Any], tenant_id: str) -> EventOutcome:
        return self.apply(parse_event(payload, tenant_id))

    def record(self, event: PricingEvent) -> Recorded:
        """Store one event (with VersionConflict retries) without its follow-ups; `follow_up` does those, so
        a batch can embed all its listings in one model call."""
        retrying = Retrying(
            retry=retry_if_exception_type(VersionConflict),
            stop=stop_after_attempt(CONFLICT_ATTEMPTS),
            reraise=True,
        )
        recorded: Recorded = retrying(self._record_once, event)
        return recorded

    def follow_up(self, recorded: Sequence[Recorded]) -> None:
        """Announce the sales, then embed the changed listings (inline or handed to `embed_later`)."""
        if self._on_sale is not None:
            for item in recorded:
                if item.sold is not None:
                    self._on_sale(item.sold)
        changed = [item.changed for item in recorded if item.changed is not None]
        if not changed:
            return
        if self._embed_later is not None:
            self._embed_later(changed)
        elif self._embedder is not None:
            try:
                store_embeddings(self._sales, self._embedder, changed)
            except Exception:  # the events are stored; a missing vector is reported by `pricing validate`
                logger.exception("could not embed %d changed listing(s)", len(changed))

    def _record_once(self, event: PricingEvent) -> Recorded:
        now = self._clock()
        seen = self._sales.get_outcome(event.tenant_id, event.type, event.event_id, now=now)
        if seen is not None:
            return Recorded(seen.model_copy(update={"duplicate": True}))
        listing = next_listing(self._sales.get_listing(event.tenant_id, event.listing_id), event)
        try:
            outcome = self._sales.apply_event(event, listing, dedupe_until=now + self._dedupe_window, now=now)
        except DuplicateEvent as duplicate:
            return Recorded(duplicate.outcome)
        fields_changed = event.product is not None and event.type is not PricingEventType.DELISTED
        return Recorded(
            outcome,
            changed=listing if fields_changed else None,
            sold=SoldItem.of(listing) if event.type is PricingEventType.SOLD else None,
        )
