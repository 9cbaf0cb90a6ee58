"""The site-generation wizard over HTTP: a small business describes itself and gets a store on pakka.

- `POST /v1/sites` starts the `sitegen` graph on a new thread in the background (202): the site's record
  tells its status; the review (and, when the sector is unclear, the sector question) waits as the thread's
  interrupt, answered through the thread endpoints (`POST /v1/threads/{thread_id}/resume/stream`), which
  stream the rest of the run (progress, `result`).
- `GET /v1/sites/{id}`: status, sector and confidence, spec, pages, validation, screenshots, the pending
  question, and the tenant once published. `GET /v1/sites`: the caller's sites.
- `POST /v1/sites/{id}/publish`: the draft becomes a store (tenant, products with stock, the owner its
  merchant).
- `GET /sites/{id}/` and `GET /sites/{id}/{path}`: the site's files, draft or published, public.

Any signed-in user may ask for a site (it is theirs: owner = the caller); admins may act for anyone."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.auth import ORDERS, PUBLIC, Caller, CallerDep
from api.deps import IdPath, ServicesDep, TenantDep
from api.streaming import interrupt_payload
from core.errors import InvalidInput, NotFound
from core.records.identity import Role
from core.records.sites import SiteRecord, SiteStatus
from core.schemas import Id
from core.storage.site_files import check_path, content_type
from domain.sites.spec import SiteRequest
from graphs.context import GraphContext
from graphs.registry import GRAPHS
from graphs.services import Services
from graphs.sitegen import publish_site
from graphs.threads import config

logger = logging.getLogger("pakka.api")

router = APIRouter(tags=["sites"])
SITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "SITE_NOT_FOUND: no such site of yours."}
}
ASSET_MAX_AGE_S = 86_400
PAGE_MAX_AGE_S = 300


class SiteNotFound(NotFound):
    code = "SITE_NOT_FOUND"


class SiteCreate(SiteRequest):
    model_config = ConfigDict(extra="forbid")

    user_id: Id | None = Field(default=None, description="The owner; defaults to the caller.")


class SiteCreated(BaseModel):
    site_id: str
    thread_id: str
    status: SiteStatus


class SiteView(BaseModel):
    site_id: str
    thread_id: str | None
    status: SiteStatus
    sector: str | None
    sector_confidence: float | None
    language: str | None
    business_name: str | None
    spec: dict[str, Any] | None
    pages: list[str]
    validation: dict[str, Any] | None
    screenshots: list[str]
    pending_interrupt: dict[str, Any] | None = Field(description="The question waiting for the owner.")
    tenant_id: str | None
    url: str
    error: str | None
    created_at: datetime
    updated_at: datetime


class Published(BaseModel):
    site_id: str
    tenant_id: str
    status: SiteStatus
    url: str


class SiteRuns:
    """The background runs of POST /v1/sites: at most PAKKA_SITES_MAX_CONCURRENT at once, cancelled when
    the server stops (a cancelled run's thread keeps its last checkpoint)."""

    def __init__(self, limit: int) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, run: Any) -> None:
        task = asyncio.get_running_loop().create_task(self._limited(run))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _limited(self, run: Any) -> None:
        async with self._slots:
            await run

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def site_runs(request: Request, services: Services) -> SiteRuns:
    runs: SiteRuns | None = getattr(request.app.state, "site_runs", None)
    if runs is None:
        runs = SiteRuns(services.settings.sites_max_concurrent)
        request.app.state.site_runs = runs
    return runs


@router.post("/v1/sites", status_code=status.HTTP_202_ACCEPTED, dependencies=[ORDERS])
async def create_site(
    body: SiteCreate, request: Request, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> SiteCreated:
    """Start the wizard; the run goes on in the background (GET the site, or the thread, to follow it)."""
    owner = caller.acting_as(body.user_id)
    spec = GRAPHS["sitegen"]
    threads = services.running_threads()
    thread = await threads.create(spec, tenant_id, owner)
    record = SiteRecord(
        id=f"site_{thread.thread_id[:20]}",
        owner_tenant_id=tenant_id,
        owner_user_id=owner,
        thread_id=thread.thread_id,
        request=SiteRequest.model_validate(body.model_dump(exclude={"user_id"})).model_dump(
            exclude_none=True
        ),
    )
    saved = await asyncio.to_thread(services.store.sites.save, record, 0)
    graph_input = {**saved.request, "site_id": saved.id}
    context = GraphContext(services=services, tenant_id=tenant_id, user_id=owner)
    graph = threads.graph(spec)
    site_runs(request, services).start(_run(graph, graph_input, context, config(thread), services, saved.id))
    return SiteCreated(site_id=saved.id, thread_id=thread.thread_id, status=saved.status)


async def _run(
    graph: Any,
    graph_input: dict[str, Any],
    context: GraphContext,
    run_config: Any,
    services: Services,
    site_id: str,
) -> None:
    try:
        await graph.ainvoke(graph_input, config=run_config, context=context)
    except asyncio.CancelledError:
        raise
    except Exception as error:
        logger.exception("site generation failed", extra={"site_id": site_id})
        await asyncio.to_thread(_mark_failed, services, site_id, f"{type(error).__name__}: {error}"[:500])


def _mark_failed(services: Services, site_id: str, message: str) -> None:
    record = services.store.sites.get(site_id)
    if record is not None and record.status not in (SiteStatus.DRAFT, SiteStatus.PUBLISHED):
        services.store.sites.save(
            record.model_copy(update={"status": SiteStatus.FAILED, "error": message}), record.version
        )


@router.get("/v1/sites", dependencies=[ORDERS])
async def list_sites(
    services: ServicesDep, tenant_id: TenantDep, caller: CallerDep, user_id: Id | None = None
) -> list[SiteView]:
    owner = caller.acting_as(user_id)
    records = await asyncio.to_thread(services.store.sites.list_by_owner, tenant_id, owner)
    return [await _view(services, record) for record in records]


@router.get("/v1/sites/{site_id}", dependencies=[ORDERS], responses=SITE_RESPONSES)
async def get_site(site_id: IdPath, services: ServicesDep, caller: CallerDep) -> SiteView:
    record = await _own_site(services, caller, site_id)
    return await _view(services, record)


@router.post(
    "/v1/sites/{site_id}/publish",
    dependencies=[ORDERS],
    responses={**SITE_RESPONSES, 409: {"description": "INVALID_STATE: the site is not a draft (yet)."}},
)
async def publish(site_id: IdPath, services: ServicesDep, caller: CallerDep) -> Published:
    """The draft becomes a store: a new tenant (or the caller's own, for a merchant) with the products and
    their stock, the owner its merchant. 409 INVALID_STATE unless the site is a draft (publishing again
    returns the same store)."""
    record = await _own_site(services, caller, site_id)
    into = caller.tenant_id if caller.role is Role.MERCHANT else None
    context = GraphContext(services=services, tenant_id=record.owner_tenant_id, user_id=record.owner_user_id)
    published = await asyncio.to_thread(publish_site, context, record.id, into_tenant=into)
    assert published.tenant_id is not None
    return Published(
        site_id=published.id, tenant_id=published.tenant_id, status=published.status, url=_url(published.id)
    )


@router.get("/sites/{site_id}", dependencies=[PUBLIC], include_in_schema=False)
async def site_root(site_id: IdPath) -> Response:
    return Response(status_code=status.HTTP_308_PERMANENT_REDIRECT, headers={"Location": _url(site_id)})


@router.get("/sites/{site_id}/", dependencies=[PUBLIC], responses=SITE_RESPONSES)
async def site_home(site_id: IdPath, request: Request, services: ServicesDep) -> Response:
    """The site's home page, draft or published."""
    return await _file(services, request, site_id, "index.html")


@router.get("/sites/{site_id}/{path:path}", dependencies=[PUBLIC], responses=SITE_RESPONSES)
async def site_file(site_id: IdPath, path: str, request: Request, services: ServicesDep) -> Response:
    """One file of the site (pages, stylesheet, images, screenshots) with its content type and caching
    headers: drafts are never cached; a published site's pages for 5 minutes, its assets for a day."""
    return await _file(services, request, site_id, path or "index.html")


async def _file(services: Services, request: Request, site_id: str, path: str) -> Response:
    try:
        path = check_path(path)
    except InvalidInput:
        raise SiteNotFound("no such file", {"site_id": site_id, "path": path}) from None
    record = await asyncio.to_thread(services.store.sites.get, site_id)
    if record is None or record.status not in (SiteStatus.DRAFT, SiteStatus.PUBLISHED):
        raise SiteNotFound("no such site", {"site_id": site_id})
    body = await asyncio.to_thread(services.sites.read, site_id, path)
    if body is None:
        raise SiteNotFound("no such file", {"site_id": site_id, "path": path})
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "X-Content-Type-Options": "nosniff"}
    if record.status is SiteStatus.PUBLISHED:
        max_age = PAGE_MAX_AGE_S if path.endswith(".html") else ASSET_MAX_AGE_S
        headers["Cache-Control"] = f"public, max-age={max_age}"
    else:
        headers["Cache-Control"] = "no-cache"
        headers["X-Robots-Tag"] = "noindex"
    if path.endswith(".html"):
        # Framed by this origin only: the web app's wizard previews the pages in a sandboxed frame.
        headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'self'"
        )
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(content=body, media_type=content_type(path), headers=headers)


async def _own_site(services: Services, caller: Caller, site_id: str) -> SiteRecord:
    """The site if the caller may see it: its owner, the owner tenant's staff, or an operator (else 404)."""
    record = await asyncio.to_thread(services.store.sites.get, site_id)
    if record is None:
        raise SiteNotFound("no such site", {"site_id": site_id})
    if caller.is_operator:
        return record
    if record.owner_tenant_id != caller.tenant_id or not caller.may_see(record.owner_user_id or ""):
        raise SiteNotFound("no such site", {"site_id": site_id})
    return record


async def _view(services: Services, record: SiteRecord) -> SiteView:
    pending: dict[str, Any] | None = None
    threads = services.threads
    if threads is not None and record.thread_id and record.status is SiteStatus.AWAITING_REVIEW:
        thread = await threads.get(record.owner_tenant_id, record.owner_user_id, record.thread_id)
        spec = GRAPHS["sitegen"]
        if thread is not None:
            interrupts = await threads.pending_interrupts(spec, thread)
            pending = interrupt_payload(interrupts[0]) if interrupts else None
    status = record.status
    if status is SiteStatus.AWAITING_REVIEW and pending is None:
        # The record says so a moment before the question reaches the checkpoint: until it does, the
        # owner has nothing to answer, so the site still reads as being generated.
        status = SiteStatus.GENERATING
    return SiteView(
        site_id=record.id,
        thread_id=record.thread_id,
        status=status,
        sector=record.sector,
        sector_confidence=record.sector_confidence,
        language=record.language,
        business_name=record.business_name,
        spec=record.spec,
        pages=record.pages,
        validation=record.validation,
        screenshots=[f"{_url(record.id)}{path}" for path in record.screenshots],
        pending_interrupt=pending,
        tenant_id=record.tenant_id,
        url=_url(record.id),
        error=record.error,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def _url(site_id: str) -> str:
    return f"/sites/{site_id}/"
