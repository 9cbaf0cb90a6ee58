"""The rule-based chat model as graphs use it: structured output, commerce tool calls, text, streaming."""

from __future__ import annotations

import json

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import chat_models
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.utils.function_calling import convert_to_json_schema
from pydantic import BaseModel

from agents.rules import RuleBasedChatModel
from agents.rules.structured import RulesCannotAnswer
from agents.schemas import (
    ChatAction,
    ChatTurn,
    FitExplanationContext,
    FitExplanations,
    FitExplanationsContext,
    ShoppingIntent,
    SiteCopy,
    SiteCopyContext,
)
from agents.text_tasks import TextTask, task_message
from tools.commerce import COMMERCE_TOOLS

model = RuleBasedChatModel()
shop = model.bind_tools(COMMERCE_TOOLS)
EXPLAINED = FitExplanationContext(
    product_id="shoe-1",
    product_name="Glide",
    brand="Sprintara",
    size="UK 8",
    confidence=0.91,
    price_inr=2499,
    reasons=["chart:sprintara:uk-8 fits feet of 262-270 mm"],
)


def only_call(message: AIMessage) -> tuple[str, dict]:
    assert len(message.tool_calls) == 1
    return message.tool_calls[0]["name"], message.tool_calls[0]["args"]


def test_structured_shopping_intent_from_the_last_human_message() -> None:
    intent = model.with_structured_output(ShoppingIntent).invoke(
        [HumanMessage("hi"), AIMessage("Namaste!"), HumanMessage("Puma sneakers 2-3k size 8")]
    )

    assert intent == ShoppingIntent(
        category="footwear",
        budget_min_inr=2000,
        budget_max_inr=3000,
        size="8",
        brand="Puma",
        query="sneakers",
    )


def test_structured_chat_turn() -> None:
    turn = model.with_structured_output(ChatTurn).invoke("cancel order ord_77")

    assert (turn.action, turn.order_id) == (ChatAction.CANCEL_ORDER, "ord_77")


def test_an_unknown_schema_is_filled_by_field_name_or_refused() -> None:
    class Budget(BaseModel):
        budget_max_inr: int
        colour: str | None = None

    class Needs(BaseModel):
        delivery_pincode: str

    assert model.with_structured_output(Budget).invoke("red saree under 1500") == Budget(
        budget_max_inr=1500, colour="red"
    )
    with pytest.raises(RulesCannotAnswer, match="delivery_pincode"):
        model.with_structured_output(Needs).invoke("red saree under 1500")


def test_search_request_calls_search_products_with_the_parsed_filters() -> None:
    name, args = only_call(shop.invoke("kaale joote 3000 se kam size 9"))

    assert name == "search_products"
    assert args == {"query": "black shoes", "category": "footwear", "size": "9", "max_price_inr": 3000}


@pytest.mark.parametrize(
    ("text", "tool", "args"),
    [
        ("tell me about prd_42", "get_product", {"product_id": "prd_42"}),
        ("is prd_42 in stock in size 9?", "check_inventory", {"product_id": "prd_42", "size": "9"}),
        (
            "add 2 pcs prd_9 size L to cart",
            "add_to_cart",
            {"product_id": "prd_9", "size": "L", "quantity": 2},
        ),
        ("show my cart", "view_cart", {}),
        ("place my order", "place_order", {}),
        ("where is my order ord_12", "order_status", {"order_id": "ord_12"}),
        ("where are my orders", "order_status", {}),
        ("cancel order ord_12", "cancel_order", {"order_id": "ord_12"}),
    ],
)
def test_chat_actions_call_the_matching_commerce_tool(text: str, tool: str, args: dict) -> None:
    assert only_call(shop.invoke(text)) == (tool, args)


def test_a_missing_required_argument_is_asked_for_instead_of_guessed() -> None:
    answer = shop.invoke("cancel my order")

    assert answer.tool_calls == []
    assert "order id" in answer.text


def test_ids_shown_in_earlier_results_are_picked_by_ordinal() -> None:
    results = {"items": [{"id": "prd_1", "name": "Runner"}, {"id": "prd_2", "name": "Walker"}]}
    conversation = [
        HumanMessage("show me shoes"),
        AIMessage("", tool_calls=[{"name": "search_products", "args": {}, "id": "c1"}]),
        ToolMessage(json.dumps(results), tool_call_id="c1", name="search_products"),
        AIMessage("Here is what I found"),
        HumanMessage("add the second one in size 9 to my cart"),
    ]

    assert only_call(shop.invoke(conversation)) == ("add_to_cart", {"product_id": "prd_2", "size": "9"})


def test_tool_results_are_summarised_for_the_shopper() -> None:
    results = {"items": [{"id": "prd_1", "name": "Runner", "brand": "Nike", "price_inr": 2999.0}]}
    conversation = [
        HumanMessage("nike shoes"),
        AIMessage("", tool_calls=[{"name": "search_products", "args": {}, "id": "c1"}]),
        ToolMessage(json.dumps(results), tool_call_id="c1", name="search_products"),
    ]

    answer = shop.invoke(conversation)

    assert answer.tool_calls == []
    assert "1. Nike Runner, ₹2,999 [prd_1]" in answer.text


def test_writing_tasks_are_filled_from_their_facts() -> None:
    context = FitExplanationContext(
        product_name="Pegasus 41",
        brand="Nike",
        size="UK 9",
        confidence=0.82,
        price_inr=8999,
        reasons=["foot length 27.1 cm fits UK 9 (26.8-27.5 cm)"],
    )

    text = model.invoke([task_message(TextTask.FIT_EXPLANATION, context)]).text

    assert text.startswith("We picked Nike Pegasus 41 in size UK 9 at ₹8,999 with 82% confidence")
    assert "foot length 27.1 cm" in text


def test_site_copy_as_structured_output() -> None:
    context = SiteCopyContext(
        business_name="Meera Handlooms",
        sector="handloom sarees",
        city="Varanasi",
        products=["Banarasi silk saree"],
    )

    copy = model.with_structured_output(SiteCopy).invoke([task_message(TextTask.SITE_COPY, context)])

    assert copy.headline == "Meera Handlooms: handloom sarees in Varanasi"
    assert copy.product_blurbs == ["Banarasi silk saree, from Meera Handlooms."]


def test_answers_are_deterministic_and_report_token_usage() -> None:
    first = model.invoke("red kurta under 2000")
    second = model.invoke("red kurta under 2000")

    assert first.text == second.text
    assert first.usage_metadata["input_tokens"] == 4
    assert first.usage_metadata["output_tokens"] > 0


def test_streamed_tool_calls_arrive_whole_in_one_chunk() -> None:
    chunks = list(shop.stream("red kurta"))

    assembled = chunks[0]
    for chunk in chunks[1:]:
        assembled = assembled + chunk
    assert assembled.tool_calls[0]["name"] == "search_products"
    assert assembled.tool_calls[0]["args"] == {"query": "red kurta", "category": "apparel"}


def test_structured_calls_trace_the_schema_langchain_would_without_converting_it_per_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    traced: list[dict] = []
    converted: list[object] = []

    class Recorder(BaseCallbackHandler):
        def on_chat_model_start(self, serialized: dict, messages: list, **kwargs: object) -> None:
            traced.append(kwargs["options"]["ls_structured_output_format"])  # type: ignore[index]

    def counted(schema: object, **kwargs: object) -> dict:
        converted.append(schema)
        return convert_to_json_schema(schema, **kwargs)  # type: ignore[arg-type]

    structured = model.with_structured_output(FitExplanations)
    monkeypatch.setattr(chat_models, "convert_to_json_schema", counted)
    for _ in range(2):
        structured.invoke(
            [task_message(TextTask.FIT_EXPLANATIONS, FitExplanationsContext(items=[EXPLAINED]))],
            config={"callbacks": [Recorder()]},
        )

    expected = {"kwargs": {"method": "function_calling"}, "schema": convert_to_json_schema(FitExplanations)}
    assert traced == [expected, expected]
    assert all(isinstance(schema, dict) for schema in converted)


def test_a_list_of_fit_explanations_explains_each_product_from_its_own_facts_in_order() -> None:
    other = FitExplanationContext(
        product_id="shoe-2",
        product_name="Trail",
        brand="Pagdandi",
        confidence=0.8,
        reasons=["chart:pagdandi:uk-8 fits feet of 260-268 mm"],
        cautions=["you are between sizes UK 8 and UK 8.5"],
    )
    request = task_message(TextTask.FIT_EXPLANATIONS, FitExplanationsContext(items=[EXPLAINED, other]))

    answer = model.with_structured_output(FitExplanations).invoke([request])

    assert [item.product_id for item in answer.explanations] == ["shoe-1", "shoe-2"]
    first, second = (item.text for item in answer.explanations)
    assert first == model.invoke([task_message(TextTask.FIT_EXPLANATION, EXPLAINED)]).text
    assert "chart:sprintara:uk-8" in first and "chart:pagdandi" not in first
    assert "chart:pagdandi:uk-8" in second and "80%" in second and "between sizes" in second


def test_a_list_of_fit_explanations_asked_as_text_gets_one_paragraph_per_product() -> None:
    request = task_message(TextTask.FIT_EXPLANATIONS, FitExplanationsContext(items=[EXPLAINED, EXPLAINED]))

    paragraphs = model.invoke([request]).text.split("\n\n")

    assert len(paragraphs) == 2 and paragraphs[0].startswith("We picked Sprintara Glide in size UK 8")


def test_fit_explanations_without_their_task_message_are_refused() -> None:
    with pytest.raises(RulesCannotAnswer):
        model.with_structured_output(FitExplanations).invoke([HumanMessage("explain these shoes")])
