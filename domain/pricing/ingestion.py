"""Sales-history ingestion while the service runs: one event service, and the worker of the async path.

Stored sales reach the comparables indexes at once, and changed listings are embedded in the background, many
per model call, with the embedder `embedder()` returns when a batch is ready (the knowledge base's once it is
open, so one copy of the model is in memory)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from core.storage.repositories import SalesHistoryRepository
from domain.pricing.events import PricingEventService
from domain.pricing.live_index import LiveComparables
from domain.pricing.worker import BackgroundEmbedder, PricingEventWorker
from knowledge.embeddings import Embedder


@dataclass(frozen=True)
class PricingIngestion:
    """What the event routes apply events with: one service, and the worker of the async path."""

    service: PricingEventService
    worker: PricingEventWorker


@contextlib.asynccontextmanager
async def pricing_ingestion(
    sales: SalesHistoryRepository,
    comparables: LiveComparables,
    embedder: Callable[[], Embedder | None] | None,
) -> AsyncIterator[PricingIngestion]:
    """Run the background embedder (unless `embedder` is None: no embedding model configured) and the async
    worker; on exit the queued events are applied and their listings embedded."""
    async with contextlib.AsyncExitStack() as running:
        embed_later = None
        if embedder is not None:
            background = BackgroundEmbedder(sales, embedder)
            embed_later = (await running.enter_async_context(background.running())).submit
        service = PricingEventService(sales, embed_later=embed_later, on_sale=comparables.record_sale)
        worker = await running.enter_async_context(PricingEventWorker(service, sales).running())
        yield PricingIngestion(service, worker)
