"""The asynchronous side of ingestion: the event queue, background embedding, and dead-letter replay.

- `PricingEventWorker`: `submit` returns as soon as the event is queued; one background task applies events in
  arrival order (one at a time, so events of one listing never overtake each other), takes whatever is queued
  as one batch so the batch's follow-ups (embeddings) cost one model call, and keeps every event it cannot
  apply in the dead-letter table with the reason. A store outage is retried with backoff first.
- `BackgroundEmbedder`: embeds changed listings off the request path, up to `batch_size` per model call (the
  local model costs tens of milliseconds per text on a laptop CPU, and far less per text in a batch).
- `replay_dead_letters`: a second try at dead-lettered events (`pakka pricing dead-letters replay`, and
  POST /v1/pricing/dead-letters/{letter_id}/replay for one letter).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from core.errors import PakkaError, StoreUnavailable
from core.records.sales import DeadLetter, Listing
from core.storage.repositories import SalesHistoryRepository
from domain.pricing.batching import BatchConsumer
from domain.pricing.events import PricingEventService, Recorded, parse_event, store_embeddings
from knowledge.embeddings import Embedder

logger = logging.getLogger("pakka.pricing")

STORE_ATTEMPTS = 4
REPLAY_LIMIT = 10_000
"""The most dead letters a replay reads at once (the newest)."""
DEFAULT_QUEUE_SIZE = 10_000
EVENT_BATCH = 64
EMBED_BATCH = 32


class QueueFull(StoreUnavailable):
    """The async queue is at capacity; the caller should retry later (503)."""

    code = "EVENT_QUEUE_FULL"


@dataclass(frozen=True)
class QueuedEvent:
    tenant_id: str
    payload: dict[str, Any]


def dead_letter(
    tenant_id: str, payload: Mapping[str, Any], code: str, reason: str, details: dict[str, Any]
) -> DeadLetter:
    """The letter that keeps an event which could not be applied, with why (the worker's, and the import
    route's for a file's refused sales)."""
    event_id = payload.get("event_id")
    return DeadLetter(
        tenant_id=tenant_id,
        event_id=event_id if isinstance(event_id, str) else None,
        payload=dict(payload),
        error_code=code,
        reason=reason,
        details=details,
    )


def _failure(error: Exception) -> tuple[str, str, dict[str, Any]]:
    """(code, reason, details) of an event that could not be applied."""
    if isinstance(error, PakkaError):
        return error.code, error.message, error.details
    return "INTERNAL", f"{type(error).__name__}: {error}", {}


class PricingEventWorker(BatchConsumer[QueuedEvent]):
    task_name = "pricing-event-worker"

    def __init__(
        self,
        service: PricingEventService,
        sales: SalesHistoryRepository,
        *,
        max_queued: int = DEFAULT_QUEUE_SIZE,
        store_attempts: int = STORE_ATTEMPTS,
        batch_size: int = EVENT_BATCH,
    ) -> None:
        super().__init__(batch_size, max_queued)
        self._service = service
        self._sales = sales
        self._store_attempts = store_attempts

    def submit(self, tenant_id: str, payload: Mapping[str, Any]) -> None:
        """Queue one raw event; QueueFull when the queue is at capacity."""
        try:
            self._queue.put_nowait(QueuedEvent(tenant_id, dict(payload)))
        except asyncio.QueueFull:
            raise QueueFull(
                "the pricing event queue is full; retry shortly", {"queued": self._queue.qsize()}
            ) from None

    def handle(self, batch: list[QueuedEvent]) -> None:
        """Apply the events in order (each applied or dead-lettered), then their follow-ups in one go."""
        recorded = [outcome for queued in batch if (outcome := self._record(queued)) is not None]
        try:
            self._service.follow_up(recorded)
        except Exception:  # the events are stored; only their follow-ups (index, embeddings) are behind
            logger.exception("pricing event follow-ups failed", extra={"events": len(recorded)})

    def _record(self, queued: QueuedEvent) -> Recorded | None:
        retrying = Retrying(
            retry=retry_if_exception_type(StoreUnavailable),
            stop=stop_after_attempt(self._store_attempts),
            wait=wait_random_exponential(multiplier=0.05, max=2),
            reraise=True,
        )
        try:
            recorded: Recorded = retrying(self._service.record, parse_event(queued.payload, queued.tenant_id))
        except Exception as error:  # the worker must outlive any one event; the event is kept for a replay
            if not isinstance(error, PakkaError):
                logger.exception("pricing event failed unexpectedly", extra={"tenant_id": queued.tenant_id})
            self._dead_letter(queued, *_failure(error))
            return None
        return recorded

    def _dead_letter(self, queued: QueuedEvent, code: str, reason: str, details: dict[str, Any]) -> None:
        letter = dead_letter(queued.tenant_id, queued.payload, code, reason, details)
        try:
            self._sales.record_dead_letter(letter)
        except PakkaError:
            logger.exception(
                "could not record a dead letter", extra={"tenant_id": queued.tenant_id, "code": code}
            )


class BackgroundEmbedder(BatchConsumer[Listing]):
    """Stores the embeddings of changed listings in the background, batching them per model call.

    `submit` may be called from any thread (the API's sync routes run in a thread pool). The model is loaded
    by `load_embedder` on the first batch, in a worker thread, so start-up stays fast and a process that never
    ingests never loads it; None (no embedding model installed or configured) drops the batches."""

    task_name = "pricing-embedder"

    def __init__(
        self,
        sales: SalesHistoryRepository,
        load_embedder: Callable[[], Embedder | None],
        *,
        batch_size: int = EMBED_BATCH,
    ) -> None:
        super().__init__(batch_size)
        self._sales = sales
        self._load_embedder = load_embedder
        self._embedder: Embedder | None = None
        self._loaded = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.embedded = 0

    def submit(self, listings: Sequence[Listing]) -> None:
        """Queue listings to embed; callable from any thread while `running`."""
        if self._loop is None:
            raise RuntimeError("the background embedder is not running")
        self._loop.call_soon_threadsafe(self._enqueue, list(listings))

    def _enqueue(self, listings: list[Listing]) -> None:
        for listing in listings:
            self._queue.put_nowait(listing)

    async def drained(self) -> None:
        """Wait until every listing submitted so far is embedded (or its batch has failed)."""
        await asyncio.sleep(0)  # let submissions scheduled from other threads land in the queue first
        await super().drained()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Self]:
        """Embed for the duration of the block; on exit what was submitted gets embedded, then it stops."""
        self._loop = asyncio.get_running_loop()
        try:
            async with super().running():
                yield self
        finally:
            self._loop = None

    def handle(self, batch: list[Listing]) -> None:
        """Embed and store one batch; when it fails the listings stay without vectors, which
        `pakka pricing validate` reports."""
        if not self._loaded:
            self._embedder = self._load_embedder()
            self._loaded = True
            if self._embedder is None:
                logger.warning("no embedding model is installed: listings are stored without embeddings")
        if self._embedder is not None:
            self.embedded += store_embeddings(self._sales, self._embedder, batch)


@dataclass
class ReplayReport:
    replayed: list[DeadLetter] = field(default_factory=list)
    """Letters whose event is now applied (or was already): removed from the table."""
    failed: list[DeadLetter] = field(default_factory=list)
    """Letters whose event failed again: kept, with the new error."""


def _happened_at(letter: DeadLetter) -> datetime:
    """When the letter's event says it happened; its failure time when the payload does not say clearly."""
    raw = letter.payload.get("occurred_at")
    try:
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        moment = None
    return moment if moment is not None and moment.tzinfo is not None else letter.failed_at


def find_dead_letter(sales: SalesHistoryRepository, tenant_id: str, letter_id: str) -> DeadLetter | None:
    """The tenant's letter with this id among the newest REPLAY_LIMIT, None when it is not there."""
    letters = sales.list_dead_letters(tenant_id, limit=REPLAY_LIMIT)
    return next((letter for letter in letters if letter.id == letter_id), None)


def replay_dead_letters(
    service: PricingEventService, sales: SalesHistoryRepository, letters: Sequence[DeadLetter]
) -> ReplayReport:
    """Validate and apply each letter's event again, in the order the events happened (so a sale that was
    dead-lettered before its listing goes in after it). A success, or a duplicate of an event applied since,
    removes the letter; a failure keeps it with the new error (and its first failure time)."""
    report = ReplayReport()
    for letter in sorted(letters, key=_happened_at):
        try:
            service.apply_payload(letter.payload, letter.tenant_id)
        except Exception as error:  # noqa: BLE001 - kept for the operator, like the worker keeps it
            code, reason, details = _failure(error)
            kept = letter.model_copy(update={"error_code": code, "reason": reason, "details": details})
            report.failed.append(sales.record_dead_letter(kept))
            continue
        sales.delete_dead_letter(letter)
        report.replayed.append(letter)
    return report
