"""Metadata quality: the share of a product's category-relevant fields that are filled in."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.catalog.quality import metadata_quality, with_metadata_quality
from core.schemas import Product

FULL_DESCRIPTION = "A well described product. " * 10


def product(**fields: Any) -> Product:
    values: dict[str, Any] = {"id": "p-1", "tenant_id": "demo", "name": "Thing", "price_inr": Decimal("499")}
    values.update(fields)
    return Product(**values)


def complete_shoe(**changes: Any) -> Product:
    fields: dict[str, Any] = {
        "category": "footwear",
        "brand": "Kadam Footworks",
        "description": FULL_DESCRIPTION,
        "sizes": ["UK 7", "UK 8"],
        "attributes": {
            "colour": "Tan",
            "material": "leather",
            "gender": "men",
            "occasion": "formal",
            "sole": "TPR",
        },
        "fit": {"runs": "small", "size_offset": -0.5, "width": "standard"},
        "images": ["https://example.test/shoe.jpg"],
        "rating": 4.2,
    }
    fields.update(changes)
    return product(**fields)


def test_a_fully_described_product_scores_one() -> None:
    assert metadata_quality(complete_shoe()) == 1.0


def test_a_listing_with_only_a_name_and_price_scores_zero() -> None:
    assert metadata_quality(product(category="footwear")) == 0.0


def test_each_missing_field_lowers_the_score() -> None:
    complete = metadata_quality(complete_shoe())
    without_fit = metadata_quality(complete_shoe(fit={}))
    without_fit_or_sizes = metadata_quality(complete_shoe(fit={}, sizes=[]))

    assert complete > without_fit > without_fit_or_sizes


def test_a_short_description_earns_partial_credit() -> None:
    short = metadata_quality(complete_shoe(description="Leather shoes."))

    assert metadata_quality(complete_shoe(description="")) < short < 1.0


def test_home_goods_are_not_marked_down_for_missing_sizes_fit_or_ingredients() -> None:
    rug = complete_shoe(category="home", sizes=[], fit={})

    assert metadata_quality(rug) == 1.0


def test_skincare_without_an_ingredient_list_is_marked_down() -> None:
    serum = complete_shoe(category="skincare", sizes=["30ml"], fit={}, ingredients=["Aqua", "Niacinamide"])

    assert metadata_quality(serum) == 1.0
    assert metadata_quality(serum.model_copy(update={"ingredients": []})) < 0.9


def test_empty_attribute_values_do_not_count() -> None:
    blank: dict[str, Any] = {"colour": "", "material": None, "gender": [], "occasion": {}, "sole": "TPR"}

    assert metadata_quality(complete_shoe(attributes=blank)) < metadata_quality(complete_shoe())


def test_with_metadata_quality_returns_a_scored_copy() -> None:
    bare = product(category="footwear", metadata_quality=0.9)

    scored = with_metadata_quality(bare)

    assert scored.metadata_quality == 0.0
    assert bare.metadata_quality == 0.9
