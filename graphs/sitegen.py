"""The site-generation wizard: a small business describes itself and gets a working, validated online store.

    detect_sector -> (confidence below PAKKA_SITES_SECTOR_THRESHOLD: ask_sector, interrupt) -> spec
      -> review (interrupt: approve / edit / reject with a note; skipped with auto_approve)
      -> pages -> images -> assemble -> validate (blocking findings: back to pages, at most twice)
      -> save_draft -> (publish: true) publish -> END

Keeps threads: the questions wait in the checkpoint until the owner answers (POST /v1/threads/{id}/resume/
stream). Every model call goes through the router (`services.model`): the sector guess, the spec proposal
and the copy; with the rules tier alone a complete site still comes out (sector data and templates). The
site's record (core/records/sites.py) follows the run: GENERATING -> AWAITING_REVIEW -> DRAFT -> PUBLISHED;
its files go to the site store (`services.sites`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from typing import Any, Literal

from langgraph.config import get_config, get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import BaseModel, ValidationError
from typing_extensions import TypedDict

from agents.pricing.money import rupees
from agents.rules.sites import localized_site_copy
from agents.schemas import (
    SectorGuess,
    SiteCopy,
    SiteCopyContext,
    SiteProposal,
    SiteSectorContext,
    SiteSpecContext,
)
from agents.text_tasks import TextTask, task_message
from core.context import AppContext
from core.errors import InvalidInput, InvalidTransition, NotFound, VersionConflict
from core.records.identity import Role
from core.records.sites import SiteRecord, SiteStatus
from core.schemas import new_id, utcnow
from domain.sites.publish import create_store, new_tenant_id
from domain.sites.render import HTML_LANG, render_images, render_pages
from domain.sites.spec import BuiltSpec, SiteRequest, SiteSpec, SpecEditError, apply_edit, build_spec
from domain.sites.validation import ValidationReport, validate_site
from graphs.context import GraphContext, run_context
from knowledge.sites.language import detect_language
from knowledge.sites.sectors import LANGUAGES, SECTORS, Language, sector_profile

logger = logging.getLogger("pakka.sitegen")

SECTOR_ACTION = "choose_sector"
REVIEW_ACTION = "review_site"
DECISIONS = ["approve", "edit", "reject"]
MAX_FIX_ROUNDS = 2
"""How many times validation findings send the pages back to be written again."""
SCREENSHOTS_DIR = "screenshots"


class SitegenInput(TypedDict, total=False):
    description: str
    language: str
    business_name: str
    phone: str
    city: str
    auto_approve: bool
    publish: bool
    """Publish the draft at once (scripted use); otherwise POST /v1/sites/{id}/publish does."""
    site_id: str
    """The site record to fill (POST /v1/sites makes one); without it the graph makes one."""


class SitegenResult(BaseModel):
    site_id: str
    status: SiteStatus
    sector: str | None = None
    business_name: str | None = None
    passed: bool | None = None
    tenant_id: str | None = None
    url: str | None = None
    message: str = ""


class SitegenOutput(TypedDict, total=False):
    result: dict[str, Any]
    """A `SitegenResult` as JSON (plain data in the checkpoint)."""


class SitegenState(SitegenInput, total=False):
    sector: str
    sector_confidence: float
    sector_alternatives: list[str]
    site_language: str
    description_language: str
    note: str
    spec: dict[str, Any]
    spec_notes: list[str]
    review_error: str
    copy: dict[str, Any]
    pages: dict[str, str]
    images: dict[str, str]
    files: dict[str, str]
    attempt: int
    findings: list[dict[str, Any]]
    validation: dict[str, Any]
    screenshots: list[str]
    result: dict[str, Any]


# -- nodes ---------------------------------------------------------------------------------------------


def detect_sector(
    state: SitegenState, runtime: Runtime[AppContext]
) -> Command[Literal["spec", "ask_sector"]]:
    """The sector and language from the description (the model proposes, with a confidence)."""
    context = run_context(runtime)
    request = _request(state)
    record = _ensure_record(context, state, request)
    guess = _model_sector(context, request.description)
    described: Language = (
        guess.language if guess.language in LANGUAGES else detect_language(request.description)
    )
    language = request.language or described
    sector = guess.sector if guess.sector in SECTORS else "other"
    confidence = guess.confidence if guess.sector in SECTORS else 0.0
    _update(
        context,
        record.id,
        sector=sector,
        sector_confidence=confidence,
        language=language,
        status=SiteStatus.GENERATING,
    )
    update: SitegenState = {
        "site_id": record.id,
        "sector": sector,
        "sector_confidence": confidence,
        "sector_alternatives": [item for item in guess.alternatives if item in SECTORS and item != sector],
        "site_language": language,
        "description_language": described,
        "attempt": 0,
    }
    threshold = context.services.settings.sites_sector_threshold
    return Command(goto="spec" if confidence >= threshold else "ask_sector", update=update)


def ask_sector(state: SitegenState, runtime: Runtime[AppContext]) -> Command[Literal["spec", "ask_sector"]]:
    """Below the threshold the owner names the sector (approve the guess, edit it, or reject: other)."""
    context = run_context(runtime)
    _update(context, state["site_id"], status=SiteStatus.AWAITING_REVIEW)
    guess = state.get("sector", "other")
    sure = round(100 * state.get("sector_confidence", 0))
    options = [guess, *state.get("sector_alternatives", [])]
    options += [sector for sector in SECTORS if sector not in options]
    answer = interrupt(
        {
            "action_requests": [
                {
                    "name": SECTOR_ACTION,
                    "args": {"sector": guess, "options": options},
                    "description": (
                        f"Is this business in the '{guess}' sector? We are {sure}% sure. Approve, or edit "
                        f"`sector` to one of: {', '.join(SECTORS)}."
                    ),
                }
            ],
            "review_configs": [{"action_name": SECTOR_ACTION, "allowed_decisions": DECISIONS}],
        }
    )
    decision = _first_decision(answer)
    kind = decision.get("type")
    sector = guess
    if kind == "edit":
        chosen = (decision.get("args") or {}).get("sector")
        if chosen not in SECTORS:
            return Command(goto="ask_sector", update={"sector": guess})
        sector = str(chosen)
    elif kind == "reject":
        sector = "other"
    _update(context, state["site_id"], sector=sector, sector_confidence=1.0, status=SiteStatus.GENERATING)
    return Command(goto="spec", update={"sector": sector, "sector_confidence": 1.0})


def spec(state: SitegenState, runtime: Runtime[AppContext]) -> Command[Literal["review", "pages"]]:
    """The model proposes; code validates it and fills the gaps from the sector's configuration."""
    context = run_context(runtime)
    request = _request(state)
    sector = state.get("sector", "other")
    language: Language = state.get("site_language", "en")  # type: ignore[assignment]
    previous = state.get("spec") or {}
    proposal = _model_proposal(
        context,
        SiteSpecContext(
            description=request.description,
            sector=sector,
            language=language,
            business_name=request.business_name,
            phone=request.phone,
            city=request.city,
            note=state.get("note"),
            previous_business_name=previous.get("business_name"),
        ),
    )
    if proposal.sector in SECTORS and proposal.sector != sector:
        sector = proposal.sector
    if proposal.language in LANGUAGES:
        language = proposal.language  # type: ignore[assignment]
    if state.get("note") and previous.get("business_name") and not proposal.business_name:
        proposal = proposal.model_copy(update={"business_name": previous["business_name"]})
    built = build_spec(
        request,
        sector=sector,
        language=language,
        proposal=proposal,
        description_language=state.get("description_language", language),  # type: ignore[arg-type]
    )
    _update(
        context,
        state["site_id"],
        spec=built.spec.model_dump(mode="json"),
        sector=sector,
        language=language,
        business_name=built.spec.business_name,
    )
    update: SitegenState = {
        "spec": built.spec.model_dump(mode="json"),
        "spec_notes": built.notes,
        "sector": sector,
        "site_language": language,
        "review_error": "",
    }
    return Command(goto="pages" if state.get("auto_approve") else "review", update=update)


def review(
    state: SitegenState, runtime: Runtime[AppContext]
) -> Command[Literal["pages", "spec", "review", "__end__"]]:
    """The owner sees the spec: approve, edit fields (applied, then on to the pages), or reject with a note
    (the spec step runs again with it; a rejection without a note ends the wizard)."""
    context = run_context(runtime)
    current = SiteSpec.model_validate(state["spec"])
    _update(context, state["site_id"], status=SiteStatus.AWAITING_REVIEW)
    answer = interrupt(
        {
            "action_requests": [
                {"name": REVIEW_ACTION, "args": state["spec"], "description": _describe(current, state)}
            ],
            "review_configs": [{"action_name": REVIEW_ACTION, "allowed_decisions": DECISIONS}],
        }
    )
    decision = _first_decision(answer)
    kind = decision.get("type")
    if kind == "approve":
        _update(context, state["site_id"], status=SiteStatus.GENERATING)
        return Command(goto="pages")
    if kind == "edit":
        changes = decision.get("args") or {}
        if not isinstance(changes, dict):
            changes = {}
        try:
            built: BuiltSpec = apply_edit(current, changes)
        except SpecEditError as error:
            return Command(goto="review", update={"review_error": str(error)})
        edited = built.spec.model_dump(mode="json")
        _update(
            context,
            state["site_id"],
            spec=edited,
            business_name=built.spec.business_name,
            status=SiteStatus.GENERATING,
        )
        notes = [*state.get("spec_notes", []), *built.notes]
        return Command(goto="pages", update={"spec": edited, "spec_notes": notes, "review_error": ""})
    note = str(decision.get("message") or "").strip()
    if not note:
        _update(context, state["site_id"], status=SiteStatus.REJECTED)
        result = _result(state, SiteStatus.REJECTED, "the owner rejected the proposal")
        return Command(goto=END, update={"result": result})
    _update(context, state["site_id"], status=SiteStatus.GENERATING)
    return Command(goto="spec", update={"note": note})


def pages(state: SitegenState, runtime: Runtime[AppContext]) -> SitegenState:
    """HTML from the Jinja2 templates with the copy in the site's language: written by the model on the
    first round, from the templates alone after validation sent the pages back."""
    context = run_context(runtime)
    site = SiteSpec.model_validate(state["spec"])
    findings = state.get("findings") or []
    copy_context = SiteCopyContext(
        business_name=site.business_name,
        sector=site.sector,
        city=site.city,
        products=[product.description for product in site.products],
        highlights=site.features[:3],
        language=site.language,
        tagline=site.tagline,
        description=_request(state).description,
        avoid=[f"{item['page']}: {item['message']}" for item in findings][:20],
    )
    copy = localized_site_copy(copy_context) if findings else _model_copy(context, copy_context)
    return {"pages": render_pages(site, copy), "copy": copy.model_dump(mode="json")}


def images(state: SitegenState) -> SitegenState:
    """The logo monogram, the sector's hero illustration and a placeholder per product, all SVG."""
    return {"images": render_images(SiteSpec.model_validate(state["spec"]))}


def assemble(state: SitegenState) -> SitegenState:
    files = {**state.get("pages", {}), **state.get("images", {})}
    return {"files": dict(sorted(files.items()))}


async def validate(
    state: SitegenState, runtime: Runtime[AppContext]
) -> Command[Literal["pages", "save_draft"]]:
    """html-validate, axe-core in headless Chromium, links, lang, viewport, h1, INR, page weight; blocking
    findings go back to the pages (at most MAX_FIX_ROUNDS times)."""
    context = run_context(runtime)
    settings = context.services.settings
    site = SiteSpec.model_validate(state["spec"])
    attempt = state.get("attempt", 0) + 1
    report, shots = await validate_site(
        state["files"],
        lang=HTML_LANG[site.language],
        attempt=attempt,
        chromium=settings.sites_chromium_path,
        html_validator=settings.sites_html_validate_path,
    )
    blocking = [finding.model_dump() for finding in report.blocking()]
    update: SitegenState = {
        "attempt": attempt,
        "validation": report.model_dump(mode="json"),
        "findings": blocking,
    }
    if blocking and attempt <= MAX_FIX_ROUNDS:
        return Command(goto="pages", update=update)
    # The draft's files and screenshots go to the site store here: PNG bytes never enter the checkpoint.
    screenshots = {f"{SCREENSHOTS_DIR}/{name}": png for name, png in shots.items()}
    files = {path: text.encode("utf-8") for path, text in state["files"].items()}
    await asyncio.to_thread(context.services.sites.replace, state["site_id"], {**files, **screenshots})
    update["screenshots"] = sorted(screenshots)
    return Command(goto="save_draft", update=update)


def save_draft(state: SitegenState, runtime: Runtime[AppContext]) -> Command[Literal["publish", "__end__"]]:
    """The record becomes a DRAFT with its validation (its files are in the site store)."""
    context = run_context(runtime)
    site_id = state["site_id"]
    report = ValidationReport.model_validate(state["validation"])
    record = _update(
        context,
        site_id,
        status=SiteStatus.DRAFT,
        spec=state["spec"],
        pages=sorted(state["files"]),
        validation=report.model_dump(mode="json"),
        screenshots=state.get("screenshots", []),
    )
    message = "validated" if report.passed else f"{len(report.blocking())} problems left after validation"
    result = _result(state, SiteStatus.DRAFT, f"draft ready ({message})", record=record, passed=report.passed)
    goto = "publish" if state.get("publish") else END
    return Command(goto=goto, update={"result": result, "pages": {}, "images": {}})


def publish(state: SitegenState, runtime: Runtime[AppContext]) -> SitegenState:
    context = run_context(runtime)
    record = publish_site(context, state["site_id"])
    return {"result": _result(state, SiteStatus.PUBLISHED, "published", record=record)}


# -- publishing (also POST /v1/sites/{id}/publish) -----------------------------------------------------


def publish_site(context: AppContext, site_id: str, *, into_tenant: str | None = None) -> SiteRecord:
    """Create the tenant (or use `into_tenant`, the owner's), import the products with stock, make the owner
    the tenant's merchant, index the products for search; the record becomes PUBLISHED. Publishing again
    rewrites the same rows."""
    services = context.services
    record = services.store.sites.get(site_id)
    if record is None:
        raise NotFound(f"site {site_id!r} not found", {"site_id": site_id})
    if record.status not in (SiteStatus.DRAFT, SiteStatus.PUBLISHED) or record.spec is None:
        raise InvalidTransition(
            f"site {site_id} is {record.status.value}: only a draft can be published",
            {"site_id": site_id, "status": record.status.value},
        )
    site = SiteSpec.model_validate(record.spec)
    tenant_id = record.tenant_id or into_tenant or new_tenant_id(site.business_name, record.id)
    create_store(services.store, site, tenant_id=tenant_id, site_id=record.id)
    if record.owner_user_id:
        services.identity.grant_role(tenant_id, record.owner_user_id, Role.MERCHANT)
    _index_products(services, tenant_id)
    return _update(
        context,
        site_id,
        status=SiteStatus.PUBLISHED,
        tenant_id=tenant_id,
        published_at=record.published_at or utcnow(),
    )


def _index_products(services: Any, tenant_id: str) -> None:
    """Make the new products searchable by the knowledge base when one is open (else search reads the
    store's full-text index, which already has them)."""
    knowledge = services.knowledge
    if knowledge is None:
        return
    from knowledge.ingest import ingest_tenant_products

    try:
        ingest_tenant_products(knowledge.backend, knowledge.embedder, services.store, tenant_id)
    except Exception:  # search falls back to the store's own when the index lacks them
        logger.warning("published products not indexed", exc_info=True, extra={"tenant_id": tenant_id})


# -- helpers ------------------------------------------------------------------------------------------


def _request(state: SitegenState) -> SiteRequest:
    fields = ("description", "language", "business_name", "phone", "city", "auto_approve")
    try:
        return SiteRequest.model_validate({key: state[key] for key in fields if state.get(key) is not None})  # type: ignore[literal-required]
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"the site request is not valid: {where}: {first['msg']}") from None


def _ensure_record(context: AppContext, state: SitegenState, request: SiteRequest) -> SiteRecord:
    store = context.services.store.sites
    site_id = state.get("site_id")
    if site_id:
        record = store.get(site_id)
        if record is None:
            raise NotFound(f"site {site_id!r} not found", {"site_id": site_id})
        return record
    thread = str(get_config().get("configurable", {}).get("thread_id") or "")
    record = SiteRecord(
        id=_site_id(thread),
        owner_tenant_id=context.tenant_id,
        owner_user_id=context.user_id,
        thread_id=thread or None,
        request=request.model_dump(mode="json", exclude_none=True),
    )
    existing = store.get(record.id)
    if existing is not None:  # this node ran before in this thread (a retried step)
        return existing
    saved = store.save(record, 0)
    get_stream_writer()({"site": {"site_id": saved.id, "status": saved.status.value}})
    return saved


def _site_id(thread: str) -> str:
    if not thread:
        return new_id("site")
    return "site_" + hashlib.sha256(thread.encode()).hexdigest()[:20]


def _update(context: AppContext, site_id: str, **changes: Any) -> SiteRecord:
    """Save `changes` on the record, re-reading it on a concurrent update."""
    sites = context.services.store.sites
    for _ in range(5):
        record = sites.get(site_id)
        if record is None:
            raise NotFound(f"site {site_id!r} not found", {"site_id": site_id})
        try:
            return sites.save(record.model_copy(update=changes), record.version)
        except VersionConflict:
            time.sleep(0.01)
    raise VersionConflict("the site record is contended; try again", {"site_id": site_id})


def _model_sector(context: AppContext, description: str) -> SectorGuess:
    request = task_message(
        TextTask.SITE_SECTOR, SiteSectorContext(description=description, sectors=list(SECTORS))
    )
    guess: SectorGuess = context.services.model.with_structured_output(SectorGuess).invoke([request])
    return guess


def _model_proposal(context: AppContext, facts: SiteSpecContext) -> SiteProposal:
    proposal: SiteProposal = context.services.model.with_structured_output(SiteProposal).invoke(
        [task_message(TextTask.SITE_SPEC, facts)]
    )
    return proposal


def _model_copy(context: AppContext, facts: SiteCopyContext) -> SiteCopy:
    copy: SiteCopy = context.services.model.with_structured_output(SiteCopy).invoke(
        [task_message(TextTask.SITE_COPY, facts)]
    )
    return copy


def _first_decision(answer: Any) -> dict[str, Any]:
    if isinstance(answer, dict):
        decisions = answer.get("decisions")
        if isinstance(decisions, list) and decisions and isinstance(decisions[0], dict):
            return decisions[0]
    return {"type": "reject"}


def _describe(site: SiteSpec, state: SitegenState) -> str:
    prices = [product.price_inr for product in site.products]
    label = sector_profile(site.sector).label.en
    text = (
        f"{site.business_name} ({label}, {site.language}): {len(site.products)} products from "
        f"{rupees(min(prices))} to {rupees(max(prices))}, delivery {site.delivery_time} to "
        f"{', '.join(site.delivery_areas)}. Approve to build the pages, edit any field, or reject with a "
        "note."
    )
    notes = state.get("spec_notes") or []
    if notes:
        text += " Notes: " + "; ".join(notes) + "."
    if state.get("review_error"):
        text += f" Your last edit was not applied: {state['review_error']}."
    return text


def _result(
    state: SitegenState,
    status: SiteStatus,
    message: str,
    *,
    record: SiteRecord | None = None,
    passed: bool | None = None,
) -> dict[str, Any]:
    site = state.get("spec") or {}
    return SitegenResult(
        site_id=state["site_id"],
        status=status,
        sector=state.get("sector"),
        business_name=site.get("business_name"),
        passed=passed,
        tenant_id=record.tenant_id if record else None,
        url=f"/sites/{state['site_id']}/",
        message=message,
    ).model_dump(mode="json")


builder = StateGraph(
    SitegenState, input_schema=SitegenInput, output_schema=SitegenOutput, context_schema=GraphContext
)
builder.add_node("detect_sector", detect_sector)
builder.add_node("ask_sector", ask_sector)
builder.add_node("spec", spec)
builder.add_node("review", review)
builder.add_node("pages", pages)
builder.add_node("images", images)
builder.add_node("assemble", assemble)
builder.add_node("validate", validate)
builder.add_node("save_draft", save_draft)
builder.add_node("publish", publish)
builder.add_edge(START, "detect_sector")
builder.add_edge("pages", "images")
builder.add_edge("images", "assemble")
builder.add_edge("assemble", "validate")
builder.add_edge("publish", END)
graph = builder.compile(name="sitegen")
