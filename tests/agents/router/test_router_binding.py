"""Tools and structured output through the router: every tier bound by itself, options kept per provider."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from botocore.stub import ANY
from langchain_core.tools import tool

from agents.router import CallRecordCollector, ModelRouter
from agents.schemas import ShoppingIntent
from tests.agents.router.bedrock_fakes import SONNET, BedrockStubs, converse_text, converse_tool_use

MakeRouter = Callable[..., ModelRouter]


@tool
def search_products(
    query: str | None = None, category: str | None = None, max_price_inr: float | None = None
) -> str:
    """Search the catalog."""
    return "[]"


BEDROCK_ONLY = {"bedrock": {"additional_model_request_fields": {"top_k": 40}}}


def test_bound_tools_reach_bedrock_with_its_own_options(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    expected = {
        "modelId": SONNET,
        "messages": ANY,
        "system": [],
        "inferenceConfig": ANY,
        "toolConfig": {
            "tools": [
                {
                    "toolSpec": {
                        "name": "search_products",
                        "description": "Search the catalog.",
                        "inputSchema": {"json": ANY},
                    }
                }
            ]
        },
        "additionalModelRequestFields": {"top_k": 40},
    }
    bedrock.stub(SONNET).add_response(
        "converse", converse_tool_use("search_products", {"query": "kurta"}), expected
    )
    router = make_router([f"bedrock:{SONNET}", "rules"]).bind_tools(
        [search_products], tier_options=BEDROCK_ONLY
    )

    answer = router.invoke("find me a kurta")

    assert answer.tool_calls[0]["name"] == "search_products"
    assert answer.tool_calls[0]["args"] == {"query": "kurta"}
    bedrock.assert_all_used()


def test_bedrock_options_do_not_leak_into_the_rules_tier(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    bedrock.stub(SONNET).add_client_error(
        "converse", service_error_code="AccessDeniedException", http_status_code=403
    )
    router = make_router([f"bedrock:{SONNET}", "rules"]).bind_tools(
        [search_products], tier_options=BEDROCK_ONLY
    )

    answer = router.invoke("red kurta under 2000")

    assert answer.response_metadata["pakka"]["tier"] == "rules"
    assert answer.tool_calls[0]["name"] == "search_products"
    assert answer.tool_calls[0]["args"] == {
        "query": "red kurta",
        "category": "apparel",
        "max_price_inr": 2000,
    }
    rules_binding = router.runnable_for(router.tiers[-1])
    assert set(rules_binding.kwargs) == {"tools", "tool_choice"}


def test_a_router_used_before_binding_still_binds_every_tier(make_router: MakeRouter) -> None:
    router = make_router(["rules"])
    router.invoke("hello")

    answer = router.bind_tools([search_products]).invoke("red kurta")

    assert answer.tool_calls[0]["name"] == "search_products"
    assert router.invoke("red kurta").tool_calls == []


def test_provider_options_outside_tier_options_are_refused(make_router: MakeRouter) -> None:
    router = make_router(["rules"])

    with pytest.raises(TypeError, match="tier_options"):
        router.bind_tools([search_products], additionalModelRequestFields={"top_k": 40})
    with pytest.raises(TypeError, match="tier_options"):
        router.with_structured_output(ShoppingIntent, method="json_schema")


def test_structured_output_from_bedrock_is_parsed_into_the_schema(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    arguments = {"category": "footwear", "budget_max_inr": 3000, "colour": "black", "query": "shoes"}
    bedrock.stub(SONNET).add_response("converse", converse_tool_use("ShoppingIntent", arguments))
    router = make_router([f"bedrock:{SONNET}", "rules"])
    collector = CallRecordCollector()

    intent = router.with_structured_output(ShoppingIntent).invoke(
        "kaale joote 3k tak", config={"callbacks": [collector]}
    )

    assert intent == ShoppingIntent(category="footwear", budget_max_inr=3000, colour="black", query="shoes")
    assert [record.tier for record in collector.records] == [f"bedrock:{SONNET}"]
    assert collector.records[0].input_tokens == 30
    bedrock.assert_all_used()


def test_structured_output_the_schema_rejects_falls_over_to_the_next_tier(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    bedrock.stub(SONNET).add_response("converse", converse_text("I think you want shoes."))
    router = make_router([f"bedrock:{SONNET}", "rules"])

    result = router.with_structured_output(ShoppingIntent, include_raw=True).invoke("kaale joote 3k tak")

    assert result["parsed"] == ShoppingIntent(
        category="footwear", budget_max_inr=3000, colour="black", query="shoes"
    )
    record = result["raw"].response_metadata["pakka"]
    assert record["tier"] == "rules"
    assert record["attempts"][0]["error"] == "OutputParserException"
    bedrock.assert_all_used()


async def test_async_structured_output_goes_through_the_tiers(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    bedrock.stub(SONNET).add_client_error(
        "converse", service_error_code="ThrottlingException", http_status_code=429
    )
    router = make_router([f"bedrock:{SONNET}", "rules"], model_max_attempts=1)

    intent = await router.with_structured_output(ShoppingIntent).ainvoke("Nike shoes size UK 9")

    assert (intent.brand, intent.size, intent.category) == ("Nike", "UK 9", "footwear")


def test_each_tier_prepares_a_schema_once_and_reuses_it_for_later_calls(
    make_router: MakeRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    router = make_router(["rules"])
    rules = type(router.tiers[0].model())
    prepared: list[object] = []
    original = rules.with_structured_output

    def counting(self: object, schema: object, **kwargs: object) -> object:
        prepared.append(schema)
        return original(self, schema, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rules, "with_structured_output", counting)

    first = router.with_structured_output(ShoppingIntent).invoke("Nike shoes size UK 9")
    second = router.with_structured_output(ShoppingIntent).invoke("kaale joote 3k tak")

    assert (first.brand, second.colour) == ("Nike", "black")
    assert prepared == [ShoppingIntent]


async def test_the_rules_tier_answers_async_calls_on_the_event_loop_thread(
    make_router: MakeRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    router = make_router(["rules"])
    rules = type(router.tiers[0].model())
    threads: list[str] = []
    original = rules._generate

    def recording(self: object, *args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rules, "_generate", recording)

    intent = await router.with_structured_output(ShoppingIntent).ainvoke("Nike shoes size UK 9")

    assert intent.brand == "Nike"
    assert threads == [threading.current_thread().name]
