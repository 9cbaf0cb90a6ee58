"""Why a pricing event was not applied. Codes map to HTTP statuses in api/errors.py."""

from __future__ import annotations

from typing import Any

from core.errors import PakkaError
from core.pricing.schemas import EventOutcome


class InvalidEvent(PakkaError):
    """The event breaks the event schema (missing product fields, bad price, unknown type...)."""

    code = "INVALID_EVENT"


class EventOutOfOrder(PakkaError):
    """The listing's current state forbids this event (sold before listed, updated once delisted...)."""

    code = "EVENT_OUT_OF_ORDER"


class NoSalesHistory(PakkaError):
    """The shop has no sales in the listing's currency yet: there is nothing to price from, and a made-up
    number would look like advice."""

    code = "NO_SALES_HISTORY"


class DuplicateEvent(PakkaError):
    """Raised by a store when (tenant, type, event_id) was already applied within the dedupe window; carries
    the stored outcome so the caller can answer the duplicate exactly as it answered the original."""

    code = "DUPLICATE_EVENT"

    def __init__(self, outcome: EventOutcome, details: dict[str, Any] | None = None) -> None:
        super().__init__("event already applied", details or outcome.model_dump(mode="json"))
        self.outcome = outcome
