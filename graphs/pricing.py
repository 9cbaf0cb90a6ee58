"""The pricing graph: what a merchant should charge, from what similar items actually sold for.

    identify -> comparables -> assess -> estimate -> analyst -> validate -> explain
                                                        ^           |
                                                        +-----------+  (problems, at most twice)

Numbers come from domain.pricing (comparables, estimate, photo condition); the analyst, validation and
explanation agents speak through the model router (`services.model`). Photos stay in memory in the state.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Literal

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from typing_extensions import (
    TypedDict,  # pydantic reads graph schemas (Studio, the API) only from this one on 3.11
)

from agents.pricing.analyst import review
from agents.pricing.explainer import explain as write_note
from agents.pricing.money import money, money_range
from agents.pricing.schemas import PriceCheckContext, PriceReviewContext, review_amounts
from agents.pricing.validator import Proposal, check_rules, finalise
from agents.pricing.validator import validate as validate_proposal
from agents.schemas import MerchantNoteContext
from core.context import AppContext
from domain.pricing.comparables import ComparableSearch, ListingQuery, weighted
from domain.pricing.condition import ConditionAssessment, assess_condition
from domain.pricing.errors import NoSalesHistory
from domain.pricing.estimate import HistoryFactors, PriceEstimate, estimate_price
from domain.pricing.live_index import IndexSnapshot, LiveComparables
from domain.pricing.photos import body_detectors
from domain.pricing.suggestion import (
    ComparableSale,
    HistoryUsed,
    PriceAdjustment,
    PriceRange,
    PriceSuggestion,
    SuggestionRequest,
)
from graphs.context import GraphContext, run_context

MAX_SEND_BACKS = 2


class PricingInput(TypedDict, total=False):
    request: SuggestionRequest
    now: datetime
    """The pricing moment when the caller fixes it (as `as_of` does); default: the newest sale."""


class PricingOutput(TypedDict):
    """The answer clients receive (the registry's output schema; the final state also holds the work)."""

    result: PriceSuggestion


class PricingState(PricingInput, total=False):
    search: ComparableSearch
    history: HistoryFactors
    history_used: HistoryUsed
    condition: ConditionAssessment | None
    estimate: PriceEstimate
    price: float
    analyst_factor: float
    analyst_reasons: list[str]
    justification: str | None
    problems: list[str]
    target_price: float | None
    send_backs: int
    approved: bool
    final_price: float
    final_confidence: float
    validator_notes: list[str]
    result: PriceSuggestion


def _query(request: SuggestionRequest) -> ListingQuery:
    return ListingQuery(
        title=request.title,
        category=request.category,
        brand=request.brand,
        description=request.description,
        currency=request.currency,
        condition=request.condition.value,
    )


async def identify(state: PricingState, runtime: Runtime[AppContext]) -> PricingState:
    """The pricing moment, when the request (or the caller) fixes one; else it is the newest sale of the
    shop's history, which the comparables step reads."""
    moment = state["request"].as_of or state.get("now")
    return {"now": moment, "send_backs": 0} if moment is not None else {"send_backs": 0}


def _search(
    live: LiveComparables, tenant_id: str, query: ListingQuery, moment: datetime | None
) -> tuple[ComparableSearch, HistoryFactors, IndexSnapshot]:
    """One read of the tenant's index for the whole run: comparables and history come from the same one."""
    snapshot = live.snapshot(tenant_id)
    index = snapshot.index.until(tenant_id, moment) if moment is not None else snapshot.index
    search = index.find(tenant_id, query, as_of=moment)
    return search, index.history(tenant_id, query.currency), snapshot


async def comparables(state: PricingState, runtime: Runtime[AppContext]) -> PricingState:
    """Similar sold items (similarity > 0.60, narrowest category scope with enough, top 20) from an index that
    holds every sale stored when the request came (waiting for it when sales are being indexed: see
    domain/pricing/live_index.py); sales after the pricing moment are left out."""
    context = run_context(runtime)
    search, history, snapshot = await asyncio.to_thread(
        _search,
        context.services.comparables,
        context.tenant_id,
        _query(state["request"]),
        state.get("now"),
    )
    used = HistoryUsed(
        as_of=search.as_of,
        sales=snapshot.sales,
        stored=snapshot.stored,
        considered=search.sales,
        index=snapshot.state,
        note=snapshot.note(),
    )
    update: PricingState = {"search": search, "history": history, "history_used": used}
    if search.as_of is not None:
        update["now"] = search.as_of
    return update


async def assess(state: PricingState, runtime: Runtime[AppContext]) -> PricingState:
    """Visual condition from the photos (blur, stains, defects), when there are any (in a worker thread);
    a photo that does not plausibly show the listed kind of item is ignored, and the reasons say so."""
    request = state["request"]
    if not request.photos:
        return {"condition": None}
    detectors = body_detectors()
    condition = await asyncio.to_thread(
        assess_condition, request.photos, request.category, faces=detectors.faces, hands=detectors.hands
    )
    return {"condition": condition}


async def estimate(state: PricingState, runtime: Runtime[AppContext]) -> PricingState:
    """Weighted comparable price blended with the shop's price model, with condition, season and photo
    adjustments; conformal range and confidence (a fraction of a millisecond: run inline rather than in a
    worker thread)."""
    request = state["request"]
    history = state["history"]
    if history.sales == 0 or state.get("now") is None:
        raise NoSalesHistory(
            f"no {request.currency} sales are recorded for this shop yet, so there is nothing to price from",
            {
                "currency": request.currency,
                "how_to_fix": "send product.listed and product.sold events to POST /v1/pricing/events, "
                "or load past sales with `pakka pricing import`",
            },
        )
    condition = state.get("condition")
    result = estimate_price(
        weighted(state["search"].comparables),
        category=request.category,
        condition=request.condition.value,
        now=state["now"],
        history=history,
        brand=request.brand,
        photo_log_factor=condition.log_factor if condition else 0.0,
        photo_reason="; ".join(condition.reasons) if condition else "",
        model_log_price=state["search"].model_log_price,
        currency=request.currency,
    )
    return {"estimate": result, "price": result.price}


async def analyst(state: PricingState, runtime: Runtime[AppContext]) -> PricingState:
    """The analyst agent moves the estimate by at most +/-15%, answering the validator's problems."""
    request, result = state["request"], state["estimate"]
    context = PriceReviewContext(
        title=request.title,
        category=request.category,
        condition=request.condition.value,
        currency=request.currency,
        price=result.price,
        p5=result.p5,
        p95=result.p95,
        confidence=result.confidence,
        comparables=len(state["search"].comparables),
        comparable_prices=[float(c.item.price) for c in state["search"].comparables[:10]],
        adjustments=[f"{a.kind} x{a.factor:.2f}: {a.reason}" for a in result.adjustments],
        validator_problems=state.get("problems", []),
        target_price=state.get("target_price"),
        amounts=review_amounts(
            request.currency,
            price=result.price,
            p5=result.p5,
            p95=result.p95,
            target_price=state.get("target_price"),
        ),
    )
    verdict = await review(run_context(runtime).services.model, context)
    return {
        "price": round(result.price * verdict.factor, 2),
        "analyst_factor": verdict.factor,
        "analyst_reasons": verdict.reasons,
        "justification": verdict.outside_range_justification,
    }


def _proposal(state: PricingState) -> Proposal:
    result = state["estimate"]
    return Proposal(
        price=state["price"],
        currency=state["request"].currency,
        estimate=result.price,
        p5=result.p5,
        p95=result.p95,
        confidence=result.confidence,
        comparables=len(state["search"].comparables),
        comparable_currencies=frozenset(c.item.currency for c in state["search"].comparables),
        justification=state.get("justification"),
    )


async def validate(state: PricingState, runtime: Runtime[AppContext]) -> PricingState:
    """Code rules, then the validation agent; the final price and confidence once approved or out of turns."""
    proposal = _proposal(state)
    findings = check_rules(proposal)
    context = PriceCheckContext(
        title=state["request"].title,
        currency=proposal.currency,
        price=proposal.price,
        estimate=proposal.estimate,
        p5=proposal.p5,
        p95=proposal.p95,
        confidence=proposal.confidence,
        comparables=proposal.comparables,
        analyst_factor=state["analyst_factor"],
        analyst_reasons=state["analyst_reasons"],
        rule_problems=list(findings.problems),
        amounts=review_amounts(
            proposal.currency,
            price=proposal.price,
            estimate=proposal.estimate,
            p5=proposal.p5,
            p95=proposal.p95,
        ),
    )
    verdict = await validate_proposal(run_context(runtime).services.model, context)
    send_backs = state.get("send_backs", 0)
    if not verdict.approved and send_backs < MAX_SEND_BACKS:
        return {
            "approved": False,
            "problems": verdict.problems,
            "target_price": findings.target_price,
            "send_backs": send_backs + 1,
        }
    price, confidence, notes = finalise(proposal)
    return {
        "approved": verdict.approved,
        "problems": verdict.problems,
        "final_price": price,
        "final_confidence": confidence,
        "validator_notes": notes,
    }


def _adjustments(state: PricingState) -> list[PriceAdjustment]:
    adjustments = [
        PriceAdjustment(kind=a.kind, factor=a.factor, reason=a.reason) for a in state["estimate"].adjustments
    ]
    factor = state["analyst_factor"]
    if abs(factor - 1.0) >= 0.005:
        reason = "; ".join(state["analyst_reasons"])
        adjustments.append(PriceAdjustment(kind="analyst", factor=round(factor, 4), reason=reason))
    rounding = state["final_price"] / state["price"] if state["price"] else 1.0
    if abs(rounding - 1.0) >= 0.0005:
        reason = "; ".join([*state["validator_notes"], "rounded to a price point"])
        adjustments.append(PriceAdjustment(kind="validation", factor=round(rounding, 4), reason=reason))
    return adjustments


def _cited(search: ComparableSearch, currency: str, limit: int = 3) -> list[str]:
    return [
        f"{c.item.title}, {money(float(c.item.price), currency)}, {c.item.sold_at:%d %b %Y} "
        f"(similarity {c.similarity:.2f})"
        for c in search.comparables[:limit]
    ]


async def explain(state: PricingState, runtime: Runtime[AppContext]) -> PricingState:
    """The merchant-facing note, citing the closest comparable sales; the suggestion as the API returns it."""
    request, result, search = state["request"], state["estimate"], state["search"]
    price = state["final_price"]
    scale = price / result.price if result.price else 1.0
    low, high = min(result.low * scale, price), max(result.high * scale, price)
    adjustments = _adjustments(state)
    note = MerchantNoteContext(
        title=request.title,
        suggested_price_inr=price,
        low_inr=round(low, 2),
        high_inr=round(high, 2),
        currency=request.currency,
        amounts={
            "price": money(price, request.currency),
            "range": money_range(low, high, request.currency),
        },
        confidence=state["final_confidence"],
        comparables=len(search.comparables),
        adjustments=[f"{a.kind} {a.factor - 1:+.0%}: {a.reason}" for a in adjustments],
        cited_sales=_cited(search, request.currency),
    )
    reply = await write_note(run_context(runtime).services.model, note)
    weights = result.weights
    suggestion = PriceSuggestion(
        price=price,
        currency=request.currency,
        range=PriceRange(low=round(low, 2), high=round(high, 2)),
        confidence=state["final_confidence"],
        comparables=[
            ComparableSale(
                id=c.item.listing_id,
                title=c.item.title,
                price=float(c.item.price),
                sold_at=c.item.sold_at,
                similarity=c.similarity,
                weight=weights[position] if position < len(weights) else 0.0,
            )
            for position, c in enumerate(search.comparables)
        ],
        adjustments=adjustments,
        explanation=reply.text,
        tier=(reply.response_metadata.get("pakka") or {}).get("tier"),
        history=state.get("history_used"),
    )
    return {"result": suggestion}


def after_validate(state: PricingState) -> Literal["analyst", "explain"]:
    """Back to the analyst while validate has not settled a final price (it settles after two send-backs)."""
    return "explain" if "final_price" in state else "analyst"


builder = StateGraph(PricingState, input_schema=PricingInput, context_schema=GraphContext)
builder.add_node("identify", identify)
builder.add_node("comparables", comparables)
builder.add_node("assess", assess)
builder.add_node("estimate", estimate)
builder.add_node("analyst", analyst)
builder.add_node("validate", validate)
builder.add_node("explain", explain)
builder.add_edge(START, "identify")
builder.add_edge("identify", "comparables")
builder.add_edge("comparables", "assess")
builder.add_edge("assess", "estimate")
builder.add_edge("estimate", "analyst")
builder.add_edge("analyst", "validate")
builder.add_conditional_edges("validate", after_validate)
builder.add_edge("explain", END)
graph = builder.compile(name="pricing")
