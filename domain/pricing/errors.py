"""Why a pricing event was not applied. Codes map to HTTP statuses in api/errors.py."""

from __future__ import annotations

from core.errors import PakkaError


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
