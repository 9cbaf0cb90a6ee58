"""Structured outputs of the rule-based tier: the project's schemas, recognised by their tool name.

`with_structured_output(Schema)` reaches the model as one forced tool named after the schema. Known
schemas have a parser; any other schema is filled by field name from what the message states, and is
refused (RulesCannotAnswer) when a required field stays empty, rather than answered with made-up values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.messages import BaseMessage

from agents.pricing.schemas import PriceCheckContext, PriceReviewContext
from agents.rules.chat import understand_turn
from agents.rules.conversation import last_human_text
from agents.rules.intent import parse_shopping_intent
from agents.rules.pricing import check_price, review_price
from agents.rules.sites import guess_sector, localized_site_copy, propose_site
from agents.rules.tool_calls import ToolSpec
from agents.rules.writer import fit_explanations, site_copy
from agents.schemas import FitExplanationsContext, SiteCopyContext, SiteSectorContext, SiteSpecContext
from agents.text_tasks import read_task


class RulesCannotAnswer(ValueError):
    """The rule-based tier has no honest answer for this request (an unknown schema with required fields)."""


def _shopping_intent(messages: Sequence[BaseMessage]) -> dict[str, Any]:
    return parse_shopping_intent(last_human_text(messages)).model_dump(mode="json")


def _chat_turn(messages: Sequence[BaseMessage]) -> dict[str, Any]:
    return understand_turn(last_human_text(messages)).model_dump(mode="json")


def _site_copy(messages: Sequence[BaseMessage]) -> dict[str, Any]:
    request = read_task(last_human_text(messages))
    if request is None or not isinstance(request.context, SiteCopyContext):
        raise RulesCannotAnswer("SiteCopy needs a site_copy task message (agents.text_tasks.task_message)")
    if request.context.language is not None:
        return localized_site_copy(request.context).model_dump(mode="json")
    return site_copy(request.context).model_dump(mode="json")


def _sector_guess(messages: Sequence[BaseMessage]) -> dict[str, Any]:
    request = read_task(last_human_text(messages))
    if request is None or not isinstance(request.context, SiteSectorContext):
        raise RulesCannotAnswer("SectorGuess needs a site_sector task message (text_tasks.task_message)")
    return guess_sector(request.context).model_dump(mode="json")


def _site_proposal(messages: Sequence[BaseMessage]) -> dict[str, Any]:
    request = read_task(last_human_text(messages))
    if request is None or not isinstance(request.context, SiteSpecContext):
        raise RulesCannotAnswer("SiteProposal needs a site_spec task message (text_tasks.task_message)")
    return propose_site(request.context).model_dump(mode="json", exclude_none=True)


def _fit_explanations(messages: Sequence[BaseMessage]) -> dict[str, Any]:
    request = read_task(last_human_text(messages))
    if request is None or not isinstance(request.context, FitExplanationsContext):
        raise RulesCannotAnswer("FitExplanations needs a fit_explanations task message (task_message)")
    return fit_explanations(request.context).model_dump(mode="json")


def _analyst_review(messages: Sequence[BaseMessage]) -> dict[str, Any]:
    request = read_task(last_human_text(messages))
    if request is None or not isinstance(request.context, PriceReviewContext):
        raise RulesCannotAnswer("AnalystReview needs a price_review task message (text_tasks.task_message)")
    return review_price(request.context).model_dump(mode="json")


def _validation_verdict(messages: Sequence[BaseMessage]) -> dict[str, Any]:
    request = read_task(last_human_text(messages))
    if request is None or not isinstance(request.context, PriceCheckContext):
        raise RulesCannotAnswer("ValidationVerdict needs a price_check task message (task_message)")
    return check_price(request.context).model_dump(mode="json")


STRUCTURED: dict[str, Callable[[Sequence[BaseMessage]], dict[str, Any]]] = {
    "ShoppingIntent": _shopping_intent,
    "ChatTurn": _chat_turn,
    "SiteCopy": _site_copy,
    "SectorGuess": _sector_guess,
    "SiteProposal": _site_proposal,
    "FitExplanations": _fit_explanations,
    "AnalystReview": _analyst_review,
    "ValidationVerdict": _validation_verdict,
}


def structured_arguments(spec: ToolSpec, messages: Sequence[BaseMessage]) -> dict[str, Any]:
    """The arguments of the forced tool call that carries a structured output."""
    handler = STRUCTURED.get(spec.name)
    if handler is not None:
        return handler(messages)
    text = last_human_text(messages)
    facts: dict[str, Any] = parse_shopping_intent(text).model_dump(mode="json", exclude_none=True)
    request = read_task(text)
    if request is not None:
        facts.update(request.context.model_dump(mode="json", exclude_none=True))
    args = {name: facts[name] for name in spec.properties if name in facts and facts[name] not in ("", [])}
    missing = [name for name in spec.required if name not in args]
    if missing:
        raise RulesCannotAnswer(f"rules tier cannot fill {spec.name}: no value for {', '.join(missing)}")
    return args
