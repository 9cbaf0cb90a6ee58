"""The explanation agent: the merchant-facing note, citing the comparable sales the price rests on."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage

from agents.schemas import MerchantNoteContext
from agents.text_tasks import TextTask, task_message
from prompts.pricing import EXPLAINER


async def explain(model: BaseChatModel, context: MerchantNoteContext) -> AIMessage:
    """The model's reply: its text is the explanation, `response_metadata["pakka"]["tier"]` who wrote it."""
    reply = await model.ainvoke(
        [EXPLAINER.message(), task_message(TextTask.MERCHANT_NOTE, context)],
        config={"tags": ["pricing.explainer"]},
    )
    return AIMessage(content=reply.text, response_metadata=reply.response_metadata)
