"""The rule-based tier's structured output: what LangChain's generic chain gives, parsed inline."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from pydantic import BaseModel, Field, ValidationError

from agents.rules import RuleBasedChatModel
from agents.schemas import ShoppingIntent

model = RuleBasedChatModel()
ASK = [HumanMessage("Puma sneakers under 3000")]


class SmallBudget(BaseModel):
    """A schema the rules tier fills by field name, whose constraint the message breaks."""

    budget_max_inr: int = Field(le=1000)


def test_a_pydantic_schema_is_answered_as_that_model() -> None:
    intent = model.with_structured_output(ShoppingIntent).invoke(ASK)

    assert isinstance(intent, ShoppingIntent)
    assert (intent.brand, intent.budget_max_inr) == ("Puma", 3000)


def test_a_json_schema_is_answered_as_the_arguments_dict() -> None:
    schema = {
        "title": "Budget",
        "description": "The most the shopper will pay.",
        "type": "object",
        "properties": {"budget_max_inr": {"type": "integer"}},
        "required": ["budget_max_inr"],
    }

    assert model.with_structured_output(schema).invoke(ASK) == {"budget_max_inr": 3000}


def test_with_raw_the_answer_carries_the_model_message_and_no_parsing_error() -> None:
    answer = model.with_structured_output(ShoppingIntent, include_raw=True).invoke(ASK)

    assert set(answer) == {"raw", "parsed", "parsing_error"}
    assert isinstance(answer["raw"], AIMessage)
    assert answer["raw"].tool_calls[0]["name"] == "ShoppingIntent"
    assert answer["raw"].usage_metadata["total_tokens"] > 0
    assert answer["parsed"].budget_max_inr == 3000 and answer["parsing_error"] is None


def test_arguments_the_schema_rejects_are_a_parsing_error_with_raw_and_raise_without() -> None:
    answer = model.with_structured_output(SmallBudget, include_raw=True).invoke(ASK)

    assert answer["parsed"] is None and isinstance(answer["parsing_error"], ValidationError)
    with pytest.raises(ValidationError):
        model.with_structured_output(SmallBudget).invoke(ASK)


def test_an_awaited_call_hands_no_work_to_a_thread_pool() -> None:
    handed_off: list[object] = []

    class RecordingPool(ThreadPoolExecutor):
        def submit(self, fn: Callable[..., object], /, *args: object, **kwargs: object) -> Future[object]:
            handed_off.append(fn)
            return super().submit(fn, *args, **kwargs)

    async def ask() -> object:
        asyncio.get_running_loop().set_default_executor(RecordingPool(max_workers=1))
        return await model.with_structured_output(ShoppingIntent, include_raw=True).ainvoke(ASK)

    answer = asyncio.run(ask())

    assert answer["parsed"].budget_max_inr == 3000  # type: ignore[index]
    assert handed_off == []


def test_options_other_than_method_and_strict_are_refused() -> None:
    model.with_structured_output(ShoppingIntent, method="function_calling", strict=True)

    with pytest.raises(ValueError, match="unsupported"):
        model.with_structured_output(ShoppingIntent, temperature=0)
