"""Scores one skincare product for one shopper: ingredient compatibility with their skin, and the evidence.

The fit factor is the label-order weighted ingredient compatibility (knowledge/ingredients); a product with
an ingredient to avoid, or too few known ingredients to judge, scores zero on it. Attribute similarity is
whether the brand claims the product suits the shopper's skin type (`attributes["skin_types"]`)."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel

from core.schemas import Product
from domain.decision.calibration import IsotonicCalibration, PlattCalibration
from domain.decision.confidence import ConfidenceFactors
from domain.decision.filtering import ScoredCandidate, StockCheck
from knowledge.ingredients.check import SkinProfile, ingredient_check
from knowledge.ingredients.table import SkinType, curated_table

UNCLAIMED_SIMILARITY = 0.5
NEUTRAL_BRAND_RELIABILITY = 0.5
"""No feedback signal exists for cosmetics brands yet, so every brand gets the neutral value."""
CITED_INGREDIENTS = 3
LISTED_INGREDIENTS = 10


class IngredientGuidance(BaseModel):
    """What a face scan tells the shopper to look for and to avoid, with the curated entries behind it."""

    compatible: list[str]
    avoid: list[str]
    citations: list[str]


def skin_profile(attributes: dict[str, Any]) -> SkinProfile | None:
    """The ingredient-check profile from stored face attributes; None without a usable skin type."""
    if attributes.get("skin_type") not in get_args(SkinType):
        return None
    return SkinProfile.model_validate(
        {"skin_type": attributes["skin_type"], "concerns": list(attributes.get("concerns", []))}
    )


def _similarity(product: Product, skin_type: str) -> float:
    claimed = product.attributes.get("skin_types")
    if not isinstance(claimed, list) or not claimed:
        return UNCLAIMED_SIMILARITY
    return 1.0 if skin_type in {str(kind).casefold() for kind in claimed} else 0.0


def score_skincare(
    product: Product,
    profile: SkinProfile,
    in_stock: StockCheck,
    calibration: PlattCalibration | IsotonicCalibration,
) -> ScoredCandidate:
    check = ingredient_check(profile, product.ingredients)
    usable = check.score is not None and check.verdict != "avoid"
    factors = ConfidenceFactors(
        fit=check.score if usable and check.score is not None else 0.0,
        attribute_similarity=_similarity(product, profile.skin_type),
        metadata_quality=product.metadata_quality,
        brand_reliability=NEUTRAL_BRAND_RELIABILITY,
    )
    cited = [verdict for verdict in check.ingredients if verdict.source_id and verdict.status != "unknown"]
    cited.sort(key=lambda verdict: verdict.status != "avoid")
    reasons = [
        f"{verdict.source_id}: {verdict.listed_as} is {verdict.status} ({'; '.join(verdict.reasons)})"
        for verdict in cited[:CITED_INGREDIENTS]
    ]
    cautions = [check.summary] if check.verdict in {"avoid", "caution", "unknown"} else []
    cautions += [
        f"{conflict.first} with {conflict.second}: {conflict.reason}" for conflict in check.conflicts
    ]
    return ScoredCandidate.of(
        product,
        None,
        in_stock,
        factors,
        calibration,
        reasons=tuple(reasons),
        cautions=tuple(cautions),
        citations=tuple(str(verdict.source_id) for verdict in cited),
    )


def ingredient_guidance(profile: SkinProfile) -> IngredientGuidance:
    """Curated ingredients that help this skin (good for its type or concerns) and those it should avoid,
    each judged by the same rules as a product's label."""
    compatible: list[str] = []
    avoid: list[str] = []
    citations: list[str] = []
    for info in curated_table().curated:
        helps = profile.skin_type in info.good_for or bool(set(profile.concerns) & set(info.concerns))
        verdict = ingredient_check(profile, [info.inci]).ingredients[0]
        if verdict.status == "avoid" and len(avoid) < LISTED_INGREDIENTS:
            avoid.append(info.inci)
            citations.append(info.id)
        elif verdict.status == "compatible" and helps and len(compatible) < LISTED_INGREDIENTS:
            compatible.append(info.inci)
            citations.append(info.id)
    return IngredientGuidance(compatible=compatible, avoid=avoid, citations=citations)
