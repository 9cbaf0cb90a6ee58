"""A shopper's preferences: men's or women's products (and unisex ones), from the request or else from
their stored profile, so men's and women's shoes are never mixed in one answer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from core.context import AppContext
from core.schemas import InventoryRecord, Product, Tenant, User
from core.settings import Settings
from core.storage.repositories import Store
from domain.decision.preferences import PROFILE_KEY, ShopperPreferences
from graphs.decision import graph
from graphs.services import Services

TENANT = "demo"
FOOT = {"length_mm": 262.5, "width_mm": 99.0, "length_sigma_mm": 1.3, "width_sigma_mm": 1.3}
BRANDS = ("Sprintara", "Kadam Footworks", "Metro Basics")


def seed(store: Store) -> None:
    store.tenants.put(Tenant(id=TENANT, name="Demo"))
    for gender in ("men", "women", "unisex"):
        for index, brand in enumerate(BRANDS):
            product_id = f"{gender}-{index}"
            store.products.put(
                Product(
                    id=product_id,
                    tenant_id=TENANT,
                    name=f"{brand} {gender} shoe",
                    brand=brand,
                    category="footwear",
                    price_inr=Decimal(999 + index),
                    sizes=["UK 6.5", "UK 7", "UK 7.5", "UK 8", "UK 8.5"],
                    attributes={"gender": gender},
                    metadata_quality=0.9,
                )
            )
            store.inventory.put_many(
                InventoryRecord(
                    tenant_id=TENANT, product_id=product_id, size=size, region="mumbai", available=3
                )
                for size in ("UK 6.5", "UK 7", "UK 7.5", "UK 8", "UK 8.5")
            )


@pytest.fixture
def context(store: Store, settings: Settings) -> AppContext:
    seed(store)
    return AppContext(services=Services.build(settings, store), tenant_id=TENANT, user_id="u-1")


async def genders(context: AppContext, **request: Any) -> set[str]:
    state: dict[str, Any] = await graph.ainvoke(
        {"user_id": "u-1", "category": "footwear", "region": "mumbai", "scan": FOOT, **request},
        context=context,
    )
    chosen = state["result"].recommendations
    assert len(chosen) >= 3
    return {item.product_id.split("-")[0] for item in chosen}


async def test_a_stated_gender_keeps_the_other_genders_products_out(context: AppContext) -> None:
    assert await genders(context, gender="men") <= {"men", "unisex"}
    assert await genders(context, gender="women") <= {"women", "unisex"}


async def test_without_a_preference_every_product_is_considered(context: AppContext) -> None:
    assert len(await genders(context)) >= 2


async def test_the_stored_profile_supplies_the_preference_and_the_request_overrides_it(
    context: AppContext,
) -> None:
    context.services.store.users.put(
        User(id="u-1", tenant_id=TENANT, attributes={PROFILE_KEY: {"gender": "women"}})
    )

    assert await genders(context) <= {"women", "unisex"}
    assert await genders(context, gender="men") <= {"men", "unisex"}


def test_unknown_values_are_ignored_and_unlabelled_products_suit_everyone() -> None:
    preferences = ShopperPreferences.of({"gender": "martian", "fit": "baggy"}, {"gender": "men"})
    assert preferences == ShopperPreferences(gender="men", fit=None)
    unlabelled = Product(id="p", tenant_id=TENANT, name="Shoe", category="footwear", price_inr=Decimal(1))
    girls = unlabelled.model_copy(update={"attributes": {"gender": "girls"}})
    assert preferences.admits(unlabelled) and not preferences.admits(girls)
