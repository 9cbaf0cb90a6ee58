"""Concrete next steps when no product is confident enough: what to rescan and how, or what is missing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from domain.decision.filtering import Elimination, FilterRules, ScoredCandidate, Selection

SCAN_FOR_CATEGORY = {"footwear": "foot", "apparel": "body", "skincare": "face", "beauty": "face"}
PRECISE_FOOT_SIGMA_MM = 3.0
"""Above this uncertainty a foot scan cannot separate neighbouring half sizes (4.2 mm apart)."""
PRECISE_BODY_SIGMA_CM = 2.5
"""Above this uncertainty (chest, waist or hip) a body scan cannot separate neighbouring sizes, whose
ranges are 4-6 cm wide."""

RESCAN_TIPS = {
    "foot": "Rescan your foot on a plain A4 sheet on the floor, in good light, with the whole sheet and "
    "your heel and toes in the photo: take it from the side of your foot (from in front, your shin hides "
    "your heel and the length can only be estimated), or stand with your heel against a wall at the "
    "sheet's short edge.",
    "body": "Rescan from the front in fitted clothes, standing straight with arms slightly apart, your whole "
    "body in frame, and enter your height; a second photo from the side narrows the chest, waist and hip.",
    "face": "Rescan your face in daylight facing a window, without make-up or filters, hair away from your "
    "forehead and cheeks.",
}


Shortfall = str
"""Why a confidently-measured shopper's product fell short: see `shortfalls`."""
SHORTFALL_SIZE = "no_size_fits"
SHORTFALL_ATTRIBUTES = "attributes"
SHORTFALL_UNCERTAIN = "fit_uncertain"
ATTRIBUTE_WORDS = {
    "footwear": "in your size are cut for another width than your foot's",
    "apparel": "in your size are cut to wear tighter or looser than you like",
    "skincare": "are made for another skin type",
}
SIZE_WORDS = {
    "footwear": "come in no size that fits your foot",
    "apparel": "come in no size that fits your measurements",
    "skincare": "have ingredients your skin should avoid",
}


class GuidanceFacts(BaseModel):
    """What the decision graph knew when the filter ran."""

    model_config = ConfigDict(frozen=True)

    category: str
    region: str | None = None
    budget_inr: Decimal | None = None
    has_attributes: bool = True
    measurement_sigma_mm: float | None = None
    body_sigma_cm: float | None = Field(
        default=None, description="The largest uncertainty of the chest, waist and hip measurements"
    )
    scan_issues: tuple[str, ...] = ()
    candidates_considered: int = 0
    cheapest_over_budget_inr: Decimal | None = None
    shortfalls: dict[Shortfall, int] = Field(
        default_factory=dict, description="Why in-stock, affordable products fell below the threshold"
    )
    gender: str | None = Field(default=None, description="The shopper's men's / women's preference")


def shortfalls(candidates: Sequence[ScoredCandidate], rules: FilterRules) -> dict[Shortfall, int]:
    """How many in-stock, affordable products fell below the confidence threshold for each reason: no size
    of theirs fits (fit below one half), their attributes do not suit the shopper (width fitting, wear,
    skin type: similarity below one half), or the fit is likely but not likely enough."""
    found: Counter[Shortfall] = Counter()
    for item in candidates:
        over_budget = rules.budget_inr is not None and item.price_inr > rules.budget_inr
        if not item.in_stock or over_budget or item.confidence >= rules.min_confidence:
            continue
        if item.factors.fit < 0.5:
            found[SHORTFALL_SIZE] += 1
        elif item.factors.attribute_similarity < 0.5:
            found[SHORTFALL_ATTRIBUTES] += 1
        else:
            found[SHORTFALL_UNCERTAIN] += 1
    return dict(found)


def guidance_for(selection: Selection, facts: GuidanceFacts) -> list[str]:
    """Guidance for an empty selection (an empty list when there are recommendations), naming the real
    reasons: a rescan only when the scan was uncertain or had problems, a budget only when one was set."""
    if selection.chosen:
        return []
    scan = SCAN_FOR_CATEGORY.get(facts.category)
    if not facts.has_attributes:
        if scan is None:
            return [f"We cannot size {facts.category} products yet; try footwear, apparel or skincare."]
        return [f"We have no {scan} measurements for you yet. {RESCAN_TIPS[scan]}"]
    if facts.candidates_considered == 0:
        for_whom = f" {facts.gender}'s" if facts.gender else ""
        return [
            f"No{for_whom} {facts.category} products are listed right now; try another category or check "
            "back later."
        ]
    tips: list[str] = []
    reasons = selection.eliminated
    low_confidence = reasons.get(Elimination.LOW_CONFIDENCE, 0) + reasons.get(
        Elimination.TOO_FEW_CONFIDENT, 0
    )
    if low_confidence and scan is not None:
        tips.extend(_confidence_tips(scan, facts))
    if reasons.get(Elimination.OVER_BUDGET):
        tip = f"{reasons[Elimination.OVER_BUDGET]} matching products are over your budget"
        if facts.cheapest_over_budget_inr is not None:
            tip += f"; the cheapest starts at ₹{facts.cheapest_over_budget_inr:,.0f}"
        tips.append(tip + ".")
    if reasons.get(Elimination.OUT_OF_STOCK):
        where = f" in {facts.region}" if facts.region else ""
        other_region = "try another delivery region or " if facts.region else ""
        tips.append(
            f"{reasons[Elimination.OUT_OF_STOCK]} products in your size are out of stock{where}; "
            f"{other_region}check back later."
        )
    if reasons.get(Elimination.TOO_FEW_CONFIDENT):
        widen = "raise the budget or try" if reasons.get(Elimination.OVER_BUDGET) else "try"
        tips.append(
            f"Only {reasons[Elimination.TOO_FEW_CONFIDENT]} product(s) reached 75% confidence, too few to "
            f"compare; {widen} another category, or check back as new products arrive."
        )
    if tips:
        return tips
    if facts.budget_inr is not None:
        return ["No product reached 75% confidence for you; try a higher budget or another category."]
    return ["No product reached 75% confidence for you; try another category or check back later."]


def _confidence_tips(scan: str, facts: GuidanceFacts) -> list[str]:
    """Why products fell short of 75% confidence, and what would help."""
    if _scan_was_uncertain(scan, facts):
        return [_rescan_tip(scan, facts)]
    tips: list[str] = []
    counts = facts.shortfalls
    if counts.get(SHORTFALL_SIZE):
        tips.append(f"{counts[SHORTFALL_SIZE]} products {SIZE_WORDS.get(facts.category, 'do not suit you')}.")
    if counts.get(SHORTFALL_ATTRIBUTES):
        tips.append(
            f"{counts[SHORTFALL_ATTRIBUTES]} products "
            f"{ATTRIBUTE_WORDS.get(facts.category, 'are not a close enough match')}."
        )
    if counts.get(SHORTFALL_UNCERTAIN):
        tips.append(
            f"{counts[SHORTFALL_UNCERTAIN]} products would probably fit, but not with 75% confidence; "
            "check back as shoppers review them."
        )
    return tips


def _scan_was_uncertain(scan: str, facts: GuidanceFacts) -> bool:
    if facts.scan_issues:
        return True
    if scan == "foot":
        return facts.measurement_sigma_mm is not None and facts.measurement_sigma_mm > PRECISE_FOOT_SIGMA_MM
    if scan == "body" and facts.body_sigma_cm is not None:
        return facts.body_sigma_cm > PRECISE_BODY_SIGMA_CM
    return not facts.shortfalls


def _rescan_tip(scan: str, facts: GuidanceFacts) -> str:
    issues = ", ".join(facts.scan_issues)
    if (
        scan == "foot"
        and facts.measurement_sigma_mm is not None
        and (facts.measurement_sigma_mm > PRECISE_FOOT_SIGMA_MM)
    ):
        prefix = (
            f"Your last foot scan was uncertain by ±{facts.measurement_sigma_mm:.1f} mm"
            + (f" ({issues})" if issues else "")
            + ", too much to choose between neighbouring sizes. "
        )
        return prefix + RESCAN_TIPS[scan]
    if scan == "body" and facts.body_sigma_cm is not None and facts.body_sigma_cm > PRECISE_BODY_SIGMA_CM:
        return (
            f"Your body measurements are uncertain by up to ±{facts.body_sigma_cm:.1f} cm"
            + (f" ({issues})" if issues else "")
            + ", too much to choose between neighbouring sizes. "
            + RESCAN_TIPS[scan]
        )
    if issues:
        return f"Your last {scan} scan had problems ({issues}). {RESCAN_TIPS[scan]}"
    return f"No product fitted your measurements closely enough. {RESCAN_TIPS[scan]}"
