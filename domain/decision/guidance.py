"""Concrete next steps when no product is confident enough: what to rescan and how, or what is missing."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from domain.decision.filtering import Elimination, Selection

SCAN_FOR_CATEGORY = {"footwear": "foot", "apparel": "body", "skincare": "face", "beauty": "face"}
PRECISE_FOOT_SIGMA_MM = 3.0
"""Above this uncertainty a foot scan cannot separate neighbouring half sizes (4.2 mm apart)."""

RESCAN_TIPS = {
    "foot": "Rescan your foot from directly above, on a plain A4 sheet on the floor, in good light, with the "
    "whole sheet and your heel and toes in the photo.",
    "body": "Rescan from the front in fitted clothes, standing straight with arms slightly apart, your whole "
    "body in frame, and enter your height.",
    "face": "Rescan your face in daylight facing a window, without make-up or filters, hair away from your "
    "forehead and cheeks.",
}


class GuidanceFacts(BaseModel):
    """What the decision graph knew when the filter ran."""

    model_config = ConfigDict(frozen=True)

    category: str
    region: str | None = None
    budget_inr: Decimal | None = None
    has_attributes: bool = True
    measurement_sigma_mm: float | None = None
    scan_issues: tuple[str, ...] = ()
    candidates_considered: int = 0
    cheapest_over_budget_inr: Decimal | None = None


def guidance_for(selection: Selection, facts: GuidanceFacts) -> list[str]:
    """Guidance for an empty selection (an empty list when there are recommendations)."""
    if selection.chosen:
        return []
    scan = SCAN_FOR_CATEGORY.get(facts.category)
    if not facts.has_attributes:
        if scan is None:
            return [f"We cannot size {facts.category} products yet; try footwear, apparel or skincare."]
        return [f"We have no {scan} measurements for you yet. {RESCAN_TIPS[scan]}"]
    if facts.candidates_considered == 0:
        return [
            f"No {facts.category} products are listed right now; try another category or check back later."
        ]
    tips: list[str] = []
    reasons = selection.eliminated
    low_confidence = reasons.get(Elimination.LOW_CONFIDENCE, 0) + reasons.get(
        Elimination.TOO_FEW_CONFIDENT, 0
    )
    if low_confidence and scan is not None:
        tips.append(_rescan_tip(scan, facts))
    if reasons.get(Elimination.OVER_BUDGET):
        tip = f"{reasons[Elimination.OVER_BUDGET]} matching products are over your budget"
        if facts.cheapest_over_budget_inr is not None:
            tip += f"; the cheapest starts at ₹{facts.cheapest_over_budget_inr:,.0f}"
        tips.append(tip + ".")
    if reasons.get(Elimination.OUT_OF_STOCK):
        where = f" in {facts.region}" if facts.region else ""
        tips.append(
            f"{reasons[Elimination.OUT_OF_STOCK]} products in your size are out of stock{where}; "
            "try another delivery region or check back later."
        )
    if reasons.get(Elimination.TOO_FEW_CONFIDENT):
        tips.append(
            f"Only {reasons[Elimination.TOO_FEW_CONFIDENT]} product(s) reached 75% confidence, too few to "
            "compare; widen the budget or category to see more."
        )
    return tips or ["No product reached 75% confidence for you; try a wider budget or another category."]


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
    if issues:
        return f"Your last {scan} scan had problems ({issues}). {RESCAN_TIPS[scan]}"
    return f"No product fitted your measurements closely enough. {RESCAN_TIPS[scan]}"
