"""Background release of expired stock reservations while the API runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from core.commerce.orders import OrderService

logger = logging.getLogger("pakka.sweeper")


@contextlib.asynccontextmanager
async def reservation_sweeper(
    orders: OrderService, interval_seconds: float
) -> AsyncIterator[asyncio.Task[None]]:
    """Run `orders.expire_reservations()` in a worker thread every `interval_seconds` while the block runs.

    A failed sweep is logged and the next one still happens. Leaving the block stops the loop at once when it
    is waiting, or after the sweep in flight finishes, so the store is never closed under a running sweep.
    """
    stop = asyncio.Event()

    async def sweep_until_stopped() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
            if stop.is_set():
                return
            try:
                await asyncio.to_thread(orders.expire_reservations)  # logs what it expired
            except Exception:
                logger.exception("reservation sweep failed")

    task = asyncio.create_task(sweep_until_stopped(), name="reservation-sweeper")
    try:
        yield task
    finally:
        stop.set()
        await task
