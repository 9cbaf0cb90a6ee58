"""Builders of valid pricing events and listings for the sales-history tests: defaults for everything."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy

from core.records.sales import (
    DeadLetter,
    EventOutcome,
    Listing,
    ListingCondition,
    ListingFields,
    ListingStatus,
    PricingEvent,
    PricingEventType,
)
from core.storage.repositories import Store
from domain.pricing.transitions import next_listing
from tests.core.storage.factories import TENANT, at

WINDOW = timedelta(hours=24)


def make_fields(**overrides: Any) -> ListingFields:
    fields: dict[str, Any] = {
        "title": "Levi's 511 slim jeans",
        "description": "Dark wash, worn twice",
        "category": "men/jeans",
        "brand": "Levi's",
        "condition": ListingCondition.LIKE_NEW,
        "price": Decimal("1499.00"),
        "currency": "INR",
        "photos": [],
    }
    return ListingFields(**(fields | overrides))


def make_event(
    event_type: PricingEventType = PricingEventType.LISTED,
    event_id: str = "ev-1",
    listing_id: str = "l-1",
    tenant_id: str = TENANT,
    occurred_at: datetime | None = None,
    **product_overrides: Any,
) -> PricingEvent:
    """An event at `at(0)`; listed/updated/relisted carry product fields, others only when overridden."""
    needs_product = event_type in {
        PricingEventType.LISTED,
        PricingEventType.UPDATED,
        PricingEventType.RELISTED,
    }
    return PricingEvent(
        event_id=event_id,
        tenant_id=tenant_id,
        type=event_type,
        listing_id=listing_id,
        occurred_at=occurred_at or at(0),
        product=make_fields(**product_overrides) if needs_product or product_overrides else None,
    )


def make_listing(listing_id: str = "l-1", tenant_id: str = TENANT, **overrides: Any) -> Listing:
    fields = make_fields().model_dump()
    base: dict[str, Any] = {
        "tenant_id": tenant_id,
        "listing_id": listing_id,
        "status": ListingStatus.LISTED,
        "listed_at": at(0),
        "updated_at": at(0),
    }
    return Listing(**(fields | base | overrides))


def make_dead_letter(letter_id: str = "dlq-1", tenant_id: str = TENANT, minutes: int = 0) -> DeadLetter:
    return DeadLetter(
        id=letter_id,
        tenant_id=tenant_id,
        event_id="ev-9",
        payload={"type": "product.sold", "listing_id": "l-9"},
        error_code="EVENT_OUT_OF_ORDER",
        reason="product.sold cannot follow: the listing does not exist yet",
        details={"listing_id": "l-9", "status": None},
        failed_at=at(minutes),
    )


def apply(store: Store, event: PricingEvent, *, now: datetime | None = None) -> EventOutcome:
    """Apply `event` over the stored listing through the real state machine, keyed for 24 h from `now`
    (default: when the event occurred)."""
    moment = now or event.occurred_at
    current = store.sales.get_listing(event.tenant_id, event.listing_id)
    return store.sales.apply_event(
        event, next_listing(current, event), dedupe_until=moment + WINDOW, now=moment
    )


class HashingEmbedder:
    """A deterministic 8-dim embedder: each word adds to one bucket. Enough to see which text was embedded."""

    name = "hashing-test"
    dim = 8

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        rows = numpy.zeros((len(texts), self.dim), dtype=numpy.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                rows[row, sum(word.encode()) % self.dim] += 1.0
        return rows / numpy.maximum(numpy.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, remembering the size of each call (to see batching)."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        self.calls.append(len(texts))
        return super().embed(texts)


class BrokenEmbedder:
    """An embedding model that is down."""

    name = "broken"
    dim = 8

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        raise ConnectionError("embedding endpoint unreachable")
