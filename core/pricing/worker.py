"""The optional asynchronous ingestion path: an in-process queue drained by one background task.

`submit` returns as soon as the event is queued; the worker applies events in arrival order (one at a time,
so events of one listing never overtake each other) and keeps every event it cannot apply in the dead-letter
table with the reason. A store outage is retried with backoff before the event is given up on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from core.errors import PakkaError, StoreUnavailable
from core.pricing.events import PricingEventService
from core.pricing.schemas import DeadLetter
from core.storage.repositories import SalesHistoryRepository

logger = logging.getLogger("pakka.pricing")

STORE_ATTEMPTS = 4
DEFAULT_QUEUE_SIZE = 10_000


class QueueFull(StoreUnavailable):
    """The async queue is at capacity; the caller should retry later (503)."""

    code = "EVENT_QUEUE_FULL"


@dataclass(frozen=True)
class QueuedEvent:
    tenant_id: str
    payload: dict[str, Any]


class PricingEventWorker:
    def __init__(
        self,
        service: PricingEventService,
        sales: SalesHistoryRepository,
        *,
        max_queued: int = DEFAULT_QUEUE_SIZE,
        store_attempts: int = STORE_ATTEMPTS,
    ) -> None:
        self._service = service
        self._sales = sales
        self._queue: asyncio.Queue[QueuedEvent] = asyncio.Queue(maxsize=max_queued)
        self._store_attempts = store_attempts

    def submit(self, tenant_id: str, payload: Mapping[str, Any]) -> None:
        """Queue one raw event; QueueFull when the queue is at capacity."""
        try:
            self._queue.put_nowait(QueuedEvent(tenant_id, dict(payload)))
        except asyncio.QueueFull:
            raise QueueFull(
                "the pricing event queue is full; retry shortly", {"queued": self._queue.qsize()}
            ) from None

    async def drained(self) -> None:
        """Wait until every queued event has been applied or dead-lettered."""
        await self._queue.join()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[PricingEventWorker]:
        """Run the worker for the duration of the block; on exit the queue is drained, then the task stops."""
        task = asyncio.create_task(self._run(), name="pricing-event-worker")
        try:
            yield self
            await self.drained()
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            queued = await self._queue.get()
            try:
                await self._process(queued)
            finally:
                self._queue.task_done()

    async def _process(self, queued: QueuedEvent) -> None:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(StoreUnavailable),
            stop=stop_after_attempt(self._store_attempts),
            wait=wait_random_exponential(multiplier=0.05, max=2),
            reraise=True,
        )
        try:
            await retrying(asyncio.to_thread, self._service.apply_payload, queued.payload, queued.tenant_id)
        except PakkaError as error:
            await self._dead_letter(queued, error.code, error.message, error.details)
        except Exception as error:  # the worker must outlive any one event; the event is kept for a replay
            logger.exception("pricing event failed unexpectedly", extra={"tenant_id": queued.tenant_id})
            await self._dead_letter(queued, "INTERNAL", f"{type(error).__name__}: {error}", {})

    async def _dead_letter(
        self, queued: QueuedEvent, code: str, reason: str, details: dict[str, Any]
    ) -> None:
        event_id = queued.payload.get("event_id")
        letter = DeadLetter(
            tenant_id=queued.tenant_id,
            event_id=event_id if isinstance(event_id, str) else None,
            payload=queued.payload,
            error_code=code,
            reason=reason,
            details=details,
        )
        try:
            await asyncio.to_thread(self._sales.record_dead_letter, letter)
        except PakkaError:
            logger.exception(
                "could not record a dead letter", extra={"tenant_id": queued.tenant_id, "code": code}
            )
