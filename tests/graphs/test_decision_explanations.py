"""The decision graph's explanations: one structured router call for the whole list, each recommendation
explained from its own chart rows; a failing model tier falls back, and a product a model's list answer
skips is explained on its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler

from agents.router import ModelRouter, build_router
from agents.schemas import FitExplanationContext
from agents.text_tasks import TextTask, task_message
from core.context import AppContext
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store
from domain.decision.results import DecisionResult
from graphs.decision import graph
from graphs.services import Services
from tests.agents.router.bedrock_fakes import SONNET, BedrockStubs, converse_text, converse_tool_use
from tests.graphs.test_decision_graph import TENANT, seed_shoes, with_stored_foot

REQUEST = {"user_id": "u-1", "category": "footwear", "region": "mumbai"}
RECOMMENDED = ["kadam-a", "sprint-c", "sprint-b", "plain-a", "dear-a"]


class TierCalls(BaseCallbackHandler):
    """The tier of every chat model run the router starts (its runs are tagged `pakka_tier:<name>`)."""

    def __init__(self) -> None:
        self.tiers: list[str] = []

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[Any]], *, run_id: UUID, **kwargs: Any
    ) -> None:
        self.tiers += [
            tag.removeprefix("pakka_tier:") for tag in kwargs.get("tags") or [] if "pakka_tier:" in tag
        ]


@pytest.fixture
def store(sqlite_settings: Settings) -> Iterator[Store]:
    opened = open_store(sqlite_settings)
    try:
        seed_shoes(opened)
        yield opened
    finally:
        opened.close()


def context_with(store: Store, settings: Settings, model: ModelRouter | None = None) -> AppContext:
    context = AppContext(
        services=Services.build(settings, store, model=model), tenant_id=TENANT, user_id="u-1"
    )
    with_stored_foot(context)
    return context


def bedrock_router(bedrock: BedrockStubs) -> ModelRouter:
    """Sonnet on stubbed Bedrock clients, then the rules tier; one attempt per tier."""
    tiers = Settings(_env_file=None, model_tiers=[f"bedrock:{SONNET}", "rules"], model_max_attempts=1)
    return build_router(tiers, bedrock_clients=bedrock.clients)


async def decide(context: AppContext, calls: TierCalls | None = None) -> DecisionResult:
    config = {"callbacks": [calls]} if calls is not None else None
    state = await graph.ainvoke(REQUEST, context=context, config=config)
    result: DecisionResult = state["result"]
    return result


async def test_every_recommendation_is_explained_by_one_call_of_the_rules_tier(
    store: Store, sqlite_settings: Settings
) -> None:
    calls = TierCalls()

    result = await decide(context_with(store, sqlite_settings), calls)

    assert [item.product_id for item in result.recommendations] == RECOMMENDED
    assert calls.tiers == ["rules"]
    for item in result.recommendations:
        assert f"size {item.size} fits feet of" in item.explanation
        assert "chart:" not in item.explanation
        others = {f"size {other.size} fits" for other in result.recommendations if other.size != item.size}
        assert not any(row in item.explanation for row in others)


async def test_each_explanation_is_the_one_the_rules_tier_writes_for_that_product_alone(
    store: Store, sqlite_settings: Settings
) -> None:
    context = context_with(store, sqlite_settings)

    state = await graph.ainvoke(REQUEST, context=context)

    rules = context.services.model
    for chosen, item in zip(state["selection"].chosen, state["result"].recommendations, strict=True):
        alone = FitExplanationContext(
            product_name=chosen.name,
            brand=chosen.brand,
            size=chosen.size,
            confidence=chosen.confidence,
            price_inr=float(chosen.price_inr),
            reasons=list(chosen.reasons),
            cautions=list(chosen.cautions),
        )
        assert item.explanation == (await rules.ainvoke([task_message(TextTask.FIT_EXPLANATION, alone)])).text


async def test_a_failing_model_tier_falls_back_to_the_rules_tier_for_the_whole_list(
    store: Store, sqlite_settings: Settings
) -> None:
    bedrock = BedrockStubs()
    bedrock.stub(SONNET).add_client_error(
        "converse", service_error_code="ValidationException", http_status_code=400
    )
    rules_only = await decide(context_with(store, sqlite_settings))
    calls = TierCalls()

    result = await decide(context_with(store, sqlite_settings, bedrock_router(bedrock)), calls)

    assert calls.tiers == [f"bedrock:{SONNET}", "rules"]
    assert [item.explanation for item in result.recommendations] == [
        item.explanation for item in rules_only.recommendations
    ]
    bedrock.assert_all_used()


async def test_a_product_the_models_list_answer_skips_is_explained_by_a_call_of_its_own(
    store: Store, sqlite_settings: Settings
) -> None:
    bedrock = BedrockStubs()
    sonnet = bedrock.stub(SONNET)
    listed = {"product_id": "kadam-a", "text": "Kadam in UK 8: the chart row chart:kadam:uk-8 fits you."}
    sonnet.add_response("converse", converse_tool_use("FitExplanations", {"explanations": [listed]}))
    for product_id in RECOMMENDED[1:]:
        sonnet.add_response("converse", converse_text(f"Written alone for {product_id}."))
    calls = TierCalls()

    result = await decide(context_with(store, sqlite_settings, bedrock_router(bedrock)), calls)

    explanations = {item.product_id: item.explanation for item in result.recommendations}
    assert explanations["kadam-a"] == listed["text"]
    assert {explanations[product_id] for product_id in RECOMMENDED[1:]} == {
        f"Written alone for {product_id}." for product_id in RECOMMENDED[1:]
    }
    assert calls.tiers == [f"bedrock:{SONNET}"] * len(RECOMMENDED)
    bedrock.assert_all_used()


async def test_the_stream_sends_each_explanation_once_after_the_list_is_written(
    store: Store, sqlite_settings: Settings
) -> None:
    streamed: list[str] = []

    async for mode, chunk in graph.astream(
        REQUEST, context=context_with(store, sqlite_settings), stream_mode=["updates", "custom"]
    ):
        if mode == "custom":
            streamed.append(chunk["explanation"]["product_id"])

    assert streamed == RECOMMENDED
