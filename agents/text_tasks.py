"""The message format for writing tasks (explanations, merchant notes, site copy).

A writing task is one human message: an instruction a language model can follow, then the structured
facts inside a `<pakka-task name="...">` block as JSON. Bedrock and local tiers read it as a prompt;
the rule-based tier reads the block and fills a template. Both therefore see the same facts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from langchain_core.messages import HumanMessage
from pydantic import BaseModel

from agents.pricing.schemas import PriceCheckContext, PriceReviewContext
from agents.schemas import (
    FitExplanationContext,
    FitExplanationsContext,
    MerchantNoteContext,
    SiteCopyContext,
    SiteSectorContext,
    SiteSpecContext,
)


class TextTask(StrEnum):
    FIT_EXPLANATION = "fit_explanation"
    FIT_EXPLANATIONS = "fit_explanations"
    MERCHANT_NOTE = "merchant_note"
    SITE_COPY = "site_copy"
    SITE_SECTOR = "site_sector"
    SITE_SPEC = "site_spec"
    PRICE_REVIEW = "price_review"
    PRICE_CHECK = "price_check"


TASK_CONTEXTS: dict[TextTask, type[BaseModel]] = {
    TextTask.FIT_EXPLANATION: FitExplanationContext,
    TextTask.FIT_EXPLANATIONS: FitExplanationsContext,
    TextTask.MERCHANT_NOTE: MerchantNoteContext,
    TextTask.SITE_COPY: SiteCopyContext,
    TextTask.SITE_SECTOR: SiteSectorContext,
    TextTask.SITE_SPEC: SiteSpecContext,
    TextTask.PRICE_REVIEW: PriceReviewContext,
    TextTask.PRICE_CHECK: PriceCheckContext,
}

INSTRUCTIONS: dict[TextTask, str] = {
    TextTask.FIT_EXPLANATION: (
        "Explain to the shopper in two or three plain sentences why this product and size were chosen. "
        "Use only the facts below; quote the confidence as a percentage."
    ),
    TextTask.FIT_EXPLANATIONS: (
        "For each product below, explain to the shopper in two or three plain sentences why this product "
        "and size were chosen. Use only that product's own facts, cite its reasons (chart rows, ingredient "
        "rules) and quote its confidence as a percentage. Answer with one explanation per product_id."
    ),
    TextTask.MERCHANT_NOTE: (
        "Write a short note to the merchant explaining the suggested price and range. "
        "Use only the facts below; every amount is in the listed currency: quote the amounts exactly as "
        "written under `amounts` and in the cited sales."
    ),
    TextTask.SITE_COPY: (
        "Write website copy for this business: a headline, a two-sentence introduction, one line per "
        "product and a call to action (with `language` given: a tagline and an About paragraph too, all "
        "in that language: en English, hi Hindi in Devanagari, hinglish Hindi in Latin script). Use only "
        "the facts below; plain text, no markup."
    ),
    TextTask.SITE_SECTOR: (
        "Name the sector of this small business from its owner's description (English, Hindi or "
        "Hinglish): exactly one of `sectors`, with a confidence between 0 and 1 that is low when the "
        "description fits several sectors or none, and the language the description is written in."
    ),
    TextTask.SITE_SPEC: (
        "Propose a store website for this business: its name, a short tagline, contact details, products "
        "with prices in rupees, payment methods, delivery areas and times, opening hours. Take only what "
        "the description and the owner's note say; leave out anything they do not say."
    ),
    TextTask.PRICE_REVIEW: (
        "Review the computed price below. Answer with a factor between 0.85 and 1.15 and your reasons; "
        "address every validator problem listed. Use only the facts below."
    ),
    TextTask.PRICE_CHECK: (
        "Check the proposed price below against the comparables and the rule findings. Approve it, or list "
        "the problems the analyst must fix. Use only the facts below."
    ),
}

_BLOCK = re.compile(r'<pakka-task name="(?P<name>[a-z_]+)">\s*(?P<body>\{.*\})\s*</pakka-task>', re.DOTALL)


@dataclass(frozen=True)
class TaskRequest:
    task: TextTask
    context: BaseModel


def task_message(task: TextTask, context: BaseModel) -> HumanMessage:
    """Build the human message for a writing task; `context` must be the task's context schema."""
    expected = TASK_CONTEXTS[task]
    if not isinstance(context, expected):
        raise TypeError(f"{task.value} needs a {expected.__name__}, got {type(context).__name__}")
    body = json.dumps(context.model_dump(mode="json"), ensure_ascii=False, indent=1)
    return HumanMessage(
        content=f'{INSTRUCTIONS[task]}\n\n<pakka-task name="{task.value}">\n{body}\n</pakka-task>'
    )


def read_task(text: str) -> TaskRequest | None:
    """The writing task inside a message, or None when the message holds no valid task block."""
    match = _BLOCK.search(text)
    if match is None:
        return None
    try:
        task = TextTask(match.group("name"))
        payload: Any = json.loads(match.group("body"))
    except ValueError:
        return None
    schema = TASK_CONTEXTS[task]
    try:
        return TaskRequest(task=task, context=schema.model_validate(payload))
    except ValueError:
        return None
