"""Skincare scoring: ingredient compatibility drives the fit factor, brand claims the attribute similarity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.schemas import Product
from domain.decision.calibration import load_calibration
from domain.decision.skincare import ingredient_guidance, product_line, score_skincare, skin_profile

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
    assert scored.reasons[0].startswith("Coconut Oil is one to avoid for your skin (not suited to oily skin")
    assert scored.citations[0] == "ingredient:cocos-nucifera-oil"
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


def test_a_shopper_with_high_sensitivity_is_not_recommended_strong_actives_and_the_rule_is_cited() -> None:
    profile = skin_profile({"skin_type": "oily", "sensitivity": "high", "concerns": []})
    assert profile is not None and profile.sensitivity == "high"

    for active, rule in [
        ("Retinol", "skin-rule:retinoids"),
        ("Glycolic Acid", "skin-rule:exfoliating-acids"),
        ("Salicylic Acid", "skin-rule:exfoliating-acids"),
        ("Benzoyl Peroxide", "skin-rule:benzoyl-peroxide"),
        ("Parfum", "skin-rule:fragrance"),
        ("Alcohol Denat.", "skin-rule:denatured-alcohol"),
    ]:
        scored = score_skincare(
            serum(["Aqua", "Glycerin", active, "Niacinamide"]), profile, in_stock, CALIBRATION
        )
        assert scored.factors.fit == 0.0, active
        assert scored.confidence < 0.75, active
        assert rule in scored.citations, active
        assert "you said your skin is sensitive" in scored.reasons[0], active


def test_without_a_stated_sensitivity_the_same_actives_suit_oily_skin() -> None:
    profile = skin_profile({"skin_type": "oily", "sensitivity": "low"})
    assert profile is not None

    scored = score_skincare(
        serum(["Aqua", "Glycerin", "Salicylic Acid", "Niacinamide"]), profile, in_stock, CALIBRATION
    )

    assert scored.confidence >= 0.75
    assert not any(citation.startswith("skin-rule:") for citation in scored.citations)


def test_medium_sensitivity_or_a_redness_concern_ranks_actives_lower_without_excluding_them() -> None:
    gentle = serum(["Aqua", "Glycerin", "Niacinamide"])
    retinol = serum(["Aqua", "Glycerin", "Retinol", "Niacinamide"], id="serum-r")
    low = skin_profile({"skin_type": "normal", "sensitivity": "low"})
    medium = skin_profile({"skin_type": "normal", "sensitivity": "medium"})
    red = skin_profile({"skin_type": "normal", "concerns": ["Redness"]})
    assert low is not None and medium is not None and red is not None

    baseline = score_skincare(retinol, low, in_stock, CALIBRATION).factors.fit
    for profile in (medium, red):
        scored = score_skincare(retinol, profile, in_stock, CALIBRATION)
        assert 0 < scored.factors.fit < baseline
        assert scored.factors.fit < score_skincare(gentle, profile, in_stock, CALIBRATION).factors.fit
        assert "skin-rule:retinoids" in scored.citations


def test_the_pack_sizes_of_one_formula_are_one_product_line() -> None:
    fifteen = serum(["Aqua"], name="Dewy Glow Serum 15ml", sizes=["15ml"])
    fifty = serum(["Aqua"], id="serum-50", name="Dewy Glow Serum 50ml", sizes=["50ml"])
    other = serum(["Aqua"], id="serum-x", name="Dewy Night Serum 15ml", sizes=["15ml"])

    assert product_line(fifteen) == product_line(fifty) != product_line(other)
