"""A background consumer of an asyncio queue that hands over whatever is queued as one batch.

The pricing event worker and the background embedder both need this: one task, so items are handled in
arrival order; batches, so one model call or one follow-up covers many items; the blocking work in a worker
thread, so the event loop keeps serving requests; and on exit everything queued so far gets handled first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Generic, Self, TypeVar

logger = logging.getLogger("pakka.pricing")

Item = TypeVar("Item")


class BatchConsumer(ABC, Generic[Item]):
    """Subclasses say what a batch does (`handle`, run in a worker thread); items arrive through `_queue`."""

    task_name = "batch-consumer"

    def __init__(self, batch_size: int, max_queued: int = 0) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._batch_size = batch_size
        self._queue: asyncio.Queue[Item] = asyncio.Queue(maxsize=max_queued)

    @abstractmethod
    def handle(self, batch: list[Item]) -> None:
        """Handle one batch (in a worker thread); an exception is logged and the next batch goes on."""

    async def drained(self) -> None:
        """Wait until every item queued so far has been handled (or its batch has failed)."""
        await self._queue.join()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Self]:
        """Consume for the duration of the block; on exit the queue is drained, then the task stops."""
        task = asyncio.create_task(self._consume(), name=self.task_name)
        try:
            yield self
            await self.drained()
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _consume(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._batch_size and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await asyncio.to_thread(self.handle, batch)
            except Exception:
                logger.exception("%s: a batch of %d item(s) failed", self.task_name, len(batch))
            finally:
                for _ in batch:
                    self._queue.task_done()
