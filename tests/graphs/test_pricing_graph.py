"""The pricing graph end to end on each store backend, with the rule-based tier as analyst, validator and
explainer (and one scripted analyst that keeps proposing too much, to exercise the send-back loop)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import cv2
import numpy
import pytest
from langchain_core.runnables import Runnable, RunnableLambda

from agents.pricing.money import rupees
from agents.pricing.price_points import is_price_point
from agents.pricing.schemas import AnalystReview
from agents.rules.model import RuleBasedChatModel
from core.context import AppContext
from core.records.sales import SoldItem
from core.settings import Settings
from core.storage.repositories import Store
from domain.pricing.live_index import LiveComparables
from domain.pricing.suggestion import PriceSuggestion, SuggestionRequest
from graphs.pricing import MAX_SEND_BACKS, graph
from graphs.services import Services
from tests.graphs.pricing_history import (
    JEANS_SALES,
    PRICED_AT,
    TENANT,
    HistoryView,
    seed_history,
    varied_history,
)

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


YEARS = timedelta(days=2 * 1461)  # eight calendar years to the day: every sale keeps its month and weekday
LISTINGS = [
    JEANS,
    SuggestionRequest(title="Biba cotton kurta", brand="Biba", category="women/kurtas", condition="like_new"),
    SuggestionRequest(title="Puma running shoes", brand="Puma", category="men/shoes", condition="fair"),
    SuggestionRequest(title="Brass diya set of four", category="home/decor", condition="new"),
]


READ_FROM_A_LIST = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
"""For the tests whose sales history is served from a list: the store is never read, one backend is enough."""


def served_from(items: list[SoldItem], store: Store, settings: Settings) -> AppContext:
    """A run context whose comparables indexes read `items` (the store is left empty)."""
    context = context_for(store, settings)
    context.services.comparables = LiveComparables(HistoryView(items))  # type: ignore[arg-type]
    return context


def numbers(result: PriceSuggestion) -> tuple[object, ...]:
    """Everything numeric about a suggestion, and why: what re-dating must leave alone."""
    return (
        result.price,
        result.range,
        result.confidence,
        [(c.title, c.price, c.similarity, c.weight) for c in result.comparables],
        result.adjustments,
    )


@READ_FROM_A_LIST
async def test_a_history_re_dated_by_years_prices_every_listing_exactly_the_same(
    store: Store, settings: Settings
) -> None:
    recent = varied_history(TENANT, datetime(2026, 11, 20, tzinfo=UTC))
    years_ago = [item.model_copy(update={"sold_at": item.sold_at - YEARS}) for item in recent]
    now_context = served_from(recent, store, settings)
    then_context = served_from(years_ago, store, settings)

    for listing in LISTINGS:
        now = await graph.ainvoke({"request": listing}, context=now_context)
        then = await graph.ainvoke({"request": listing}, context=then_context)

        assert numbers(then["result"]) == numbers(now["result"])
        assert then["result"].history.as_of == now["result"].history.as_of - YEARS
    calibrated = now_context.services.comparables.current(TENANT).history(TENANT, "INR").calibration
    assert calibrated is not None  # the weights and ranges were learned, and learned the same both times


@READ_FROM_A_LIST
async def test_comparables_of_an_old_history_still_carry_weight(store: Store, settings: Settings) -> None:
    long_ago = varied_history(TENANT, datetime(2019, 3, 1, tzinfo=UTC))

    state = await graph.ainvoke({"request": JEANS}, context=served_from(long_ago, store, settings))

    result = state["result"]
    assert result.history.as_of == max(item.sold_at for item in long_ago)
    assert max(c.weight for c in result.comparables) > 0.05
    assert all(c.weight > 0 for c in result.comparables)


@READ_FROM_A_LIST
async def test_as_of_prices_from_the_sales_made_by_then_whatever_came_after(
    store: Store, settings: Settings
) -> None:
    history = varied_history(TENANT, datetime(2026, 11, 20, tzinfo=UTC))
    moment = datetime(2026, 8, 1, tzinfo=UTC)
    earlier = [item for item in history if item.sold_at <= moment]
    asked = JEANS.model_copy(update={"as_of": moment})

    everything = await graph.ainvoke({"request": asked}, context=served_from(history, store, settings))
    only_earlier = await graph.ainvoke({"request": asked}, context=served_from(earlier, store, settings))

    assert numbers(everything["result"]) == numbers(only_earlier["result"])
    assert all(c.sold_at <= moment for c in everything["result"].comparables)
    assert everything["result"].history.as_of == moment


@READ_FROM_A_LIST
async def test_a_dollar_history_is_explained_in_dollars(store: Store, settings: Settings) -> None:
    dollars = [
        item.model_copy(update={"currency": "USD", "price": item.price / 80})
        for item in varied_history(TENANT, datetime(2024, 6, 1, tzinfo=UTC))
    ]
    listing = JEANS.model_copy(update={"currency": "USD"})

    state = await graph.ainvoke({"request": listing}, context=served_from(dollars, store, settings))

    result = state["result"]
    assert result.currency == "USD"
    assert f"${result.price:,.2f}" in result.explanation
    assert f"${result.range.low:,.2f} to ${result.range.high:,.2f}" in result.explanation
    assert "₹" not in result.explanation
    assert all("₹" not in adjustment.reason for adjustment in result.adjustments)


@READ_FROM_A_LIST
async def test_a_rupee_suggestion_uses_indian_digit_grouping(store: Store, settings: Settings) -> None:
    lakh = [
        item.model_copy(update={"price": item.price * 100})
        for item in varied_history(TENANT, datetime(2026, 1, 1, tzinfo=UTC))
    ]
    listing = JEANS.model_copy(update={"title": "Levi's 511 slim fit jeans black"})

    state = await graph.ainvoke({"request": listing}, context=served_from(lakh, store, settings))

    result = state["result"]
    assert result.price > 100_000
    assert rupees(result.price) in result.explanation
    assert rupees(result.price).count(",") == 2  # ₹1,29,999: lakh grouping


class ReadingTier(RuleBasedChatModel):
    """The rules tier, keeping every message a language-model tier would be sent (system prompt and task)."""

    sent: list[str] = []

    def respond(self, messages: Any, tools: Any = (), tool_choice: Any = None) -> Any:
        self.sent.extend(message.text for message in messages)
        return super().respond(messages, tools, tool_choice)


@READ_FROM_A_LIST
async def test_every_prompt_of_a_dollar_suggestion_writes_its_amounts_in_dollars(
    store: Store, settings: Settings
) -> None:
    dollars = [
        item.model_copy(update={"currency": "USD", "price": item.price / 80})
        for item in varied_history(TENANT, datetime(2024, 6, 1, tzinfo=UTC))
    ]
    reader = ReadingTier()
    reader.sent = []
    context = served_from(dollars, store, settings)
    context.services.model = reader

    await graph.ainvoke({"request": JEANS.model_copy(update={"currency": "USD"})}, context=context)

    tasks = [text for text in reader.sent if "<pakka-task" in text]
    assert {
        name for name in ("price_review", "price_check", "merchant_note") if any(name in t for t in tasks)
    } == {
        "price_review",
        "price_check",
        "merchant_note",
    }
    assert all("₹" not in text and "rupee" not in text.lower() for text in tasks)
    assert all('"currency":"USD"' in text.replace(" ", "") for text in tasks)
    assert all("$" in text for text in tasks)
