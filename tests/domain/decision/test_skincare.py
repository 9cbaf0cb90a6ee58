"""Skincare scoring: ingredient compatibility drives the fit factor, brand claims the attribute similarity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.schemas import Product
from domain.decision.calibration import load_calibration
from domain.decision.skincare import ingredient_guidance, score_skincare, skin_profile

CALIBRATION = load_calibration()


def in_stock(size: str | None) -> bool:
    return True


def sold_out(size: str | None) -> bool:
    return False


def serum(ingredients: list[str], **overrides: Any) -> Product:
    fields: dict[str, Any] = {
        "id": "serum-1",
        "tenant_id": "acme",
        "name": "Clear Serum",
        "brand": "Dewy",
        "category": "skincare",
        "price_inr": Decimal("599"),
        "ingredients": ingredients,
        "metadata_quality": 0.9,
    }
    return Product(**{**fields, **overrides})


def test_a_profile_needs_a_known_skin_type() -> None:
    assert skin_profile({"skin_type": "oily", "concerns": ["acne"]}) is not None
    assert skin_profile({"skin_type": "scaly"}) is None
    assert skin_profile({"monk_band": 4}) is None


def test_compatible_ingredients_and_a_matching_claim_score_high_with_citations() -> None:
    profile = skin_profile({"skin_type": "oily", "concerns": ["acne"]})
    assert profile is not None

    scored = score_skincare(
        serum(["Aqua", "Niacinamide"], attributes={"skin_types": ["oily"]}), profile, in_stock, CALIBRATION
    )

    assert scored.factors.fit == 1.0 and scored.factors.attribute_similarity == 1.0
    assert scored.confidence >= 0.75
    assert "ingredient:niacinamide" in scored.citations
    assert scored.in_stock and scored.size is None


def test_an_ingredient_to_avoid_zeroes_the_fit_and_is_cited_first() -> None:
    profile = skin_profile({"skin_type": "oily"})
    assert profile is not None

    scored = score_skincare(serum(["Aqua", "Coconut Oil", "Glycerin"]), profile, in_stock, CALIBRATION)

    assert scored.factors.fit == 0.0
    assert scored.confidence < 0.75
    assert scored.reasons[0].startswith("ingredient:cocos-nucifera-oil: Coconut Oil is avoid")
    assert scored.cautions


def test_a_claim_for_another_skin_type_counts_against_the_product() -> None:
    profile = skin_profile({"skin_type": "dry"})
    assert profile is not None

    scored = score_skincare(
        serum(["Aqua", "Glycerin"], attributes={"skin_types": ["oily"]}), profile, sold_out, CALIBRATION
    )

    assert scored.factors.attribute_similarity == 0.0
    assert not scored.in_stock


def test_ingredient_guidance_lists_helpful_and_avoided_ingredients_with_their_entries() -> None:
    profile = skin_profile({"skin_type": "oily", "concerns": ["acne"]})
    assert profile is not None

    guidance = ingredient_guidance(profile)

    assert "Niacinamide" in guidance.compatible
    assert "Cocos Nucifera Oil" in guidance.avoid
    assert not set(guidance.compatible) & set(guidance.avoid)
    assert "ingredient:niacinamide" in guidance.citations
