"""Tool calls of the rule-based tier: which bound tool a chat action needs and its arguments.

Arguments are filled by name from the parsed message (and ids shown in earlier tool results), and only
for parameters the tool's JSON schema declares, so the same code serves any tool with familiar names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import BaseMessage

from agents.rules.conversation import recent_id
from agents.schemas import ChatAction, ChatTurn

ACTION_TOOLS: dict[ChatAction, str] = {
    ChatAction.SEARCH: "search_products",
    ChatAction.PRODUCT_DETAILS: "get_product",
    ChatAction.INVENTORY: "check_inventory",
    ChatAction.ADD_TO_CART: "add_to_cart",
    ChatAction.REMOVE_FROM_CART: "remove_from_cart",
    ChatAction.VIEW_CART: "view_cart",
    ChatAction.PLACE_ORDER: "place_order",
    ChatAction.ORDER_STATUS: "order_status",
    ChatAction.CANCEL_ORDER: "cancel_order",
    ChatAction.RECOMMEND: "recommend_for_me",
    ChatAction.KNOWLEDGE: "ask_knowledge_base",
}
TOOL_ACTIONS = {tool: action for action, tool in ACTION_TOOLS.items()}

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "query": ("query", "text", "search", "keywords"),
    "question": ("question",),
    "category": ("category",),
    "brand": ("brand",),
    "size": ("size",),
    "colour": ("colour", "color"),
    "gender": ("gender",),
    "occasion": ("occasion",),
    "budget_max_inr": ("max_price_inr", "budget_max_inr", "max_price", "budget_inr", "budget"),
    "budget_min_inr": ("min_price_inr", "budget_min_inr", "min_price"),
    "product_id": ("product_id",),
    "order_id": ("order_id",),
    "quantity": ("quantity",),
}


@dataclass(frozen=True)
class ToolSpec:
    """A bound tool in OpenAI format, reduced to what argument filling needs."""

    name: str
    properties: dict[str, Any]
    required: tuple[str, ...]

    @classmethod
    def from_openai(cls, tool: dict[str, Any]) -> ToolSpec:
        function = tool.get("function", tool)
        parameters = function.get("parameters") or {}
        return cls(
            name=str(function["name"]),
            properties=dict(parameters.get("properties") or {}),
            required=tuple(parameters.get("required") or ()),
        )


@dataclass(frozen=True)
class PlannedCall:
    tool: str
    args: dict[str, Any]
    missing: tuple[str, ...]


def known_values(turn: ChatTurn, text: str, messages: Sequence[BaseMessage]) -> dict[str, Any]:
    """Every value the message (or the conversation before it) supplies, under its canonical name."""
    intent = turn.intent
    words = " ".join(part for part in (intent.colour, intent.query) if part) or intent.category
    needs_product = turn.action in (
        ChatAction.PRODUCT_DETAILS,
        ChatAction.INVENTORY,
        ChatAction.ADD_TO_CART,
        ChatAction.REMOVE_FROM_CART,
    )
    return {
        "query": text if turn.action is ChatAction.KNOWLEDGE else words,
        "question": text,
        "category": intent.category,
        "brand": intent.brand,
        "size": intent.size,
        "colour": intent.colour,
        "gender": intent.gender,
        "occasion": intent.occasion,
        "budget_max_inr": intent.budget_max_inr,
        "budget_min_inr": intent.budget_min_inr,
        "product_id": turn.product_id or (recent_id(messages, "product", text) if needs_product else None),
        "order_id": turn.order_id
        or (recent_id(messages, "order", text) if turn.action is ChatAction.CANCEL_ORDER else None),
        "quantity": turn.quantity,
    }


def fill_arguments(spec: ToolSpec, values: dict[str, Any]) -> PlannedCall:
    """Arguments for `spec` from `values`; required parameters left unfilled are reported as missing."""
    args: dict[str, Any] = {}
    for canonical, names in _SYNONYMS.items():
        value = values.get(canonical)
        if value is None or value == "":
            continue
        for name in names:
            if name in spec.properties and name not in args:
                args[name] = value
                break
    missing = tuple(name for name in spec.required if name not in args)
    return PlannedCall(tool=spec.name, args=args, missing=missing)
