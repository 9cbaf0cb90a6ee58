"""The pricing graph end to end on each store backend, with the rule-based tier as analyst, validator and
explainer (and one scripted analyst that keeps proposing too much, to exercise the send-back loop)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy
from langchain_core.runnables import Runnable, RunnableLambda

from agents.pricing.price_points import is_price_point
from agents.pricing.schemas import AnalystReview
from agents.rules.model import RuleBasedChatModel
from core.context import AppContext
from core.settings import Settings
from core.storage.repositories import Store
from domain.pricing.suggestion import PriceSuggestion, SuggestionRequest
from graphs.pricing import MAX_SEND_BACKS, graph
from graphs.services import Services
from tests.graphs.pricing_history import JEANS_SALES, PRICED_AT, TENANT, seed_history

JEANS = SuggestionRequest(
    title="Levi's 511 slim fit jeans", brand="Levi's", category="men/jeans", condition="good"
)


def context_for(store: Store, settings: Settings, **kwargs: Any) -> AppContext:
    return AppContext(services=Services.build(settings, store, **kwargs), tenant_id=TENANT)


async def suggest(context: AppContext, request: SuggestionRequest = JEANS) -> PriceSuggestion:
    state = await graph.ainvoke({"request": request, "now": PRICED_AT}, context=context)
    result: PriceSuggestion = state["result"]
    return result


async def test_a_listing_is_priced_from_its_comparable_sales(store: Store, settings: Settings) -> None:
    seed_history(store)

    result = await suggest(context_for(store, settings))

    prices = [float(price) for _, price in JEANS_SALES]
    assert min(prices) <= result.price <= max(prices)
    assert is_price_point(result.price, "INR")
    assert result.range.low <= result.price <= result.range.high
    assert len(result.comparables) == len(JEANS_SALES)
    assert all(c.similarity > 0.70 and c.weight > 0 for c in result.comparables)
    assert result.comparables[0].title == "Levi's 511 slim fit jeans"
    assert result.tier == "rules"
    assert result.comparables[0].title in result.explanation
    assert f"{len(JEANS_SALES)} comparable sales" in result.explanation


async def test_without_comparable_sales_the_confidence_is_low_and_the_note_says_so(
    store: Store, settings: Settings
) -> None:
    seed_history(store)
    unknown = SuggestionRequest(title="Brass diya set of four", category="home/decor", condition="new")

    result = await suggest(context_for(store, settings), unknown)

    assert result.comparables == []
    assert result.confidence <= 0.4
    assert "no comparable sales" in result.explanation


async def test_stains_in_the_photos_lower_the_price(store: Store, settings: Settings) -> None:
    seed_history(store)
    rng = numpy.random.default_rng(3)
    fabric = numpy.clip(rng.normal(0, 12, (400, 400, 3)) + (170, 120, 60), 0, 255).astype(numpy.uint8)
    cv2.circle(fabric, (150, 150), 40, (40, 60, 90), -1)
    photo = cv2.imencode(".png", fabric)[1].tobytes()
    context = context_for(store, settings)

    clean = await suggest(context)
    stained = await suggest(context, JEANS.model_copy(update={"photos": [photo]}))

    assert stained.price < clean.price
    assert any(a.kind == "photo_condition" and "stains" in a.reason for a in stained.adjustments)


async def test_a_shared_index_is_loaded_on_the_first_run_and_reused_after(
    store: Store, settings: Settings
) -> None:
    seed_history(store)
    context = context_for(store, settings)
    live = context.services.comparables

    first = await suggest(context)
    index = live.current(TENANT)
    second = await suggest(context)

    assert index.count(TENANT) == store.sales.count_sold(TENANT)
    assert live.current(TENANT) is index
    assert second == first


class OverpricingAnalyst(RuleBasedChatModel):
    """The rules tier, except that its analyst always asks for +15% without a justification."""

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Runnable[Any, Any]:
        if schema is AnalystReview:
            return RunnableLambda(lambda _: AnalystReview(factor=1.15, reasons=["the brand is popular"]))
        return super().with_structured_output(schema, **kwargs)


async def test_the_validator_sends_a_price_back_at_most_twice_then_pulls_it_into_range(
    store: Store, settings: Settings
) -> None:
    seed_history(store)
    context = context_for(store, settings, model=OverpricingAnalyst())

    steps = [
        name
        async for update in graph.astream(
            {"request": JEANS, "now": PRICED_AT}, context=context, stream_mode="updates"
        )
        for name in update
    ]
    final = await suggest(context)

    assert steps.count("analyst") == 1 + MAX_SEND_BACKS
    assert steps.count("validate") == 1 + MAX_SEND_BACKS
    assert steps[-1] == "explain"
    assert final.price <= max(float(price) for _, price in JEANS_SALES) * 1.1
    validation = next(a for a in final.adjustments if a.kind == "validation")
    assert validation.factor < 1 and "5th-95th percentile" in validation.reason
