"""Every backend pakka runs on, opened in one place and handed to routes, graphs and tools (via `AppContext`).

Two ways in:
- `Services.open(settings)` builds what a synchronous caller needs (store, orders, carts, the model router,
  pseudonyms, vision models, comparables indexes); the CLI, benchmarks and `langgraph dev` use it.
- `Services.running(settings)` opens that bundle and everything that lives as long as a server does: the graph
  checkpointer and long-term store, the pricing event worker, the knowledge base (loaded in the background),
  the reservation sweeper. The API's lifespan is only this one context manager.

`model` is the model router: every model call of every graph goes through it. `knowledge` (the search index)
is set by `load_knowledge` once it is ready; until then searches fall back to the store's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import anyio
from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.store.base import BaseStore

from agents.router import build_router
from core.checkpointers import open_async_persistence
from core.commerce.carts import CartService
from core.commerce.orders import OrderService
from core.commerce.payments import PaymentGateway, default_gateway
from core.commerce.sweeper import reservation_sweeper
from core.errors import ServiceNotRunning
from core.identity.service import IdentityService
from core.privacy import Pseudonymizer
from core.ratelimit import RateLimits
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store
from core.storage.site_files import SiteFiles, open_site_files
from domain.pricing.ingestion import PricingIngestion, pricing_ingestion
from domain.pricing.live_index import LiveComparables
from graphs.answer_cache import AnswerCache, Kept
from graphs.threads import Threads
from knowledge.embeddings import Embedder, build_embedder
from knowledge.sizing.charts import curated_library
from tools.vision.models import VisionModels

if TYPE_CHECKING:
    from knowledge.ingest import BuildReport
    from knowledge.search.service import KnowledgeBase

logger = logging.getLogger("pakka.services")


CATALOGS_REMEMBERED = 64
"""Category candidate lists kept (`Services.kept_catalogs`): one per (tenant, category, counters)."""
GUIDE_SEARCHES_REMEMBERED = 256
"""Guide searches kept (`Services.kept_guides`): one per (question, tenant, category)."""


@dataclass
class Services:
    settings: Settings
    store: Store
    payments: PaymentGateway
    orders: OrderService
    carts: CartService
    model: BaseChatModel
    pseudonyms: Pseudonymizer
    """The deployment's keyed pseudonyms for audit entries and erasure records (its key read once here)."""
    vision: VisionModels
    """The face and pose landmark models (loaded on first use) and the body priors."""
    comparables: LiveComparables
    """The pricing comparables indexes, one per tenant, fed by the event path."""
    limits: RateLimits
    """Token buckets of the API's rate limits (in this process, or Redis when PAKKA_REDIS_URL is set)."""
    identity: IdentityService
    """Sign-in (login codes, tokens, refresh-token families), API keys and role grants."""
    sites: SiteFiles
    """The files of generated store websites (a directory under the data dir, or S3)."""
    answers: AnswerCache = field(default_factory=AnswerCache)
    """Answers of POST /v1/recommendations kept for repeats (graphs/decision_cache.py); built here off
    unless settings give it memory (`build` does)."""
    kept_catalogs: Kept[Store, tuple[str, str, int, int], list[Any]] = field(
        default_factory=lambda: Kept(CATALOGS_REMEMBERED)
    )
    """Each category's candidates with their size offsets, per (tenant, category, product and offset
    counters), while `answers` is on and for at most its time bound (graphs/decision.category_candidates)."""
    kept_guides: Kept[KnowledgeBase, tuple[str, str, str], list[dict[str, Any]]] = field(
        default_factory=lambda: Kept(GUIDE_SEARCHES_REMEMBERED)
    )
    """The guides found per (question, tenant, category), per knowledge base, while `answers` is on and for at
    most its time bound (what bounds how long a knowledge base changed under a running process goes unseen,
    here as for the answers): the question is the same for every shopper of a category (of a skin profile
    for skincare), so the search runs once per question instead of once per request (decision.retrieve)."""
    knowledge: KnowledgeBase | None = None
    """Knowledge search for the retrieval tool and node; None where no index is opened."""
    checkpointer: BaseCheckpointSaver[str] | None = None
    """Graph checkpoints (threads); set by `running`."""
    memory: BaseStore | None = None
    """The graphs' long-term store (per-user memory, thread records); set by `running`."""
    pricing: PricingIngestion | None = None
    """The sales-event service and its background worker; set by `running`."""
    threads: Threads | None = None
    """The threads of the graphs that keep them (over `checkpointer` and `memory`); set by `running`."""
    scan_slots: anyio.CapacityLimiter | None = None
    """At most PAKKA_SCAN_CONCURRENCY photos decoded and measured at once (set by `running`; None: none)."""
    check_slots: anyio.CapacityLimiter | None = None
    """At most PAKKA_SCAN_CHECK_CONCURRENCY capture checks at once, apart from `scan_slots` so that checks
    never hold up a scan (set by `running`; None: none)."""
    knowledge_loaded: threading.Event = field(default_factory=threading.Event)
    """Set once knowledge loading has ended, however it ended (by `running`)."""

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        payments: PaymentGateway | None = None,
        model: BaseChatModel | None = None,
    ) -> Services:
        """Open the configured store and build every service on it (cash on delivery and the router built from
        PAKKA_MODEL_TIERS unless told otherwise)."""
        return cls.build(settings, open_store(settings), payments=payments, model=model)

    @classmethod
    def build(
        cls,
        settings: Settings,
        store: Store,
        *,
        payments: PaymentGateway | None = None,
        model: BaseChatModel | None = None,
    ) -> Services:
        """Build the services on an already opened store; the bundle takes ownership of it (`close`)."""
        gateway = payments or default_gateway()
        pseudonyms = Pseudonymizer.for_settings(settings)
        limits = RateLimits(settings)
        identity = IdentityService.for_store(settings, store, limits=limits)
        return cls(
            settings=settings,
            store=store,
            payments=gateway,
            orders=OrderService(
                store, gateway, reservation_ttl=timedelta(minutes=settings.reservation_ttl_minutes)
            ),
            carts=CartService(store),
            model=model or build_router(settings),
            pseudonyms=pseudonyms,
            vision=VisionModels(),
            comparables=LiveComparables(store.sales),
            limits=limits,
            identity=identity,
            sites=open_site_files(settings),
            answers=AnswerCache.for_settings(settings),
        )

    @classmethod
    @contextlib.asynccontextmanager
    async def running(
        cls,
        settings: Settings,
        *,
        payments: PaymentGateway | None = None,
        model: BaseChatModel | None = None,
        before_start: Callable[[Services], None] | None = None,
    ) -> AsyncIterator[Services]:
        """Open every service for a server's life; on exit stop the workers (queued events are applied) and
        close everything in reverse order. `before_start` runs on the opened store before any background work
        (the API seeds the demo catalog there)."""
        async with contextlib.AsyncExitStack() as resources:
            services = cls.open(settings, payments=payments, model=model)
            resources.callback(services.close)
            services.scan_slots = anyio.CapacityLimiter(settings.scan_concurrency)
            services.check_slots = anyio.CapacityLimiter(settings.scan_check_concurrency)
            if before_start is not None:
                before_start(services)
            await asyncio.to_thread(warm_caches)
            await resources.enter_async_context(services._loading_knowledge())
            persistence = await resources.enter_async_context(open_async_persistence(settings))
            services.checkpointer, services.memory = persistence.checkpointer, persistence.store
            services.threads = Threads(persistence.checkpointer, persistence.store)
            await resources.enter_async_context(
                reservation_sweeper(services.orders, settings.reservation_sweep_seconds)
            )
            resources.callback(services.comparables.settle)
            services.comparables.warm(settings.default_tenant)
            services.pricing = await resources.enter_async_context(
                pricing_ingestion(services.store.sales, services.comparables, services._embedder_source())
            )
            yield services

    def running_pricing(self) -> PricingIngestion:
        if self.pricing is None:
            raise ServiceNotRunning("the pricing event worker is not running")
        return self.pricing

    def running_threads(self) -> Threads:
        if self.threads is None:
            raise ServiceNotRunning("graph threads are not open")
        return self.threads

    def persistence(self) -> tuple[BaseCheckpointSaver[str], BaseStore]:
        """The checkpointer and long-term store threaded graphs are compiled with."""
        if self.checkpointer is None or self.memory is None:
            raise ServiceNotRunning("graph persistence is not open")
        return self.checkpointer, self.memory

    def _embedder_source(self) -> functools.partial[Embedder | None] | None:
        """What the background embedder asks for a model with; None when no embedding model is configured."""
        if self.settings.embedding_model == "none":
            return None
        return functools.partial(_configured_embedder, self)

    @contextlib.asynccontextmanager
    async def _loading_knowledge(self) -> AsyncIterator[None]:
        """Run `load_knowledge` in a worker thread, so a server answers at once (product search uses the
        store's full-text search until the index is ready); `knowledge_loaded` is set when it has ended. On
        exit it stops the sync between batches and waits for the thread."""
        stop = threading.Event()

        def load() -> None:
            try:
                report = self.load_knowledge(stop)
            except Exception:
                logger.exception(
                    "knowledge base unavailable: product search uses the store's full-text search"
                )
            else:
                _log_knowledge_report(report)
            finally:
                self.knowledge_loaded.set()

        worker = asyncio.get_running_loop().run_in_executor(None, load)
        try:
            yield
        finally:
            stop.set()
            await worker

    def load_knowledge(self, stop: threading.Event) -> BuildReport | None:
        """Open the configured knowledge base, index what it lacks (`knowledge.ingest.sync_knowledge_base`:
        the curated documents and every tenant's catalog), then set `knowledge`.

        Returns the sync report (not `complete` when `stop` ended it, and then nothing is kept open), or None
        when the store has no tenant yet (no search can be asked for). Until `knowledge` is set, searches fall
        back to the store's own.
        """
        # Imported here: the curated data and the search stack load only where a knowledge base is opened.
        from knowledge.documents import curated_documents
        from knowledge.ingest import BuildReport, LiveCatalogSync, sync_knowledge_base
        from knowledge.search.service import KnowledgeBase

        tenant_ids = [tenant.id for tenant in self.store.tenants.list()]
        if not tenant_ids:
            return None
        if stop.is_set():
            return BuildReport(complete=False)
        knowledge = KnowledgeBase.open(self.settings)
        began = time.time()
        try:
            counts = {tenant_id: self.store.products.count(tenant_id) for tenant_id in tenant_ids}
            report = sync_knowledge_base(
                knowledge.backend, knowledge.embedder, self.store, tenant_ids, curated_documents, stop=stop
            )
        except BaseException:
            knowledge.close()
            raise
        if not report.complete:
            knowledge.close()
            return report
        knowledge.catalog_sync = LiveCatalogSync(knowledge.backend, knowledge.embedder, self.store)
        for tenant_id, count in counts.items():
            knowledge.catalog_sync.synced(tenant_id, count, began)
        self.knowledge = knowledge
        return report

    def close(self) -> None:
        self.vision.close()
        self.limits.close()
        self.store.close()
        if self.knowledge is not None:
            self.knowledge.close()


def _configured_embedder(services: Services) -> Embedder | None:
    """The knowledge base's embedder once it is open (one copy of the model in memory), else the configured
    one (`knowledge.embeddings.build_embedder`, as `pakka pricing import` uses)."""
    if services.knowledge is not None:
        return services.knowledge.embedder
    return build_embedder(services.settings)


def _log_knowledge_report(report: BuildReport | None) -> None:
    if report is None:
        logger.info("knowledge base not opened: the store has no tenant yet")
    elif not report.complete:
        logger.info("knowledge base sync stopped at shutdown; the next start resumes it")
    else:
        logger.info(
            "knowledge base ready",
            extra={
                "seconds": round(report.seconds, 2),
                "curated_indexed": report.curated,
                "products_indexed": report.products,
                "embedder": report.embedder,
            },
        )


def warm_caches() -> None:
    """Read the curated data files the graphs' async nodes use (cached for the process), so that no request
    reads them on an event loop."""
    curated_library()


@functools.cache
def process_services() -> Services:
    """The services of this process when no caller passed any: opened from settings once, on first use.

    Only for hosts that run pakka's graphs without pakka's own entry points (`langgraph dev`, LangGraph
    Studio, the LangGraph SDK against the LangGraph server): they build the run context from the graph's
    context schema, whose `services` default comes here. The API and CLI always pass their own."""
    return Services.open(Settings())
