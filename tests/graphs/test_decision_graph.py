"""The decision graph end to end on each store backend, the rule-based model tier writing explanations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from core.context import AppContext
from core.privacy import BIOMETRIC, Pseudonymizer, ScanKind, record_consent, store_attributes
from core.records.feedback import FeedbackEvent, FitReport, PurchaseOutcome
from core.schemas import InventoryRecord, Product, Tenant
from core.settings import Settings
from core.storage.repositories import Store
from domain.decision.feedback import SizeLearner
from domain.decision.filtering import Elimination
from domain.decision.results import DecisionResult
from graphs.decision import graph
from graphs.services import Services

TENANT = "demo"
PSEUDONYMS = Pseudonymizer(b"graph-test-key-" * 2)
FOOT = {"length_mm": 262.5, "width_mm": 100.0, "length_sigma_mm": 1.0, "width_sigma_mm": 1.0}
SHOES = [
    # id, brand, sizes, price, (size in stock, region)
    ("sprint-a", "Sprintara", ["UK 6.5", "UK 7", "UK 7.5"], "2999", ("UK 7", "mumbai")),
    ("sprint-b", "Sprintara", ["UK 6.5", "UK 7", "UK 7.5"], "2499", ("UK 7", "mumbai")),
    ("sprint-c", "Sprintara", ["UK 6.5", "UK 7", "UK 7.5"], "1999", ("UK 7", "mumbai")),
    ("kadam-a", "Kadam Footworks", ["UK 7.5", "UK 8"], "1799", ("UK 8", "mumbai")),
    ("plain-a", "Metro Basics", ["UK7", "UK7.5"], "999", ("UK7.5", "mumbai")),
    ("trail-a", "Pagdandi Trail", ["UK 7", "UK 7.5"], "3499", ("UK 7.5", "mumbai")),
    ("gone-a", "Kadam Footworks", ["UK 8"], "1599", ("UK 8", "delhi")),
    ("dear-a", "Luxe", ["UK7.5"], "9999", ("UK7.5", "mumbai")),
]

SKINCARE = [
    # id, brand, ingredients, skin types the brand claims
    ("serum-a", "Dewy", ["Aqua", "Niacinamide", "Glycerin"], ["oily", "combination"]),
    ("serum-b", "Dewy", ["Aqua", "Glycerin", "Niacinamide"], ["oily"]),
    ("gel-c", "Leafy", ["Aqua", "Glycerin", "Niacinamide"], []),
    ("cream-d", "Richy", ["Aqua", "Coconut Oil", "Glycerin"], ["oily"]),
]
FACE = {"skin_type": "oily", "sensitivity": "low", "concerns": ["acne"], "monk_band": 5}


def seed_shoes(store: Store) -> None:
    store.tenants.put(Tenant(id=TENANT, name="Demo"))
    for product_id, brand, sizes, price, (stocked_size, region) in SHOES:
        store.products.put(
            Product(
                id=product_id,
                tenant_id=TENANT,
                name=f"Shoe {product_id}",
                brand=brand,
                category="footwear",
                price_inr=Decimal(price),
                sizes=sizes,
                metadata_quality=0.9,
            )
        )
        store.inventory.put(
            InventoryRecord(
                tenant_id=TENANT, product_id=product_id, size=stocked_size, region=region, available=3
            )
        )
    store.products.put(
        Product(id="kurta-1", tenant_id=TENANT, name="Kurta", category="apparel", price_inr=Decimal("999"))
    )
    for product_id, brand, ingredients, claims in SKINCARE:
        store.products.put(
            Product(
                id=product_id,
                tenant_id=TENANT,
                name=f"Serum {product_id}",
                brand=brand,
                category="skincare",
                price_inr=Decimal("599"),
                sizes=["30 ml"],
                ingredients=ingredients,
                attributes={"skin_types": claims} if claims else {},
                metadata_quality=0.9,
            )
        )
        store.inventory.put(
            InventoryRecord(
                tenant_id=TENANT, product_id=product_id, size="30 ml", region="mumbai", available=5
            )
        )


@pytest.fixture
def context(store: Store, settings: Settings) -> AppContext:
    seed_shoes(store)
    return AppContext(services=Services.build(settings, store), tenant_id=TENANT, user_id="u-1")


async def decide(context: AppContext, **request: Any) -> DecisionResult:
    state = await graph.ainvoke({"user_id": "u-1", "category": "footwear", **request}, context=context)
    result: DecisionResult = state["result"]
    return result


def with_stored_foot(context: AppContext) -> None:
    store = context.services.store
    record_consent(store, TENANT, "u-1", BIOMETRIC, granted=True, pseudonyms=PSEUDONYMS)
    store_attributes(store, TENANT, "u-1", ScanKind.FOOT, FOOT)


async def test_stored_measurements_give_three_to_five_confident_brand_diverse_recommendations(
    context: AppContext,
) -> None:
    with_stored_foot(context)

    result = await decide(context, region="mumbai", budget_inr=Decimal("5000"))

    assert [item.product_id for item in result.recommendations] == [
        "kadam-a",
        "sprint-c",
        "sprint-b",
        "plain-a",
    ]
    assert all(item.confidence >= 0.75 for item in result.recommendations)
    assert result.eliminated.reasons == {
        Elimination.BRAND_LIMIT: 1,
        Elimination.LOW_CONFIDENCE: 1,
        Elimination.OUT_OF_STOCK: 1,
        Elimination.OVER_BUDGET: 1,
    }
    assert result.eliminated.count == 4
    assert result.guidance == []
    assert result.attributes_source == "stored"


async def test_each_recommendation_names_its_size_and_explains_itself_citing_the_chart_row(
    context: AppContext,
) -> None:
    with_stored_foot(context)

    result = await decide(context, region="mumbai")

    sprint = next(item for item in result.recommendations if item.product_id == "sprint-c")
    assert sprint.size == "UK 7"
    assert "chart:sprintara:uk-7" in sprint.citations
    assert "Sprintara footwear, size UK 7" in [source.title for source in sprint.sources]
    assert "size UK 7 fits feet of" in sprint.explanation
    assert "chart:" not in sprint.explanation and "100%" not in sprint.explanation
    assert "%" in sprint.explanation
    plain = next(item for item in result.recommendations if item.product_id == "plain-a")
    assert "publishes no size chart" in plain.explanation


async def test_a_fresh_scan_is_used_without_anything_stored(context: AppContext) -> None:
    result = await decide(context, region="mumbai", scan=FOOT)

    assert result.attributes_source == "scan"
    assert len(result.recommendations) >= 3
    assert context.services.store.users.get(TENANT, "u-1") is None


async def test_without_measurements_the_list_is_empty_and_says_which_scan_to_take(
    context: AppContext,
) -> None:
    result = await decide(context, region="mumbai")

    assert result.recommendations == []
    assert "foot" in result.guidance[0] and "A4" in result.guidance[0]


async def test_stored_measurements_are_ignored_once_consent_is_withdrawn(context: AppContext) -> None:
    with_stored_foot(context)
    record_consent(context.services.store, TENANT, "u-1", BIOMETRIC, granted=False, pseudonyms=PSEUDONYMS)

    result = await decide(context, region="mumbai")

    assert result.recommendations == []
    assert result.attributes_source is None


async def test_an_uncertain_scan_gives_no_products_and_asks_for_a_better_photo(context: AppContext) -> None:
    blurry = {**FOOT, "length_sigma_mm": 9.0, "issues": ["blurred"]}

    result = await decide(context, region="mumbai", scan=blurry)

    assert result.recommendations == []
    assert "±9.0 mm" in result.guidance[0] and "blurred" in result.guidance[0]


async def test_a_tight_budget_empties_the_list_and_names_the_cheapest_price(context: AppContext) -> None:
    result = await decide(context, region="mumbai", scan=FOOT, budget_inr=Decimal("500"))

    assert result.recommendations == []
    assert any("the cheapest starts at ₹999" in tip for tip in result.guidance)


async def test_reports_that_a_shoe_runs_small_move_its_recommended_size_up(context: AppContext) -> None:
    learner = SizeLearner(context.services.store)
    for index in range(2):
        learner.learn(
            FeedbackEvent(
                tenant_id=TENANT,
                user_id=f"u-{index + 10}",
                product_id="sprint-b",
                brand="Sprintara",
                size="UK 7",
                outcome=PurchaseOutcome.RETURNED,
                fit=FitReport.SMALL,
            )
        )

    state = await graph.ainvoke({"user_id": "u-1", "category": "footwear", "scan": FOOT}, context=context)

    sizes = {item.product_id: item.size for item in state["scored"]}
    assert sizes["sprint-b"] == "UK 7.5"
    assert sizes["kadam-a"] == "UK 8"


async def test_a_category_without_sizing_knowledge_answers_honestly(context: AppContext) -> None:
    result = await decide(context, category="beauty", scan=FACE)

    assert result.recommendations == []
    assert result.guidance == [
        "We cannot yet size beauty products with confidence; try footwear, apparel or skincare."
    ]


async def test_node_progress_and_explanations_stream(context: AppContext) -> None:
    with_stored_foot(context)
    nodes: list[str] = []
    explanations: list[str] = []

    async for mode, chunk in graph.astream(
        {"user_id": "u-1", "category": "footwear", "region": "mumbai"},
        context=context,
        stream_mode=["updates", "custom"],
    ):
        if mode == "updates":
            nodes.extend(chunk)
        else:
            explanations.append(chunk["explanation"]["product_id"])

    assert nodes == ["scan", "retrieve", "candidates", "score", "filter", "explain"]
    assert sorted(explanations) == ["dear-a", "kadam-a", "plain-a", "sprint-b", "sprint-c"]


async def test_skincare_is_chosen_by_ingredient_compatibility_citing_the_ingredient_rules(
    context: AppContext,
) -> None:
    result = await decide(context, category="skincare", region="mumbai", scan=FACE)

    assert [item.product_id for item in result.recommendations] == ["serum-a", "serum-b", "gel-c"]
    assert result.eliminated.reasons == {Elimination.LOW_CONFIDENCE: 1}
    serum = result.recommendations[0]
    assert serum.size is None
    assert "ingredient:niacinamide" in serum.citations
    assert "Niacinamide is suitable for your skin (helps with acne" in serum.explanation
    assert "ingredient:" not in serum.explanation


async def test_a_face_scan_without_a_skin_type_recommends_nothing(context: AppContext) -> None:
    result = await decide(context, category="skincare", region="mumbai", scan={"monk_band": 5})

    assert result.recommendations == []
    assert result.guidance
