"""The explanations suite runs the decision and pricing graphs and checks every number and citation of their
explanations against the evidence; it works offline on the rule-based tier and catches a doctored text."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from evals.metrics.explanation_evidence import recommendation_evidence
from evals.metrics.explanation_faithfulness import FaithfulnessCheck, check_explanation
from evals.runner.suite import RunContext
from evals.suites.explanations import (
    SUITE,
    Item,
    decide,
    demo_requests,
    open_services,
    price,
    rates,
)
from graphs.services import Services

FOOT = {"length_mm": 262.0, "width_mm": 100.0, "length_sigma_mm": 1.5, "width_sigma_mm": 1.5}
OILY = {"skin_type": "oily", "sensitivity": "low", "concerns": ["acne"]}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    opened = open_services(Settings(_env_file=None, model_tiers=["rules"]), tmp_path)
    try:
        yield opened
    finally:
        opened.close()


def shoe_recommendation(services: Services) -> tuple[str, object]:
    state, tier = asyncio.run(decide(services, "u-1", "footwear", FOOT, stored=False, region="mumbai"))
    recommendation = state["result"].recommendations[0]
    candidate = next(c for c in state["candidates"] if c["product"].id == recommendation.product_id)
    evidence = recommendation_evidence(
        recommendation, candidate["product"], FOOT, "footwear", candidate["adjustment"]
    )
    return tier, (recommendation, evidence)


def test_the_rules_tiers_shoe_explanation_is_fully_supported_by_the_chart(services: Services) -> None:
    tier, (recommendation, evidence) = shoe_recommendation(services)

    check = check_explanation(recommendation.explanation, evidence)

    assert tier == "rules"
    assert (
        check.numbers_found >= 8
    )  # size, price, confidence, the row's foot lengths, room, foot, sigma, chance
    assert check.fully_faithful, check.unsupported


def test_a_made_up_foot_length_in_a_real_explanation_is_flagged(services: Services) -> None:
    _, (recommendation, evidence) = shoe_recommendation(services)
    doctored = recommendation.explanation.replace("your foot measures 262 mm", "your foot measures 268 mm")

    check = check_explanation(doctored, evidence)

    assert doctored != recommendation.explanation
    assert check.unsupported == ("268 mm",)


def test_a_wrong_chart_row_in_a_real_explanation_is_flagged(services: Services) -> None:
    _, (recommendation, evidence) = shoe_recommendation(services)
    size = recommendation.size
    doctored = recommendation.explanation.replace(f"size {size} fits", "size UK 12 fits")

    assert "UK 12" in check_explanation(doctored, evidence).unsupported


def test_a_skincare_explanation_cites_only_ingredients_the_product_lists(services: Services) -> None:
    state, _ = asyncio.run(decide(services, "u-2", "skincare", OILY, stored=True, region="mumbai"))
    recommendation = state["result"].recommendations[0]
    product = next(c["product"] for c in state["candidates"] if c["product"].id == recommendation.product_id)
    evidence = recommendation_evidence(recommendation, product, state["attributes"], "skincare")

    check = check_explanation(recommendation.explanation, evidence)
    invented = check_explanation(recommendation.explanation + " Retinol helps too.", evidence)

    assert state["attributes_source"] == "stored"
    assert check.citations_found >= 1 and check.fully_faithful, check.unsupported
    assert "Retinol" in invented.unsupported


def test_a_demo_price_note_is_fully_supported_by_its_comparables(services: Services) -> None:
    [(key, request)] = demo_requests(1)

    item = asyncio.run(price(services, "demo", key, request))

    assert item.tier == "rules"
    assert item.check.citations_found >= 2  # the quoted listing and its closest sales
    assert item.check.fully_faithful, item.check.unsupported


def test_support_rates_pool_every_items_numbers() -> None:
    def item(found: int, supported: int) -> Item:
        check = FaithfulnessCheck(found, supported, 0, 0, ("x",) * (found - supported))
        return Item("decision", f"i{found}", "footwear", "rules", "", check, "")

    metrics = {m.name: m.value for m in rates("", [item(10, 10), item(10, 5)], seed=0)}

    assert metrics["number_support_rate"] == 0.75
    assert metrics["citation_support_rate"] is None  # no citations at all: undefined, not perfect
    assert metrics["fully_faithful_share"] == 0.5


def test_a_smoke_run_without_shared_data_reports_every_declared_rate(tmp_path: Path) -> None:
    ctx = RunContext(settings=Settings(_env_file=None, model_tiers=["rules"]), smoke=True, work_dir=tmp_path)

    outcome = SUITE.run(ctx)

    values = {m.name: m for m in outcome.metrics}
    assert values["decision/items"].value and values["pricing/items"].value
    assert values["number_support_rate"].value == 1.0  # the rule-based tier states only what it was given
    assert values["fully_faithful_share"].value == 1.0
    assert values["ragas_faithfulness"].value is None
    assert values["ragas_faithfulness"].note.startswith("not judged")
    assert {row["tier"] for row in outcome.items} == {"rules"}
