"""Apparel through the decision graph: body measurements sized on each brand's chart, on each store."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from core.context import AppContext
from core.privacy import BIOMETRIC, Pseudonymizer, ScanKind, record_consent, store_attributes
from core.records.feedback import OffsetScope, SizeOffset
from core.schemas import InventoryRecord, Product, Tenant
from core.settings import Settings
from core.storage.repositories import Store
from domain.decision.calibration import load_calibration
from domain.decision.confidence import raw_confidence
from domain.decision.filtering import Elimination, ScoredCandidate
from domain.decision.results import DecisionResult
from graphs.decision import graph
from graphs.services import Services
from knowledge.sizing.apparel import Measurement, apparel_fit

TENANT = "demo"
BODY = {
    "height_cm": 178.0,
    "chest": 98.0,
    "chest_sigma": 1.0,
    "waist": 84.0,
    "waist_sigma": 1.0,
    "hip": 97.0,
    "hip_sigma": 1.0,
    "inseam": 80.0,
    "inseam_sigma": 1.5,
}
GARMENTS = [
    # id, brand, subcategory, sizes, price
    ("sutra-shirt", "Sutra Studio", "Shirts", ["S", "M", "L", "XL"], "1999"),
    ("sutra-shirt-2", "Sutra Studio", "Shirts", ["M", "L", "XL"], "2299"),
    ("sutra-blazer", "Sutra Studio", "Blazers", ["M", "L", "XL"], "4999"),
    ("sutra-jeans", "Sutra Studio", "Jeans", ["30", "32", "34", "36"], "2499"),
    ("khadi-kurta", "Khadi Lane", "Kurtas", ["S", "M", "L"], "1499"),
    ("khadi-jacket", "Khadi Lane", "Ethnic Jackets", ["S", "M", "L"], "2999"),
    ("chowk-jeans", "Chowk Basics", "Jeans", ["30", "32", "34"], "1299"),
    ("chowk-tee", "Chowk Basics", "T-Shirts", ["S", "M", "L", "XL"], "499"),
    ("gali-tee", "Gali Tees", "T-Shirts", ["S", "M", "L", "XL"], "399"),
]


def seed_garments(store: Store) -> None:
    store.tenants.put(Tenant(id=TENANT, name="Demo"))
    for product_id, brand, subcategory, sizes, price in GARMENTS:
        store.products.put(
            Product(
                id=product_id,
                tenant_id=TENANT,
                name=f"Garment {product_id}",
                brand=brand,
                category="apparel",
                subcategory=subcategory,
                price_inr=Decimal(price),
                sizes=sizes,
                attributes={"gender": "men"},
                metadata_quality=0.9,
            )
        )
        store.inventory.put_many(
            InventoryRecord(tenant_id=TENANT, product_id=product_id, size=size, region="mumbai", available=2)
            for size in sizes
        )
    store.products.put(
        Product(id="saree", tenant_id=TENANT, name="Saree", category="apparel", price_inr=Decimal("999"))
    )


@pytest.fixture
def context(store: Store, settings: Settings) -> AppContext:
    seed_garments(store)
    return AppContext(services=Services.build(settings, store), tenant_id=TENANT, user_id="u-1")


async def run(context: AppContext, **request: Any) -> dict[str, Any]:
    state: dict[str, Any] = await graph.ainvoke(
        {"user_id": "u-1", "category": "apparel", "region": "mumbai", **request}, context=context
    )
    return state


def scored_by_id(state: dict[str, Any]) -> dict[str, ScoredCandidate]:
    return {item.product_id: item for item in state["scored"]}


async def test_a_stored_body_scan_gives_confident_brand_diverse_sizes_citing_the_chart_rows(
    context: AppContext,
) -> None:
    store = context.services.store
    pseudonyms = Pseudonymizer(b"apparel-key-" * 2)
    record_consent(store, TENANT, "u-1", BIOMETRIC, granted=True, pseudonyms=pseudonyms)
    store_attributes(store, TENANT, "u-1", ScanKind.BODY, BODY)

    result: DecisionResult = (await run(context))["result"]

    chosen = {item.product_id: item.size for item in result.recommendations}
    assert chosen == {
        "sutra-shirt": "L",
        "sutra-shirt-2": "L",
        "khadi-kurta": "M",
        "khadi-jacket": "M",
        "chowk-tee": "L",
    }
    confidences = [item.confidence for item in result.recommendations]
    assert confidences == sorted(confidences, reverse=True)
    assert all(confidence >= 0.75 for confidence in confidences)
    assert result.eliminated.reasons == {Elimination.BRAND_LIMIT: 2, Elimination.LOW_CONFIDENCE: 2}
    assert result.attributes_source == "stored"
    shirt = next(item for item in result.recommendations if item.product_id == "sutra-shirt")
    assert shirt.citations == ["chart:sutra-studio-tops-men:l", "fit:type-slim"]
    assert "size L is cut for chest" in shirt.explanation and "chart:" not in shirt.explanation
    assert "chest 98.0 ± 1.0 cm" in shirt.explanation and "wear regular" in shirt.explanation


async def test_the_fit_factor_is_the_charts_probability_for_the_chosen_size(context: AppContext) -> None:
    state = await run(context, scan=BODY)

    kurta = scored_by_id(state)["khadi-kurta"]
    body = {
        "chest_cm": Measurement(value_cm=98.0, sigma_cm=1.0),
        "waist_cm": Measurement(value_cm=84.0, sigma_cm=1.0),
        "hip_cm": Measurement(value_cm=97.0, sigma_cm=1.0),
        "inseam_cm": Measurement(value_cm=80.0, sigma_cm=1.5),
    }
    expected = apparel_fit(body, "Khadi Lane", "Kurtas", gender="men")
    assert kurta.size == "M" == expected.recommended[0]
    assert kurta.factors.fit == expected.sizes[0].probability
    assert kurta.citations[0] == expected.sizes[0].row_id


async def test_each_garment_is_sized_in_its_own_size_system_and_a_poor_wear_is_a_caution(
    context: AppContext,
) -> None:
    scored = scored_by_id(await run(context, scan=BODY))

    assert scored["sutra-jeans"].size == "34"
    assert scored["chowk-jeans"].size == "32"
    assert scored["chowk-jeans"].factors.attribute_similarity == 0.5
    assert "size 32 would wear slim rather than regular" in scored["chowk-jeans"].cautions
    assert "saree" not in scored


async def test_a_brand_without_a_chart_is_sized_on_the_standard_one_with_less_reliability(
    context: AppContext,
) -> None:
    scored = scored_by_id(await run(context, scan=BODY))

    plain, charted = scored["gali-tee"], scored["chowk-tee"]
    assert plain.size == charted.size == "L"
    assert plain.citations[0] == "chart:standard-tops-men:l"
    assert plain.factors.brand_reliability < charted.factors.brand_reliability
    assert any("publishes no tops size chart" in caution for caution in plain.cautions)


async def test_a_garment_known_to_run_small_is_sized_up(context: AppContext) -> None:
    context.services.store.size_offsets.save(
        SizeOffset(tenant_id=TENANT, scope=OffsetScope.ITEM, key="sutra-shirt", mean=1.0, variance=0.05),
        expected_version=0,
    )

    scored = scored_by_id(await run(context, scan=BODY))

    assert scored["sutra-shirt"].size == "XL"
    assert scored["sutra-shirt-2"].size == "L"
    assert any("runs small" in caution for caution in scored["sutra-shirt"].cautions)


async def test_a_size_out_of_stock_in_the_region_is_eliminated_for_that_reason(context: AppContext) -> None:
    result: DecisionResult = (await run(context, scan=BODY, region="delhi"))["result"]

    assert result.recommendations == []
    assert result.eliminated.reasons[Elimination.OUT_OF_STOCK] == len(GARMENTS)
    assert any("out of stock in delhi" in tip for tip in result.guidance)


async def test_a_scan_without_body_measurements_asks_for_a_body_scan(context: AppContext) -> None:
    result: DecisionResult = (await run(context, scan={"height_cm": 170.0}))["result"]

    assert result.recommendations == []
    assert result.guidance[0].startswith("We have no body measurements for you yet.")
    assert "enter your height" in result.guidance[0]


async def test_apparel_confidence_is_the_raw_score_through_the_apparel_calibration(
    context: AppContext,
) -> None:
    state = await run(context, scan=BODY)

    apparel_map = load_calibration(category="apparel")
    for item in state["scored"]:
        assert item.confidence == pytest.approx(apparel_map.apply(raw_confidence(item.factors)))
    assert apparel_map != load_calibration(category="footwear")
