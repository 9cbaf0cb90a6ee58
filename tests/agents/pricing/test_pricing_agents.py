"""The pricing agents on the rule-based tier (through the router) and the validator's code rules."""

from __future__ import annotations

from typing import Literal

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel

from agents.pricing.analyst import review
from agents.pricing.explainer import explain
from agents.pricing.price_points import is_price_point, price_point
from agents.pricing.schemas import AnalystReview, PriceCheckContext, PriceReviewContext, ValidationVerdict
from agents.pricing.validator import Proposal, check_rules, finalise, validate
from agents.router import build_router
from agents.rules.model import RuleBasedChatModel
from agents.schemas import MerchantNoteContext
from core.settings import Settings


@pytest.fixture
def model() -> BaseChatModel:
    return build_router(Settings(model_tiers=["rules"], _env_file=None))


def review_context(**overrides: object) -> PriceReviewContext:
    values: dict[str, object] = {
        "title": "Levi's 511 jeans",
        "category": "men/jeans",
        "condition": "good",
        "currency": "INR",
        "price": 1260.0,
        "p5": 1000.0,
        "p95": 1500.0,
        "confidence": 0.6,
        "comparables": 8,
    }
    return PriceReviewContext.model_validate(values | overrides)


def proposal(**overrides: object) -> Proposal:
    values: dict[str, object] = {
        "price": 1260.0,
        "currency": "INR",
        "estimate": 1260.0,
        "p5": 1000.0,
        "p95": 1500.0,
        "confidence": 0.6,
        "comparables": 8,
        "comparable_currencies": frozenset({"INR"}),
    }
    return Proposal(**(values | overrides))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("price", "expected"),
    [(7.4, 7.0), (43.0, 39.0), (262.0, 249.0), (1260.0, 1299.0), (1240.0, 1199.0), (23_400.0, 23_499.0)],
)
def test_inr_prices_land_on_indian_price_points(price: float, expected: float) -> None:
    assert price_point(price, "INR") == expected
    assert is_price_point(expected, "INR")


def test_other_currencies_are_rounded_to_cents() -> None:
    assert price_point(23.456, "USD") == 23.46


async def test_the_rules_analyst_keeps_a_well_supported_estimate(model: BaseChatModel) -> None:
    verdict = await review(model, review_context())

    assert verdict.factor == 1.0
    assert "8 comparable sales" in verdict.reasons[0]


async def test_the_rules_analyst_moves_toward_the_validators_target_within_15_percent(
    model: BaseChatModel,
) -> None:
    verdict = await review(
        model, review_context(price=2000.0, target_price=1500.0, validator_problems=["price above p95"])
    )

    assert verdict.factor == 0.85
    assert any(reason == "validator: price above p95" for reason in verdict.reasons)


async def test_the_rules_analyst_says_when_evidence_is_thin(model: BaseChatModel) -> None:
    verdict = await review(model, review_context(comparables=1))

    assert verdict.factor == 1.0 and "only 1 comparable" in verdict.reasons[0]


def test_a_price_outside_p5_p95_without_justification_is_a_problem_with_a_target() -> None:
    findings = check_rules(proposal(price=1800.0))

    assert findings.target_price == 1500.0
    assert "above the comparables' 95th percentile" in findings.problems[0]
    assert check_rules(proposal(price=1800.0, justification="sealed collector's edition")).problems == ()


def test_comparables_in_another_currency_are_a_problem() -> None:
    findings = check_rules(proposal(comparable_currencies=frozenset({"INR", "USD"})))

    assert findings.problems == ("comparables priced in USD, not INR",)


def test_finalise_rounds_pulls_into_range_and_caps_confidence_when_evidence_is_thin() -> None:
    assert finalise(proposal()) == (1299.0, 0.6, [])
    price, _, notes = finalise(proposal(price=1800.0))
    assert price == 1499.0 and notes == ["price pulled inside the comparables' 5th-95th percentile"]
    _, confidence, notes = finalise(proposal(comparables=2, confidence=0.7))
    assert confidence == 0.4 and "fewer than 3 comparables" in notes[0]


async def test_the_validator_approves_only_without_rule_problems(model: BaseChatModel) -> None:
    clean = PriceCheckContext(
        title="jeans",
        currency="INR",
        price=1260,
        estimate=1260,
        p5=1000,
        p95=1500,
        confidence=0.6,
        comparables=8,
        analyst_factor=1.0,
        analyst_reasons=["fine"],
    )

    approved = await validate(model, clean)
    rejected = await validate(model, clean.model_copy(update={"rule_problems": ["price above p95"]}))
    unexplained = await validate(
        model, clean.model_copy(update={"analyst_factor": 1.1, "analyst_reasons": []})
    )

    assert approved.approved and approved.problems == []
    assert not rejected.approved and rejected.problems == ["price above p95"]
    assert not unexplained.approved and "without giving a reason" in unexplained.problems[0]


async def test_the_explainer_cites_the_closest_sales_and_says_which_tier_wrote_it(
    model: BaseChatModel,
) -> None:
    note = MerchantNoteContext(
        title="Levi's 511 jeans",
        suggested_price_inr=1299,
        low_inr=1150,
        high_inr=1450,
        confidence=0.62,
        comparables=6,
        cited_sales=["Levi's 511 slim fit jeans, ₹1,200, 13 Feb 2025 (similarity 1.00)"],
    )

    reply = await explain(model, note)

    assert "₹1,299" in reply.text and "Closest sales: Levi's 511 slim fit jeans, ₹1,200" in reply.text
    assert reply.response_metadata["pakka"]["tier"] == "rules"


def test_the_rules_tier_refuses_a_review_without_the_facts() -> None:
    structured = RuleBasedChatModel().with_structured_output(AnalystReview)

    with pytest.raises(ValueError, match="price_review task"):
        structured.invoke([HumanMessage("what should I charge for my jeans?")])


@pytest.mark.parametrize("schema", [AnalystReview, ValidationVerdict])
@pytest.mark.parametrize("mode", ["validation", "serialization"])
def test_a_structured_answer_schema_is_pydantics_own_and_callers_cannot_spoil_the_cached_copy(
    schema: type[BaseModel], mode: Literal["validation", "serialization"]
) -> None:
    generated = BaseModel.model_json_schema.__func__(schema, mode=mode)  # type: ignore[attr-defined]

    handed_out = schema.model_json_schema(mode=mode)
    handed_out["properties"].clear()

    assert schema.model_json_schema(mode=mode) == generated
    tool = convert_to_openai_tool(schema)["function"]
    assert tool["name"] == schema.__name__
    assert set(tool["parameters"]["properties"]) == set(generated["properties"])
