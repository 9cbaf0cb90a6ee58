"""The decision graph: the one purchase a shopper can be most confident about, or an honest "none yet".

    scan -> retrieve -> candidates -> score -> filter -> explain

Photos never enter this graph: the scan routes measure them in memory and pass only the allow-listed
attributes in (`scan`); without them the `scan` node reads the shopper's stored attributes (consent
permitting). The shopper's preferences (men's or women's products, a fit for clothes) come with the request,
else from their stored profile; products for others are not considered. Numbers come from domain.decision;
only the explanations come from the model router. When a knowledge base is open, `retrieve` adds its size
guides or skincare articles (hybrid search) to the citations; without one, or when it fails,
recommendations cite only the chart rows and ingredient rules. Each recommendation lists its citations as
ids and as titled links (`sources`).

POST /v1/recommendations answers a repeated question from a result cache (graphs/decision_cache.py) keyed by
everything these nodes read: a node that comes to read something new must add it to that key.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from langchain_core.language_models import BaseChatModel
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from typing_extensions import (
    TypedDict,  # pydantic reads graph schemas (Studio, the API) only from this one on 3.11
)

from agents.schemas import FitExplanationContext, FitExplanations, FitExplanationsContext
from agents.text_tasks import TextTask, task_message
from core.context import AppContext
from core.privacy import ScanKind, stored_attributes
from core.schemas import Product, ProductQuery
from core.storage.repositories import DataVersions, Store
from domain.decision.apparel import ApparelFits, body_measurements, score_garment
from domain.decision.calibration import IsotonicCalibration, PlattCalibration, load_calibration
from domain.decision.citations import cited_sources
from domain.decision.feedback import SizeAdjustment, SizeLearner
from domain.decision.filtering import FilterRules, ScoredCandidate, Selection, select
from domain.decision.footwear import FootMeasurements, FootwearFits, score_shoes
from domain.decision.guidance import SCAN_FOR_CATEGORY, GuidanceFacts, guidance_for, shortfalls
from domain.decision.preferences import PROFILE_KEY, ShopperPreferences
from domain.decision.results import DecisionResult, EliminationSummary, Recommendation
from domain.decision.skincare import score_skincare, skin_profile
from domain.decision.stock import RegionStock, stock_not_read
from graphs.context import GraphContext, run_context
from graphs.services import Services
from knowledge.embeddings import Embedder
from knowledge.search.documents import DocType, SearchFilters, SearchMode
from knowledge.sizing.charts import curated_library
from tools.retrieval import NODE_RESULTS, passage

if TYPE_CHECKING:
    from knowledge.search.service import KnowledgeBase

logger = logging.getLogger("pakka.decision")

MAX_CANDIDATES = 200
UNKNOWN_SIGMA_MM = 3.0
"""Assumed foot-length uncertainty for stored measurements that predate sigmas."""
GUIDE_TYPES = [DocType.ARTICLE, DocType.FIT_RULE]
"""What a recommendation cites besides the chart rows or ingredient rules it was scored on: the knowledge
base's guides (size guides, skincare articles) and the fit rules of its brand."""
GUIDE_QUESTIONS = {
    "footwear": "how to measure your foot at home and choose the right shoe size and width",
    "apparel": "how to measure your body and choose the right clothing size and fit type",
}
CITED_GUIDES = 2
GENDERED_CATEGORIES = ("footwear", "apparel")
"""Categories whose products are made for men or women: a stored gender preference is read for them."""


class DecisionInput(TypedDict, total=False):
    user_id: str
    category: str
    budget_inr: Decimal | None
    region: str | None
    scan: dict[str, Any] | None
    gender: str | None
    """"men" or "women": only their products and unisex ones (else the stored preference, else all)."""
    fit: str | None
    """Apparel: "slim", "regular" or "relaxed" (else the stored preference, else regular)."""


class DecisionOutput(TypedDict):
    """The answer clients receive (the registry's output schema; the final state also holds the work)."""

    result: DecisionResult


class Candidate(TypedDict):
    product: Product
    adjustment: SizeAdjustment


Pairing = tuple[Product, SizeAdjustment]


class DecisionState(DecisionInput, total=False):
    attributes: dict[str, Any] | None
    attributes_source: str | None
    preferences: ShopperPreferences
    charts: dict[str, str]
    guides: list[dict[str, Any]]
    candidates: list[Candidate]
    scored: list[ScoredCandidate]
    selection: Selection
    guidance: list[str]
    result: DecisionResult


@dataclass(kw_only=True)
class KnownShopperContext(AppContext):
    """A run context that brings what the result cache read before the run (graphs/decision_cache.py): the
    tenant's change counters and the shopper's inputs for this very request (`shopper_inputs`), so that
    `scan` and `candidates` do not read them a second time."""

    versions: DataVersions
    shopper: DecisionState


async def scan(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """The shopper's measurements (from this request's scan, else stored ones) and preferences (from the
    request, else their stored profile).

    Async so that a run whose context already holds them (`KnownShopperContext`) costs no thread hop; they
    are read on a worker thread otherwise."""
    context = run_context(runtime)
    if isinstance(context, KnownShopperContext):
        return dict(context.shopper)  # type: ignore[return-value]
    return await asyncio.to_thread(shopper_inputs, state, context)


def shopper_inputs(state: DecisionInput, context: AppContext) -> DecisionState:
    """What `scan` adds to the state: `attributes`, `attributes_source` and `preferences`. Also what the
    result cache keys answers on (graphs/decision_cache.py): a node that reads anything else about the
    shopper must add it there too."""
    preferences = _preferences(state, context)
    if state.get("scan"):
        return {"attributes": state["scan"], "attributes_source": "scan", "preferences": preferences}
    kind = SCAN_FOR_CATEGORY.get(state["category"])
    if kind is None:
        return {"attributes": None, "attributes_source": None, "preferences": preferences}
    stored = stored_attributes(context.services.store, context.tenant_id, state["user_id"], ScanKind(kind))
    return {
        "attributes": stored,
        "attributes_source": "stored" if stored else None,
        "preferences": preferences,
    }


def _preferences(state: DecisionInput, context: AppContext) -> ShopperPreferences:
    """The request's preferences; the stored profile is read only for what the request leaves unstated and
    the category needs (a gender for shoes and clothes, a fit for clothes)."""
    stated = {"gender": state.get("gender"), "fit": state.get("fit")}
    category = state["category"]
    wanted = (category in GENDERED_CATEGORIES and not stated["gender"]) or (
        category == "apparel" and not stated["fit"]
    )
    stored: dict[str, Any] | None = None
    if wanted and state.get("user_id"):
        user = context.services.store.users.get(context.tenant_id, state["user_id"])
        remembered = None if user is None else user.attributes.get(PROFILE_KEY)
        stored = remembered if isinstance(remembered, dict) else None
    return ShopperPreferences.of(stated, stored)


async def retrieve(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """The brand size charts for this category (brand -> chart id), and the knowledge base's size guides or
    ingredient articles to cite (hybrid search; none when there is no knowledge base or it fails).

    Async so that a request with nothing to search, or whose search was kept (`Services.kept_guides`), costs
    no thread hop; a search runs on a worker thread."""
    charts = _footwear_chart_ids() if state["category"] == "footwear" else {}
    question = _guide_question(state) if state.get("attributes") else None
    services = run_context(runtime).services
    knowledge = services.knowledge
    if question is None or knowledge is None:
        return {"charts": charts, "guides": []}
    filters = SearchFilters(
        tenant_id=run_context(runtime).tenant_id, category=state["category"], doc_types=GUIDE_TYPES
    )
    key = (question, filters.tenant_id, filters.category)
    answers = services.answers
    guides = services.kept_guides.get(knowledge, key, answers.ttl_s) if answers.enabled else None
    if guides is None:
        guides = await asyncio.to_thread(_guides, knowledge, question, filters)
        if guides is not None and answers.enabled:
            services.kept_guides.put(knowledge, key, guides)
    return {"charts": charts, "guides": guides or []}


def _footwear_chart_ids() -> dict[str, str]:
    """Brand -> chart id of the curated footwear charts."""
    return {brand: chart.id for brand, chart in curated_library().footwear.items()}


def _guide_question(state: DecisionState) -> str | None:
    category = state["category"]
    if category == "skincare":
        attributes = state.get("attributes") or {}
        skin_type = attributes.get("skin_type")
        if not skin_type:
            return None
        concerns = " and ".join(str(concern) for concern in attributes.get("concerns", []))
        with_concerns = f" with {concerns}" if concerns else ""
        sensitive = "sensitive " if attributes.get("sensitivity") in ("medium", "high") else ""
        wanted = f"skincare for {sensitive}{skin_type} skin{with_concerns}"
        return f"{wanted}: ingredients to look for and to avoid"
    return GUIDE_QUESTIONS.get(category)


def _guides(knowledge: KnowledgeBase, question: str, filters: SearchFilters) -> list[dict[str, Any]] | None:
    """The guides the knowledge base finds for the question; None when the search failed."""
    try:
        vector = None if knowledge.embedder is None else guide_question_vector(knowledge.embedder, question)
        mode = SearchMode.LEXICAL if vector is None else SearchMode.HYBRID
        hits = knowledge.backend.search(question, vector, filters, k=NODE_RESULTS, mode=mode)
    except Exception:
        logger.warning("knowledge search failed; recommending without guide citations", exc_info=True)
        return None
    return [passage(hit) for hit in hits]


@lru_cache(maxsize=256)
def guide_question_vector(embedder: Embedder, question: str) -> np.ndarray:
    """The guide questions are fixed per category (per skin type for skincare), so each is embedded once per
    process: embedding a query costs over a hundred times what the hybrid search itself does."""
    vector: np.ndarray = embedder.embed([question])[0]
    return vector


def candidates(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """The category's products with their learned size offsets (`category_candidates`), those for the
    shopper's stated or stored gender."""
    if not state.get("attributes"):
        return {"candidates": []}
    context = run_context(runtime)
    preferences = state.get("preferences") or ShopperPreferences()
    versions = context.versions if isinstance(context, KnownShopperContext) else None
    pairs = category_candidates(context.services, context.tenant_id, state["category"], versions)
    found = [
        Candidate(product=item, adjustment=adjustment)
        for item, adjustment in pairs
        if preferences.admits(item)
    ]
    return {"candidates": found}


def category_candidates(
    services: Services, tenant_id: str, category: str, known_versions: DataVersions | None = None
) -> list[Pairing]:
    """The category's first MAX_CANDIDATES products, each with its learned size offset.

    With the result cache on (graphs/decision_cache.py), kept per store under the tenant's product and offset
    change counters (`known_versions` when the caller read them, else read first, as the result cache reads
    them) and for at most the cache's time bound: the same list is read again only once a product or an
    offset was written (or the time ran out), instead of once per question. Callers only read it."""
    store = services.store
    answers = services.answers
    if not answers.enabled:
        return _read_candidates(store, tenant_id, category)
    versions = known_versions or store.versions.get(tenant_id)
    key = (tenant_id, category, versions.products, versions.offsets)
    found = services.kept_catalogs.get(store, key, answers.ttl_s)
    if found is None:
        found = _read_candidates(store, tenant_id, category)
        services.kept_catalogs.put(store, key, found)
    return found


def _read_candidates(store: Store, tenant_id: str, category: str) -> list[Pairing]:
    page = store.products.search(tenant_id, ProductQuery(category=category, page_size=100))
    products = list(page.items)
    while len(products) < min(page.total, MAX_CANDIDATES):
        page = store.products.search(
            tenant_id, ProductQuery(category=category, page=page.page + 1, page_size=100)
        )
        products.extend(page.items)
    products = products[:MAX_CANDIDATES]
    adjustments = SizeLearner(store).adjustments(tenant_id, [(item.id, item.brand) for item in products])
    return list(zip(products, adjustments, strict=True))


Calibration = PlattCalibration | IsotonicCalibration


def score(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """Fit probability (footwear, apparel) or ingredient compatibility (skincare) per product at its best
    size, combined into a calibrated confidence; then that size's stock in the shopper's region, read for
    every product in one batch."""
    attributes = state.get("attributes")
    scorer = SCORERS.get(state["category"])
    if not attributes or scorer is None:
        return {"scored": []}
    context = run_context(runtime)
    preferences = state.get("preferences") or ShopperPreferences()
    stock = RegionStock(context.services.store, context.tenant_id, state.get("region"))
    scored = scorer(
        state["candidates"], attributes, load_calibration(category=state["category"]), preferences, stock
    )
    return {"scored": scored}


def _score_footwear(
    candidates: list[Candidate],
    attributes: dict[str, Any],
    calibration: Calibration,
    preferences: ShopperPreferences,
    stock: RegionStock,
) -> list[ScoredCandidate]:
    """Each shoe at its most likely size (its first equally likely size in stock, `score_shoes`)."""
    foot = FootMeasurements(
        length_mm=attributes["length_mm"],
        width_mm=attributes.get("width_mm"),
        length_sigma_mm=attributes.get("length_sigma_mm") or UNKNOWN_SIGMA_MM,
        width_sigma_mm=attributes.get("width_sigma_mm") or None,
    )
    return score_shoes(_pairs(candidates), foot, stock.available, calibration, FootwearFits(foot))


def _score_apparel(
    candidates: list[Candidate],
    attributes: dict[str, Any],
    calibration: Calibration,
    preferences: ShopperPreferences,
    stock: RegionStock,
) -> list[ScoredCandidate]:
    body = body_measurements(attributes)
    if not body:
        return []
    fits = ApparelFits(body, preferred_fit=preferences.fit)
    scored = (
        score_garment(product, fits, adjustment, stock_not_read, calibration)
        for product, adjustment in _pairs(candidates)
    )
    return stock.settle([item for item in scored if item is not None], _sizes_of(candidates))


def _score_skincare(
    candidates: list[Candidate],
    attributes: dict[str, Any],
    calibration: Calibration,
    preferences: ShopperPreferences,
    stock: RegionStock,
) -> list[ScoredCandidate]:
    profile = skin_profile(attributes)
    if profile is None:
        return []
    scored = [
        score_skincare(product, profile, stock_not_read, calibration) for product, _ in _pairs(candidates)
    ]
    return stock.settle(scored, _sizes_of(candidates))


def _sizes_of(candidates: list[Candidate]) -> dict[str, list[str]]:
    """Each candidate's listed sizes, by product id (the stock of a product scored without a size)."""
    return {candidate["product"].id: candidate["product"].sizes for candidate in candidates}


def _pairs(candidates: list[Candidate]) -> list[Pairing]:
    return [(candidate["product"], candidate["adjustment"]) for candidate in candidates]


Scorer = Callable[
    [list[Candidate], dict[str, Any], Calibration, ShopperPreferences, RegionStock], list[ScoredCandidate]
]
"""Scores a category's candidates for the shopper, each with its stock in the region read
(`RegionStock.settle`, or in one batch of its own)."""
SCORERS: dict[str, Scorer] = {
    "footwear": _score_footwear,
    "apparel": _score_apparel,
    "skincare": _score_skincare,
}


async def filter_(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """Drop < 0.75, out of stock, over budget; at most 2 per brand; 3-5 or none, with guidance. Pure
    computation, so async: it runs on the event loop instead of hopping to a worker thread."""
    budget = state.get("budget_inr")
    scored = state.get("scored", [])
    rules = FilterRules(budget_inr=budget)
    selection = select(scored, rules)
    attributes = state.get("attributes") or {}
    category = state["category"]
    if attributes and category not in SCORERS:
        guidance = [
            f"We cannot yet size {category} products with confidence; try footwear, apparel or skincare."
        ]
        return {"selection": selection, "guidance": guidance}
    usable = bool(body_measurements(attributes)) if category == "apparel" else bool(attributes)
    facts = GuidanceFacts(
        category=category,
        region=state.get("region"),
        budget_inr=budget,
        has_attributes=usable,
        measurement_sigma_mm=attributes.get("length_sigma_mm"),
        body_sigma_cm=_body_sigma_cm(attributes) if category == "apparel" else None,
        scan_issues=tuple(attributes.get("issues", ())),
        candidates_considered=len(state.get("candidates", [])),
        cheapest_over_budget_inr=min(
            (item.price_inr for item in scored if budget is not None and item.price_inr > budget),
            default=None,
        ),
        shortfalls={} if selection.chosen else shortfalls(scored, rules),
        gender=(state.get("preferences") or ShopperPreferences()).gender,
    )
    guidance = guidance_for(selection, facts)
    return {"selection": selection, "guidance": guidance}


def _body_sigma_cm(attributes: dict[str, Any]) -> float | None:
    """The largest uncertainty of the stored chest, waist and hip (None when none is stored)."""
    sigmas = [
        float(value)
        for name in ("chest_sigma", "waist_sigma", "hip_sigma")
        if isinstance(value := attributes.get(name), int | float)
    ]
    return max(sigmas, default=None)


async def explain(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """One explanation per recommendation, all written in one call through the model router (a structured
    list), each from its own evidence: the chart rows or ingredient rules it was scored on, and the knowledge
    base's guide for the category. A product the answer leaves out is explained on its own."""
    chosen = state["selection"].chosen
    guides = state.get("guides", [])
    facts = [
        FitExplanationContext(
            product_id=item.product_id,
            product_name=item.name,
            brand=item.brand,
            size=item.size,
            confidence=round(item.confidence, 2),
            price_inr=float(item.price_inr),
            reasons=[*item.reasons, *_guide_reasons(guides, item)],
            cautions=list(item.cautions),
        )
        for item in chosen
    ]
    explanations = await _explanations(run_context(runtime).services.model, facts)
    recommendations: list[Recommendation] = []
    for item in chosen:
        explanation = explanations[item.product_id]
        runtime.stream_writer({"explanation": {"product_id": item.product_id, "text": explanation}})
        citations = _citations(item, guides)
        recommendations.append(
            Recommendation(
                product_id=item.product_id,
                name=item.name,
                brand=item.brand,
                price_inr=item.price_inr,
                size=item.size,
                confidence=round(item.confidence, 4),
                factors=item.factors.rounded(),
                explanation=explanation,
                citations=citations,
                sources=cited_sources(citations, guides),
            )
        )
    eliminated = state["selection"].eliminated
    result = DecisionResult(
        recommendations=recommendations,
        eliminated=EliminationSummary(count=sum(eliminated.values()), reasons=eliminated),
        guidance=state["guidance"],
        attributes_source=state.get("attributes_source"),
    )
    return {"result": result}


async def _explanations(model: BaseChatModel, facts: list[FitExplanationContext]) -> dict[str, str]:
    """Explanation text by product id: one structured call for the whole list, then one plain call for each
    product the answer skipped or left blank."""
    if not facts:
        return {}
    explainer = model.with_structured_output(FitExplanations)
    answer = await explainer.ainvoke(
        [task_message(TextTask.FIT_EXPLANATIONS, FitExplanationsContext(items=facts))]
    )
    wanted = {item.product_id for item in facts}
    explained = {
        written.product_id: written.text.strip()
        for written in cast(FitExplanations, answer).explanations
        if written.product_id in wanted and written.text.strip()
    }
    missing = [item for item in facts if item.product_id not in explained]
    replies = await asyncio.gather(
        *(model.ainvoke([task_message(TextTask.FIT_EXPLANATION, item)]) for item in missing)
    )
    for item, reply in zip(missing, replies, strict=True):
        explained[str(item.product_id)] = reply.text
    return explained


def _cited_guides(guides: list[dict[str, Any]], item: ScoredCandidate) -> list[dict[str, Any]]:
    """The best guides that apply to this product: general ones, and those about its own brand."""
    return [guide for guide in guides if guide.get("brand") in (None, "", item.brand)][:CITED_GUIDES]


def _guide_reasons(guides: list[dict[str, Any]], item: ScoredCandidate) -> list[str]:
    """The best applicable guide, by its title, for the explanation to point the shopper to."""
    return [f'our guide "{guide["title"]}" explains more' for guide in _cited_guides(guides, item)[:1]]


def _citations(item: ScoredCandidate, guides: list[dict[str, Any]]) -> list[str]:
    cited = list(item.citations)
    cited += [guide["source_id"] for guide in _cited_guides(guides, item) if guide["source_id"] not in cited]
    return cited


builder = StateGraph(DecisionState, input_schema=DecisionInput, context_schema=GraphContext)
builder.add_node("scan", scan)
builder.add_node("retrieve", retrieve)
builder.add_node("candidates", candidates)
builder.add_node("score", score)
builder.add_node("filter", filter_)
builder.add_node("explain", explain)
builder.add_edge(START, "scan")
builder.add_edge("scan", "retrieve")
builder.add_edge("retrieve", "candidates")
builder.add_edge("candidates", "score")
builder.add_edge("score", "filter")
builder.add_edge("filter", "explain")
builder.add_edge("explain", END)
graph = builder.compile(name="decision")
