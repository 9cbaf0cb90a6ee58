"""Scores one skincare product for one shopper: ingredient compatibility with their skin, and the evidence.

The fit factor is the label-order weighted ingredient compatibility (knowledge/ingredients), which respects
the shopper's stated sensitivity and concerns (retinoids, exfoliating acids, benzoyl peroxide, fragrance and
denatured alcohol avoided or ranked lower, each by a cited rule); a product with an ingredient to avoid, or
too few known ingredients to judge, scores zero on it. Attribute similarity is whether the brand claims the
product suits the shopper's skin type (`attributes["skin_types"]`). Every volume of one formula is one
product line (`product_line`), so the answer shows each formula once."""

from __future__ import annotations

import re
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
SENSITIVITIES = ("low", "medium", "high")
_PACK_SIZE = re.compile(r"\s*[-,(]?\s*\d+(?:\.\d+)?\s*(?:ml|g|gm|kg|l|oz|fl\.? ?oz)\)?\s*$", re.IGNORECASE)


class IngredientGuidance(BaseModel):
    """What a face scan tells the shopper to look for and to avoid, with the curated entries behind it."""

    compatible: list[str]
    avoid: list[str]
    citations: list[str]


def skin_profile(attributes: dict[str, Any]) -> SkinProfile | None:
    """The ingredient-check profile from stored face attributes (skin type, the stated sensitivity and
    concerns); None without a usable skin type."""
    if attributes.get("skin_type") not in get_args(SkinType):
        return None
    sensitivity = attributes.get("sensitivity")
    return SkinProfile.model_validate(
        {
            "skin_type": attributes["skin_type"],
            "sensitivity": sensitivity if sensitivity in SENSITIVITIES else None,
            "concerns": [str(concern).strip().casefold() for concern in attributes.get("concerns", [])],
        }
    )


def product_line(product: Product) -> str:
    """The formula a product is a pack of: its brand and name without the pack size ("Neem & Dew Gentle
    Cream Cleanser 150ml" and "... 50ml" are one line)."""
    name = product.name
    for size in product.sizes:
        if name.casefold().endswith(size.casefold()):
            name = name[: -len(size)]
            break
    name = " ".join(_PACK_SIZE.sub("", name).casefold().split())
    brand = " ".join(product.brand.casefold().split())
    return name if name.startswith(brand) else f"{brand} {name}".strip()


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
    cited = sorted(
        (
            (index, verdict)
            for index, verdict in enumerate(check.ingredients)
            if (verdict.source_id or verdict.rules) and verdict.status != "unknown"
        ),
        key=lambda pair: (
            {"avoid": 0, "caution": 1}.get(pair[1].status, 2),
            not any(reason.startswith("helps with") for reason in pair[1].reasons),
            pair[0],
        ),
    )
    reasons = [
        f"{verdict.listed_as} is {_status_words(verdict.status)} for your skin ({'; '.join(verdict.reasons)})"
        for _, verdict in cited[:CITED_INGREDIENTS]
    ]
    cautions = [check.summary] if check.verdict in {"avoid", "caution", "unknown"} else []
    cautions += [
        f"{conflict.first} with {conflict.second}: {conflict.reason}" for conflict in check.conflicts
    ]
    citations = [str(verdict.source_id) for _, verdict in cited if verdict.source_id]
    citations += sorted({rule for _, verdict in cited for rule in verdict.rules})
    return ScoredCandidate.of(
        product,
        None,
        in_stock,
        factors,
        calibration,
        reasons=tuple(reasons),
        cautions=tuple(cautions),
        citations=tuple(dict.fromkeys(citations)),
        line=product_line(product),
    )


def _status_words(status: str) -> str:
    return {"compatible": "suitable", "caution": "one to use with care", "avoid": "one to avoid"}[status]


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
