"""The order state machine (core/commerce/order_states.py)."""

from __future__ import annotations

import itertools

import pytest

from core.commerce.order_states import FULFILMENT_STATUSES, TRANSITIONS, stock_effect
from core.errors import InvalidTransition
from core.schemas import OrderStatus, StockEffect

PENDING, CONFIRMED, SHIPPED, DELIVERED, CANCELLED, FAILED = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.CONFIRMED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
    OrderStatus.FAILED,
)

ALLOWED = {
    (PENDING, CONFIRMED): StockEffect.COMMIT,
    (PENDING, FAILED): StockEffect.RELEASE,
    (PENDING, CANCELLED): StockEffect.RELEASE,
    (CONFIRMED, CANCELLED): StockEffect.RESTOCK,
    (CONFIRMED, SHIPPED): StockEffect.NONE,
    (SHIPPED, DELIVERED): StockEffect.NONE,
}

FORBIDDEN = [pair for pair in itertools.product(OrderStatus, repeat=2) if pair not in ALLOWED]


def test_the_allowed_transitions_and_their_stock_effects_are_exactly_these() -> None:
    assert dict(TRANSITIONS) == ALLOWED


@pytest.mark.parametrize(("from_status", "to_status"), list(ALLOWED))
def test_an_allowed_transition_has_its_stock_effect(from_status: OrderStatus, to_status: OrderStatus) -> None:
    assert stock_effect(from_status, to_status) is ALLOWED[from_status, to_status]


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_every_other_transition_is_invalid(from_status: OrderStatus, to_status: OrderStatus) -> None:
    with pytest.raises(InvalidTransition) as raised:
        stock_effect(from_status, to_status)

    assert raised.value.details == {"from_status": from_status.value, "to_status": to_status.value}


def test_delivered_cancelled_and_failed_orders_never_change_again() -> None:
    assert all(source not in {DELIVERED, CANCELLED, FAILED} for source, _ in TRANSITIONS)


def test_operations_advance_orders_only_to_shipped_and_delivered() -> None:
    assert {SHIPPED, DELIVERED} == FULFILMENT_STATUSES


def test_the_transition_table_cannot_be_changed_at_runtime() -> None:
    with pytest.raises(TypeError):
        TRANSITIONS[(DELIVERED, CONFIRMED)] = StockEffect.NONE  # type: ignore[index]
