"""Guidance for an empty recommendation list names what to do next."""

from __future__ import annotations

from decimal import Decimal

from domain.decision.filtering import Elimination, Selection
from domain.decision.guidance import GuidanceFacts, guidance_for
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
