"""Inventory updates that ride inside order transactions: reserving stock and the status stock effects.

Every update is arithmetic in place (no read first) with a condition that keeps the counters from
going negative, and bumps the row's version so optimistic writers notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.errors import InvalidInput
from core.schemas import OrderLine, StockEffect
from core.storage.dynamodb.codec import serialize, timestamp
from core.storage.dynamodb.inventory import inventory_key


@dataclass(frozen=True)
class StockLine:
    """All units an order holds of one inventory row (lines of the same product and size summed:
    a transaction may touch each item only once)."""

    product_id: str
    size: str
    region: str
    quantity: int


def stock_lines(lines: list[OrderLine], region: str) -> list[StockLine]:
    """The order's lines merged per (product, size), in first-seen order."""
    totals: dict[tuple[str, str], int] = {}
    for line in lines:
        key = (line.product_id, line.size)
        totals[key] = totals.get(key, 0) + line.quantity
    return [StockLine(product_id, size, region, quantity) for (product_id, size), quantity in totals.items()]


_RESERVE = (
    "SET #available = #available - :q, #reserved = #reserved + :q",
    "attribute_exists(sku) AND #available >= :q",
)
_EFFECTS: dict[StockEffect, tuple[str, str]] = {
    StockEffect.COMMIT: ("SET #reserved = #reserved - :q", "attribute_exists(sku) AND #reserved >= :q"),
    StockEffect.RELEASE: (
        "SET #reserved = #reserved - :q, #available = #available + :q",
        "attribute_exists(sku) AND #reserved >= :q",
    ),
    StockEffect.RESTOCK: ("SET #available = #available + :q", "attribute_exists(sku)"),
}


def _update(
    table: str, tenant_id: str, line: StockLine, action: tuple[str, str], at: datetime
) -> dict[str, Any]:
    assignments, condition = action
    update = f"{assignments}, #version = #version + :one, #updated_at = :at"
    names = re.findall(r"#\w+", f"{update} {condition}")
    return {
        "Update": {
            "TableName": table,
            "Key": inventory_key(tenant_id, line.product_id, line.size, line.region),
            "UpdateExpression": update,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": {name: name[1:] for name in names},
            "ExpressionAttributeValues": {
                ":q": serialize(line.quantity),
                ":one": serialize(1),
                ":at": serialize(timestamp(at)),
            },
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }


def reserve(table: str, tenant_id: str, line: StockLine, at: datetime) -> dict[str, Any]:
    """Move `line.quantity` from available to reserved, only if the row exists and has that much."""
    return _update(table, tenant_id, line, _RESERVE, at)


def apply_effect(
    table: str, tenant_id: str, line: StockLine, effect: StockEffect, at: datetime
) -> dict[str, Any]:
    """The transaction item applying `effect` (not NONE) to one line's inventory row."""
    if effect not in _EFFECTS:
        raise InvalidInput(f"stock effect {effect} changes no inventory")
    return _update(table, tenant_id, line, _EFFECTS[effect], at)
