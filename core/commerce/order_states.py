"""The order state machine as data: every allowed status change and what it does to stock.

Stores apply whatever effect they are given; this table is the only place that decides which changes exist.

    PENDING_PAYMENT --COMMIT--> CONFIRMED --NONE--> SHIPPED --NONE--> DELIVERED
    PENDING_PAYMENT --RELEASE-> FAILED             (payment declined, reservation expired)
    PENDING_PAYMENT --RELEASE-> CANCELLED
    CONFIRMED       --RESTOCK-> CANCELLED
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from core.errors import InvalidTransition
from core.schemas import OrderStatus, StockEffect

TRANSITIONS: Mapping[tuple[OrderStatus, OrderStatus], StockEffect] = MappingProxyType(
    {
        (OrderStatus.PENDING_PAYMENT, OrderStatus.CONFIRMED): StockEffect.COMMIT,
        (OrderStatus.PENDING_PAYMENT, OrderStatus.FAILED): StockEffect.RELEASE,
        (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED): StockEffect.RELEASE,
        (OrderStatus.CONFIRMED, OrderStatus.CANCELLED): StockEffect.RESTOCK,
        (OrderStatus.CONFIRMED, OrderStatus.SHIPPED): StockEffect.NONE,
        (OrderStatus.SHIPPED, OrderStatus.DELIVERED): StockEffect.NONE,
    }
)

FULFILMENT_STATUSES: frozenset[OrderStatus] = frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED})
"""The statuses operations may advance an order to (`OrderService.advance`)."""


def stock_effect(from_status: OrderStatus, to_status: OrderStatus) -> StockEffect:
    """The stock effect of moving an order from one status to another; InvalidTransition if not allowed."""
    effect = TRANSITIONS.get((from_status, to_status))
    if effect is None:
        raise InvalidTransition(
            f"an order cannot go from {from_status} to {to_status}",
            {"from_status": from_status.value, "to_status": to_status.value},
        )
    return effect
