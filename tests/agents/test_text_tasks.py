"""Writing tasks travel as one message that both language models and the rules tier can read."""

from __future__ import annotations

import pytest

from agents.schemas import MerchantNoteContext, SiteCopyContext
from agents.text_tasks import TextTask, read_task, task_message


def test_a_task_message_round_trips_its_context() -> None:
    context = MerchantNoteContext(
        title="Levi's 511 jeans",
        suggested_price_inr=1450,
        low_inr=1200,
        high_inr=1700,
        confidence=0.7,
        comparables=14,
        adjustments=["condition: -10%"],
    )

    message = task_message(TextTask.MERCHANT_NOTE, context)
    request = read_task(message.text)

    assert message.text.startswith("Write a short note to the merchant")
    assert request is not None and request.task is TextTask.MERCHANT_NOTE
    assert request.context == context


def test_the_context_must_match_the_task() -> None:
    with pytest.raises(TypeError, match="MerchantNoteContext"):
        task_message(TextTask.MERCHANT_NOTE, SiteCopyContext(business_name="x", sector="y"))


@pytest.mark.parametrize(
    "text",
    [
        "just a chat message",
        '<pakka-task name="unknown">{"a": 1}</pakka-task>',
        '<pakka-task name="site_copy">{"business_name": "no sector"}</pakka-task>',
        '<pakka-task name="site_copy">{not json}</pakka-task>',
    ],
)
def test_messages_without_a_valid_task_block_are_not_tasks(text: str) -> None:
    assert read_task(text) is None
