"""The demo tenant's INR sales history: written by the project, seeded once, and enough for a new merchant's
first rupee suggestion."""

from __future__ import annotations

import pytest

from core.context import AppContext
from core.settings import Settings
from core.storage.repositories import Store
from domain.pricing.demo import KINDS, SALES_PER_KIND, demo_sales, seed_demo_sales
from domain.pricing.suggestion import SuggestionRequest
from graphs.pricing import graph
from graphs.services import Services


def test_the_demo_history_is_rupees_in_every_kind_and_the_same_on_every_machine() -> None:
    sales = demo_sales("demo")

    assert len(sales) == len(KINDS) * SALES_PER_KIND
    assert {fields.currency for _, fields, _ in sales} == {"INR"}
    assert sales == demo_sales("demo")
    assert len({listing_id for listing_id, _, _ in sales}) == len(sales)


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)  # the events path is backend-agnostic
async def test_seeded_once_it_prices_a_new_merchants_first_rupee_listing(
    store: Store, settings: Settings
) -> None:
    written = seed_demo_sales(store, "demo")
    again = seed_demo_sales(store, "demo")
    context = AppContext(services=Services.build(settings, store), tenant_id="demo")
    listing = SuggestionRequest(title="Fabindia cotton kurta blue", category="women/kurtas", condition="good")

    state = await graph.ainvoke({"request": listing}, context=context)

    assert (written, again) == (len(KINDS) * SALES_PER_KIND, 0)
    result = state["result"]
    assert result.currency == "INR" and 300 < result.price < 3000
    assert "₹" in result.explanation and result.comparables
