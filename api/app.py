"""The FastAPI application factory and its lifespan (backends are opened once here and closed on shutdown).

The knowledge base is opened and brought in line with the store (curated documents, every tenant's
catalog) in the background after the demo seed, then attached to the services (`knowledge_loading`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from importlib.metadata import version

from fastapi import FastAPI
from starlette.middleware import Middleware

from api.errors import install_error_handlers
from api.middleware import (
    AccessLogMiddleware,
    BodySizeLimitMiddleware,
    CorrelationIdMiddleware,
    UnhandledErrorMiddleware,
)
from api.routes import (
    consent,
    feedback,
    health,
    inventory,
    orders,
    pricing,
    pricing_events,
    products,
    recommendations,
    scan,
    users,
)
from api.routes.pricing import SUGGEST_BODY_MAX_BYTES
from api.routes.pricing_events import pricing_ingestion
from api.routes.scan import SCAN_BODY_MAX_BYTES
from api.sweeper import reservation_sweeper
from core.catalog.demo import seed_demo_data
from core.checkpointers import open_async_checkpointer
from core.commerce.payments import PaymentGateway
from core.pricing.live_index import LiveComparables
from core.settings import Settings
from graphs.services import Services
from tools.vision.models import VisionModels

logger = logging.getLogger("pakka.api")


@contextlib.asynccontextmanager
async def knowledge_loading(services: Services) -> AsyncIterator[threading.Event]:
    """Runs `services.load_knowledge` in a worker thread, so the API serves at once (product search uses the
    store's full-text search until the index is ready); yields an event set when loading has ended, however it
    ended. On exit it stops the sync between batches and waits for the thread."""
    stop = threading.Event()
    loaded = threading.Event()

    def load() -> None:
        try:
            report = services.load_knowledge(stop)
        except Exception:
            logger.exception("knowledge base unavailable: product search uses the store's full-text search")
        else:
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
        finally:
            loaded.set()

    worker = asyncio.get_running_loop().run_in_executor(None, load)
    try:
        yield loaded
    finally:
        stop.set()
        await worker


def create_app(settings: Settings | None = None, *, payments: PaymentGateway | None = None) -> FastAPI:
    """Build the API. `payments` replaces the default gateway (cash on delivery), e.g. in tests."""
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as resources:
            services = Services.open(settings, payments=payments)
            resources.callback(services.close)
            app.state.vision_models = VisionModels()
            resources.callback(app.state.vision_models.close)
            if settings.seed_demo_data:
                seeded = seed_demo_data(services.store, settings.default_tenant)
                logger.info(
                    "demo data %s",
                    "seeded" if seeded else "already present",
                    extra={"tenant_id": settings.default_tenant},
                )
            app.state.services = services
            app.state.known_tenants = set()
            app.state.knowledge_loaded = await resources.enter_async_context(knowledge_loading(services))
            app.state.checkpointer = await resources.enter_async_context(open_async_checkpointer(settings))
            await resources.enter_async_context(
                reservation_sweeper(services.orders, settings.reservation_sweep_seconds)
            )
            app.state.pricing_comparables = LiveComparables(services.store.sales)
            resources.callback(app.state.pricing_comparables.settle)
            app.state.pricing_comparables.warm(settings.default_tenant)
            app.state.pricing_ingestion = await resources.enter_async_context(
                pricing_ingestion(services, app.state.pricing_comparables)
            )
            logger.info(
                "api started", extra={"store": services.store.kind, "checkpointer": settings.checkpointer}
            )
            yield
        logger.info("api stopped")

    app = FastAPI(
        title="pakka",
        summary="Decision engine for Indian e-commerce: buy the one product you can be sure of.",
        version=version("pakka"),
        lifespan=lifespan,
        middleware=[
            Middleware(CorrelationIdMiddleware),
            Middleware(AccessLogMiddleware),
            Middleware(UnhandledErrorMiddleware),
            Middleware(
                BodySizeLimitMiddleware,
                max_body_bytes=settings.max_body_bytes,
                larger_limits={
                    "/v1/scan/": SCAN_BODY_MAX_BYTES,
                    "/v1/pricing/suggest": SUGGEST_BODY_MAX_BYTES,
                },
            ),
        ],
    )
    install_error_handlers(app)
    for module in (
        health,
        products,
        inventory,
        orders,
        consent,
        feedback,
        users,
        scan,
        recommendations,
        pricing_events,
        pricing,
    ):
        app.include_router(module.router)
    return app
