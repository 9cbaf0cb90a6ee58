"""The eval's reference models: category mean and the reference-recipe TF-IDF ridge."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.records.sales import ListingCondition, SoldItem
from evals.pricing.baselines import CategoryMean, TfidfRidge

SOLD_AT = datetime(2026, 6, 1, tzinfo=UTC)


def item(listing_id: str, title: str, price: float, *, category: str = "women/tops") -> SoldItem:
    return SoldItem(
        tenant_id="eval",
        listing_id=listing_id,
        title=title,
        category=category,
        condition=ListingCondition.GOOD,
        price=Decimal(str(price)),
        currency="USD",
        sold_at=SOLD_AT,
    )


def test_category_mean_predicts_the_mean_log_price_of_the_category_and_the_overall_mean_for_new_ones() -> (
    None
):
    train = [item("a", "top", 9.0), item("b", "top", 99.0), item("c", "shoe", 19.0, category="men/shoes")]

    tops, unseen = CategoryMean(train).predict(
        [item("x", "top", 1.0), item("y", "bag", 1.0, category="bags")]
    )

    assert tops == pytest.approx((math.log(10) + math.log(100)) / 2)
    assert unseen == pytest.approx((math.log(10) + math.log(100) + math.log(20)) / 3)


def test_the_ridge_learns_prices_from_words_and_from_who_pays_shipping() -> None:
    train = [item(f"s{n}", f"silk scarf {n}", 80.0) for n in range(20)]
    train += [item(f"c{n}", f"cotton scarf {n}", 10.0) for n in range(20)]
    train += [item(f"f{n}", f"wool scarf {n}", 30.0 if n % 2 else 60.0) for n in range(20)]
    shipping = {f"f{n}": n % 2 == 1 for n in range(20)}

    model = TfidfRidge(train, shipping)
    silk, cotton = model.predict([item("q1", "silk scarf", 1.0), item("q2", "cotton scarf", 1.0)])
    paid, unpaid = TfidfRidge(train, shipping | {"q3": True}).predict(
        [item("q3", "wool scarf", 1.0), item("q4", "wool scarf", 1.0)]
    )

    assert math.expm1(silk) > 3 * math.expm1(cotton)
    assert paid < unpaid
