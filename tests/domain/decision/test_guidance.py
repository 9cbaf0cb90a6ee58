"""Guidance for an empty recommendation list names what to do next."""

from __future__ import annotations

from decimal import Decimal

from domain.decision.confidence import ConfidenceFactors
from domain.decision.filtering import Elimination, FilterRules, ScoredCandidate, Selection
from domain.decision.guidance import (
    SHORTFALL_ATTRIBUTES,
    SHORTFALL_SIZE,
    SHORTFALL_UNCERTAIN,
    GuidanceFacts,
    guidance_for,
    shortfalls,
)
from tests.domain.decision.candidates import candidate


def empty(**eliminated: int) -> Selection:
    return Selection(chosen=[], eliminated={Elimination[name]: count for name, count in eliminated.items()})


def test_no_guidance_is_given_when_there_are_recommendations() -> None:
    selection = Selection(chosen=[candidate("p1", 0.9)], eliminated={})

    assert guidance_for(selection, GuidanceFacts(category="footwear")) == []


def test_a_shopper_without_measurements_is_told_which_scan_to_take_and_how() -> None:
    tips = guidance_for(empty(), GuidanceFacts(category="footwear", has_attributes=False))

    assert len(tips) == 1
    assert "foot" in tips[0] and "A4 sheet" in tips[0]


def test_an_uncertain_foot_scan_asks_for_a_rescan_quoting_the_uncertainty_and_issues() -> None:
    facts = GuidanceFacts(
        category="footwear", measurement_sigma_mm=5.2, scan_issues=("blurred",), candidates_considered=8
    )

    tips = guidance_for(empty(LOW_CONFIDENCE=8), facts)

    assert "±5.2 mm" in tips[0] and "blurred" in tips[0] and "good light" in tips[0]


def test_budget_and_stock_eliminations_each_get_a_concrete_tip() -> None:
    facts = GuidanceFacts(
        category="apparel",
        region="mumbai",
        budget_inr=Decimal("500"),
        candidates_considered=5,
        cheapest_over_budget_inr=Decimal("1299"),
    )

    tips = guidance_for(empty(OVER_BUDGET=3, OUT_OF_STOCK=2), facts)

    assert tips == [
        "3 matching products are over your budget; the cheapest starts at ₹1,299.",
        "2 products in your size are out of stock in mumbai; "
        "try another delivery region or check back later.",
    ]


def test_an_empty_category_says_so() -> None:
    tips = guidance_for(empty(), GuidanceFacts(category="skincare", candidates_considered=0))

    assert tips == ["No skincare products are listed right now; try another category or check back later."]


def test_too_few_confident_matches_suggest_widening_the_search() -> None:
    tips = guidance_for(
        empty(TOO_FEW_CONFIDENT=2), GuidanceFacts(category="skincare", candidates_considered=4)
    )

    assert any("Only 2 product(s) reached 75% confidence" in tip for tip in tips)
    assert any("daylight" in tip for tip in tips)


def test_a_precise_foot_scan_is_not_told_to_rescan_but_why_products_fell_short() -> None:
    facts = GuidanceFacts(
        category="footwear",
        measurement_sigma_mm=1.3,
        candidates_considered=8,
        shortfalls={SHORTFALL_ATTRIBUTES: 5, SHORTFALL_SIZE: 2},
    )

    tips = guidance_for(empty(LOW_CONFIDENCE=7), facts)

    assert not any("Rescan" in tip or "rescan" in tip for tip in tips)
    assert "2 products come in no size that fits your foot." in tips
    assert "5 products in your size are cut for another width than your foot's." in tips


def test_without_a_budget_nobody_is_told_to_widen_it() -> None:
    facts = GuidanceFacts(category="footwear", measurement_sigma_mm=1.3, candidates_considered=4)

    tips = guidance_for(empty(TOO_FEW_CONFIDENT=2), facts) + guidance_for(empty(), facts)

    assert tips and not any("budget" in tip for tip in tips)


def test_a_budget_that_cut_products_is_named_in_the_advice() -> None:
    facts = GuidanceFacts(
        category="footwear", budget_inr=Decimal("999"), measurement_sigma_mm=1.3, candidates_considered=6
    )

    tips = guidance_for(empty(TOO_FEW_CONFIDENT=2, OVER_BUDGET=3), facts)

    assert any("raise the budget" in tip for tip in tips)


def test_an_uncertain_body_scan_asks_for_a_side_photo() -> None:
    facts = GuidanceFacts(category="apparel", body_sigma_cm=4.2, candidates_considered=5)

    tips = guidance_for(empty(LOW_CONFIDENCE=5), facts)

    assert tips[0].startswith("Your body measurements are uncertain by up to ±4.2 cm")
    assert "side" in tips[0]


def test_shortfalls_count_only_in_stock_affordable_products_below_the_threshold() -> None:
    def scored(product_id: str, fit: float, similarity: float, **update: object) -> ScoredCandidate:
        factors = ConfidenceFactors(
            fit=fit, attribute_similarity=similarity, metadata_quality=0.8, brand_reliability=0.9
        )
        item = candidate(product_id, 0.6).model_copy(update={"factors": factors, **update})
        return item

    counts = shortfalls(
        [
            scored("a", 0.2, 1.0),
            scored("b", 0.95, 0.1),
            scored("c", 0.7, 0.9),
            scored("d", 0.2, 1.0, in_stock=False),
            scored("e", 0.95, 0.1, confidence=0.9),
        ],
        FilterRules(),
    )

    assert counts == {SHORTFALL_SIZE: 1, SHORTFALL_ATTRIBUTES: 1, SHORTFALL_UNCERTAIN: 1}
