"""Why a pricing event was not applied, a sales file not read, or a dead letter not found. Codes map to HTTP
statuses in api/errors.py (the InvalidInput and NotFound ones through their base class)."""

from __future__ import annotations

from core.errors import InvalidInput, NotFound, PakkaError


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


class DeadLetterNotFound(NotFound):
    """The tenant has no dead letter with this id (replayed since, or never there)."""

    code = "DEAD_LETTER_NOT_FOUND"


class EmptySalesFile(InvalidInput):
    """A sales file with no bytes, or a header and no rows."""

    code = "EMPTY_SALES_FILE"


class SalesFileNotUtf8(InvalidInput):
    """A sales file whose bytes are not UTF-8 text."""

    code = "SALES_FILE_NOT_UTF8"


class WrongSalesFormat(InvalidInput):
    """A sales file that is not in the format named: its header lacks the format's columns, or it cannot be
    read as delimited text."""

    code = "WRONG_SALES_FORMAT"
