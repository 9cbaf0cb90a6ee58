"""The decision graph: the one purchase a shopper can be most confident about, or an honest "none yet".

    scan -> retrieve -> candidates -> score -> filter -> explain

Photos never enter this graph: the scan routes measure them in memory and pass only the allow-listed
attributes in (`scan`); without them the `scan` node reads the shopper's stored attributes (consent
permitting). Numbers come from core.decision; only the explanations come from the model router.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.schemas import FitExplanationContext
from agents.text_tasks import TextTask, task_message
from core.context import AppContext
from core.decision.calibration import IsotonicCalibration, PlattCalibration, load_calibration
from core.decision.feedback import SizeAdjustment, SizeLearner
from core.decision.filtering import FilterRules, ScoredCandidate, Selection, select
from core.decision.footwear import FootMeasurements, score_shoe
from core.decision.guidance import SCAN_FOR_CATEGORY, GuidanceFacts, guidance_for
from core.decision.results import DecisionResult, EliminationSummary, Recommendation
from core.decision.skincare import score_skincare, skin_profile
from core.privacy import ScanKind, stored_attributes
from core.schemas import Product, ProductQuery
from knowledge.sizing.charts import curated_library

MAX_CANDIDATES = 200
SCORED_CATEGORIES = {"footwear", "skincare"}
UNKNOWN_SIGMA_MM = 3.0
"""Assumed foot-length uncertainty for stored measurements that predate sigmas."""


class DecisionInput(TypedDict, total=False):
    user_id: str
    category: str
    budget_inr: Decimal | None
    region: str | None
    scan: dict[str, Any] | None


class Candidate(TypedDict):
    product: Product
    in_stock_sizes: list[str]
    adjustment: SizeAdjustment


class DecisionState(DecisionInput, total=False):
    attributes: dict[str, Any] | None
    attributes_source: str | None
    charts: dict[str, str]
    candidates: list[Candidate]
    scored: list[ScoredCandidate]
    selection: Selection
    guidance: list[str]
    result: DecisionResult


def scan(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """The shopper's measurements: from this request's scan, else stored ones."""
    if state.get("scan"):
        return {"attributes": state["scan"], "attributes_source": "scan"}
    kind = SCAN_FOR_CATEGORY.get(state["category"])
    context = runtime.context
    if kind is None:
        return {"attributes": None, "attributes_source": None}
    stored = stored_attributes(context.services.store, context.tenant_id, state["user_id"], ScanKind(kind))
    return {"attributes": stored, "attributes_source": "stored" if stored else None}


def retrieve(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """The brand size charts the knowledge base holds for this category (brand -> chart id)."""
    if state["category"] != "footwear":
        return {"charts": {}}
    return {"charts": _footwear_chart_ids()}


@lru_cache(maxsize=1)
def _footwear_chart_ids() -> dict[str, str]:
    """The curated charts ship with the package, so they are read once per process."""
    return {brand: chart.id for brand, chart in curated_library().footwear.items()}


def candidates(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """The category's products with the sizes in stock in the shopper's region and their learned offsets."""
    if not state.get("attributes"):
        return {"candidates": []}
    context = runtime.context
    store = context.services.store
    page = store.products.search(context.tenant_id, ProductQuery(category=state["category"], page_size=100))
    products = list(page.items)
    while len(products) < min(page.total, MAX_CANDIDATES):
        page = store.products.search(
            context.tenant_id, ProductQuery(category=state["category"], page=page.page + 1, page_size=100)
        )
        products.extend(page.items)
    region = state.get("region")
    learner = SizeLearner(store)
    found: list[Candidate] = []
    for product in products[:MAX_CANDIDATES]:
        stock = store.inventory.list_for_product(context.tenant_id, product.id)
        in_stock = sorted({row.size for row in stock if row.available > 0 and region in (None, row.region)})
        adjustment = learner.adjustment(context.tenant_id, product.id, product.brand)
        found.append(Candidate(product=product, in_stock_sizes=in_stock, adjustment=adjustment))
    return {"candidates": found}


def score(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """Fit probability (footwear) or ingredient compatibility (skincare) per product, combined into a
    calibrated confidence."""
    attributes = state.get("attributes")
    if not attributes or state["category"] not in SCORED_CATEGORIES:
        return {"scored": []}
    calibration = load_calibration()
    if state["category"] == "skincare":
        return {"scored": _score_skincare(state["candidates"], attributes, calibration)}
    foot = FootMeasurements(
        length_mm=attributes["length_mm"],
        width_mm=attributes.get("width_mm"),
        length_sigma_mm=attributes.get("length_sigma_mm") or UNKNOWN_SIGMA_MM,
    )
    scored = [
        scored_shoe
        for candidate in state["candidates"]
        if (
            scored_shoe := score_shoe(
                candidate["product"], foot, candidate["adjustment"], candidate["in_stock_sizes"], calibration
            )
        )
        is not None
    ]
    return {"scored": scored}


def _score_skincare(
    candidates: list[Candidate],
    attributes: dict[str, Any],
    calibration: PlattCalibration | IsotonicCalibration,
) -> list[ScoredCandidate]:
    profile = skin_profile(attributes)
    if profile is None:
        return []
    return [
        score_skincare(candidate["product"], profile, candidate["in_stock_sizes"], calibration)
        for candidate in candidates
    ]


def filter_(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """Drop < 0.75, out of stock, over budget; at most 2 per brand; 3-5 or none, with guidance."""
    budget = state.get("budget_inr")
    scored = state.get("scored", [])
    selection = select(scored, FilterRules(budget_inr=budget))
    attributes = state.get("attributes") or {}
    if attributes and state["category"] not in SCORED_CATEGORIES:
        category = state["category"]
        guidance = [f"We cannot yet size {category} products with confidence; try footwear or skincare."]
        return {"selection": selection, "guidance": guidance}
    facts = GuidanceFacts(
        category=state["category"],
        region=state.get("region"),
        budget_inr=budget,
        has_attributes=bool(attributes),
        measurement_sigma_mm=attributes.get("length_sigma_mm"),
        scan_issues=tuple(attributes.get("issues", ())),
        candidates_considered=len(state.get("candidates", [])),
        cheapest_over_budget_inr=min(
            (item.price_inr for item in scored if budget is not None and item.price_inr > budget),
            default=None,
        ),
    )
    guidance = guidance_for(selection, facts)
    return {"selection": selection, "guidance": guidance}


async def explain(state: DecisionState, runtime: Runtime[AppContext]) -> DecisionState:
    """One explanation per recommendation, written through the model router from the cited evidence."""
    chosen = state["selection"].chosen
    messages = [
        [
            task_message(
                TextTask.FIT_EXPLANATION,
                FitExplanationContext(
                    product_name=item.name,
                    brand=item.brand,
                    size=item.size,
                    confidence=item.confidence,
                    price_inr=float(item.price_inr),
                    reasons=list(item.reasons),
                    cautions=list(item.cautions),
                ),
            )
        ]
        for item in chosen
    ]
    replies = await asyncio.gather(*(runtime.context.services.model.ainvoke(message) for message in messages))
    recommendations: list[Recommendation] = []
    for item, reply in zip(chosen, replies, strict=True):
        explanation = reply.text
        runtime.stream_writer({"explanation": {"product_id": item.product_id, "text": explanation}})
        recommendations.append(
            Recommendation(
                product_id=item.product_id,
                name=item.name,
                brand=item.brand,
                price_inr=item.price_inr,
                size=item.size,
                confidence=round(item.confidence, 4),
                factors=item.factors,
                explanation=explanation,
                citations=list(item.citations),
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


builder = StateGraph(DecisionState, input_schema=DecisionInput, context_schema=AppContext)
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
