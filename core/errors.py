"""Domain errors. Each carries a stable `code`; the API maps codes to HTTP statuses (api/errors.py)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.records.sales import EventOutcome


class PakkaError(Exception):
    """Base of every error pakka raises on purpose. `details` must be JSON-serialisable."""

    code = "ERROR"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class NotFound(PakkaError):
    code = "NOT_FOUND"


class InvalidInput(PakkaError):
    """Input that passed schema validation but breaks a domain rule (unknown size, empty cart...)."""

    code = "INVALID_INPUT"


class InsufficientStock(PakkaError):
    code = "INSUFFICIENT_STOCK"


class VersionConflict(PakkaError):
    """Optimistic-lock failure: the record changed since it was read."""

    code = "VERSION_CONFLICT"


class InvalidTransition(PakkaError):
    """An order state change the state machine does not allow (e.g. cancelling a shipped order)."""

    code = "INVALID_STATE"


class IdempotencyKeyReused(PakkaError):
    """The same Idempotency-Key was sent with a different request body."""

    code = "IDEMPOTENCY_KEY_REUSED"


class IdempotencyKeyExists(PakkaError):
    """Raised by a store when an order with this idempotency key already exists (caller replays it)."""

    code = "IDEMPOTENCY_KEY_EXISTS"

    def __init__(self, order_id: str, request_hash: str) -> None:
        super().__init__("idempotency key already used", {"order_id": order_id})
        self.order_id = order_id
        self.request_hash = request_hash


class PaymentFailed(PakkaError):
    code = "PAYMENT_FAILED"


class StoreUnavailable(PakkaError):
    """A backend fault (database down, throttled past retries). Maps to 503, never to bad input."""

    code = "STORE_UNAVAILABLE"


class DuplicateEvent(PakkaError):
    """Raised by a store when (tenant, type, event_id) was already applied within the dedupe window; carries
    the stored outcome so the caller can answer the duplicate exactly as it answered the original."""

    code = "DUPLICATE_EVENT"

    def __init__(self, outcome: EventOutcome, details: dict[str, Any] | None = None) -> None:
        super().__init__("event already applied", details or outcome.model_dump(mode="json"))
        self.outcome = outcome


class ThreadBusy(PakkaError):
    """The thread cannot take this now: it waits for an answer to an interrupt, or that interrupt was already
    answered (a stale or unknown interrupt id). Maps to 409."""

    code = "THREAD_CONFLICT"


class RetryLater(PakkaError):
    """An error the caller can simply retry after `retry_after_s` (the API sends it as Retry-After)."""

    def __init__(
        self, message: str, details: dict[str, Any] | None = None, *, retry_after_s: float | None = None
    ) -> None:
        """`retry_after_s`: when to try again (rounded up to whole seconds, at least 1; put in `details` when
        given)."""
        seconds = 1 if retry_after_s is None else max(1, math.ceil(retry_after_s))
        if retry_after_s is not None:
            details = {**(details or {}), "retry_after_s": seconds}
        super().__init__(message, details)
        self.retry_after_s = seconds


class Busy(RetryLater):
    """Every slot for this kind of work is taken right now and the request was answered instead of queued
    (503, with Retry-After): nothing was done; try again shortly."""

    code = "BUSY"


class ServiceNotRunning(PakkaError):
    """A long-lived service (checkpointer, event worker) was asked of a bundle opened without it (503)."""

    code = "SERVICE_UNAVAILABLE"


class Unauthenticated(PakkaError):
    """No credentials where a route needs them, or credentials that are invalid, expired or revoked (401)."""

    code = "UNAUTHENTICATED"


class Forbidden(PakkaError):
    """The caller is known but may not do this: another shopper's data, another tenant, a role (403)."""

    code = "FORBIDDEN"


class RateLimited(RetryLater):
    """Too many requests for one principal, address, phone or scan budget (429, with Retry-After)."""

    code = "RATE_LIMITED"
