"""The FastAPI application factory and its lifespan, which only opens and closes the services
(`Services.running`: every backend and background worker, after the demo seed)."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from importlib.metadata import version

from fastapi import FastAPI
from starlette.middleware import Middleware

from api.auth import check_every_route_has_access
from api.docs import install_offline_docs
from api.errors import install_error_handlers
from api.middleware import (
    AccessLogMiddleware,
    BodySizeLimitMiddleware,
    CorrelationIdMiddleware,
    UnhandledErrorMiddleware,
)
from api.openapi import install_openapi
from api.routes import (
    auth,
    consent,
    feedback,
    health,
    inventory,
    orders,
    pricing,
    pricing_events,
    pricing_import,
    products,
    recommendations,
    scan,
    scan_checks,
    sites,
    threads,
    users,
)
from api.routes.pricing import SUGGEST_BODY_MAX_BYTES
from api.routes.pricing_import import IMPORT_BODY_MAX_BYTES
from api.routes.scan import SCAN_BODY_MAX_BYTES
from api.routes.threads import THREAD_BODY_MAX_BYTES
from api.routes.web import install_web_app
from core.commerce.payments import PaymentGateway
from core.settings import Settings
from graphs.demo import seed_demo
from graphs.services import Services

logger = logging.getLogger("pakka.api")


def create_app(settings: Settings | None = None, *, payments: PaymentGateway | None = None) -> FastAPI:
    """Build the API. `payments` replaces the default gateway (cash on delivery), e.g. in tests."""
    settings = settings or Settings()

    def seed(services: Services) -> None:
        if settings.seed_demo_data:
            seeded = seed_demo(services.store, settings.default_tenant)
            logger.info(
                "demo data %s",
                "seeded" if seeded else "already present",
                extra={"tenant_id": settings.default_tenant},
            )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with Services.running(settings, payments=payments, before_start=seed) as services:
            app.state.services = services
            app.state.known_tenants = set()
            app.state.site_runs = sites.SiteRuns(settings.sites_max_concurrent)
            logger.info(
                "api started", extra={"store": services.store.kind, "checkpointer": settings.checkpointer}
            )
            if not settings.auth:
                logger.warning(
                    "PAKKA_AUTH is off: every caller may act as anyone in any tenant (local experiments only)"
                )
            # What is alive once the services are open (modules, models, catalogs, caches) lives as long as
            # the process: moved out of the collector's generations, a full collection stops sweeping it
            # again and again on every request's worth of allocations (README: 26.3 -> 33.4 recommendations
            # a second in one session). Garbage is collected first, so none of it is kept for good.
            gc.collect()
            gc.freeze()
            try:
                yield
            finally:
                gc.unfreeze()
                await app.state.site_runs.close()
        logger.info("api stopped")

    app = FastAPI(
        docs_url=None,  # /docs and /redoc come from install_offline_docs: their assets are served locally
        redoc_url=None,
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
                    "/v1/pricing/import": IMPORT_BODY_MAX_BYTES,
                    "/v1/threads/": THREAD_BODY_MAX_BYTES,
                },
            ),
        ],
    )
    install_error_handlers(app)
    install_openapi(app)
    install_offline_docs(app)
    install_web_app(app)
    for module in (
        health,
        auth,
        products,
        inventory,
        orders,
        consent,
        feedback,
        users,
        scan,
        scan_checks,
        recommendations,
        pricing_events,
        pricing_import,
        pricing,
        threads,
        sites,
    ):
        app.include_router(module.router)
    check_every_route_has_access(app.routes)
    return app
