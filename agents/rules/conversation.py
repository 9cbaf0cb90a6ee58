"""Reading a conversation: the last human message, the tool results since the model last spoke, recent ids."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage

_ORDINALS: dict[str, int] = {
    "first": 0,
    "1st": 0,
    "pehla": 0,
    "pehli": 0,
    "pehle": 0,
    "second": 1,
    "2nd": 1,
    "doosra": 1,
    "dusra": 1,
    "doosri": 1,
    "dusri": 1,
    "third": 2,
    "3rd": 2,
    "teesra": 2,
    "tisra": 2,
    "teesri": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "last": -1,
    "aakhri": -1,
}


def last_human_text(messages: Sequence[BaseMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return message.text
    return ""


def pending_tool_results(messages: Sequence[BaseMessage]) -> list[ToolMessage]:
    """Tool messages after the last AI message, i.e. results the model has not answered yet."""
    results: list[ToolMessage] = []
    for message in reversed(messages):
        if isinstance(message, ToolMessage):
            results.insert(0, message)
        else:
            break
    return results


def _ids_in(payload: Any, wanted: str) -> list[str]:
    """Ids of products (`wanted="product"`) or orders (`"order"`) in a tool's JSON result, in order."""
    if isinstance(payload, list):
        return [found for item in payload for found in _ids_in(item, wanted)]
    if not isinstance(payload, dict):
        return []
    if wanted == "order":
        own = [str(payload["id"])] if payload.get("id") and payload.get("status") else []
    else:
        own = [
            str(payload[key]) for key in ("product_id", "id") if payload.get(key) and "status" not in payload
        ][:1]
    nested = [found for key in ("items", "products", "orders") for found in _ids_in(payload.get(key), wanted)]
    return own + nested


def recent_id(messages: Sequence[BaseMessage], wanted: str, text: str) -> str | None:
    """An id shown in an earlier tool result, picked by an ordinal in `text` ("the second one")."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    position = next((_ORDINALS[word] for word in words if word in _ORDINALS), 0)
    for message in reversed(messages):
        if not isinstance(message, ToolMessage):
            continue
        try:
            ids = _ids_in(json.loads(message.text), wanted)
        except ValueError:
            continue
        if ids:
            return ids[position] if -len(ids) <= position < len(ids) else ids[0]
    return None
