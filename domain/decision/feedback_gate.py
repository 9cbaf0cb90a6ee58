"""Who may move the shared size offsets: only shoppers who bought the product in that size, each by a bounded
amount. Anyone else's report is kept (it is the shopper's own record, erased with them) but learned from by
nothing.

- A report counts only with an order of the shopper's for that product and size that was paid (CONFIRMED,
  SHIPPED or DELIVERED).
- One order line counts once: its report is recorded under an id derived from the order line, so a repeat is
  recognised by the store itself, even when two arrive at once.
- One shopper moves an item at most `MAX_LEARNED_PER_ITEM` times and a brand at most
  `MAX_LEARNED_PER_BRAND` times, however many orders they place.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from core.errors import InvalidInput
from core.records.feedback import FeedbackEvent
from core.schemas import OrderStatus
from core.storage.repositories import Store
from domain.decision.feedback import SizeAdjustment, SizeLearner, brand_key

PAID = frozenset({OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED})
MAX_LEARNED_PER_ITEM = 1
MAX_LEARNED_PER_BRAND = 3
ORDERS_CHECKED = 100
LEARNED_PREFIX = "fbo_"
"""Ids of reports that were learned from start with it (a hash of the order line): `fbo_<hash>`."""


class Verdict(StrEnum):
    LEARNED = "learned"
    NO_PURCHASE = "no_purchase"
    ALREADY_COUNTED = "already_counted"
    LIMIT_REACHED = "limit_reached"


def order_line_event_id(order_id: str, product_id: str, size: str) -> str:
    digest = hashlib.sha256(f"{order_id}\x1f{product_id}\x1f{size}".encode()).hexdigest()
    return f"{LEARNED_PREFIX}{digest[:32]}"


def learn_from_buyer(store: Store, event: FeedbackEvent) -> tuple[SizeAdjustment, Verdict]:
    """Record the report; learn from it only when the shopper bought the product in that size (and is within
    the bounds). Returns the item's adjustment after it and what was decided."""
    learner = SizeLearner(store)
    verdict = _verdict(store, event)
    if verdict is not Verdict.LEARNED:
        store.feedback.record(event)
        return learner.adjustment(event.tenant_id, event.product_id, event.brand), verdict
    order_id = _paid_order(store, event)
    assert order_id is not None
    counted = event.model_copy(update={"id": order_line_event_id(order_id, event.product_id, event.size)})
    try:
        return learner.learn(counted), Verdict.LEARNED
    except InvalidInput:  # that order line's report was learned from already (a concurrent repeat)
        store.feedback.record(event)
        return learner.adjustment(event.tenant_id, event.product_id, event.brand), Verdict.ALREADY_COUNTED


def _paid_order(store: Store, event: FeedbackEvent) -> str | None:
    """The newest paid order of the shopper with this product and size whose report was not learned yet."""
    learned = {item.id for item in store.feedback.list_for_user(event.tenant_id, event.user_id)}
    for order in store.orders.list_by_user(event.tenant_id, event.user_id, ORDERS_CHECKED):
        if order.status not in PAID:
            continue
        bought = any(line.product_id == event.product_id and line.size == event.size for line in order.items)
        if bought and order_line_event_id(order.id, event.product_id, event.size) not in learned:
            return order.id
    return None


def _verdict(store: Store, event: FeedbackEvent) -> Verdict:
    orders = store.orders.list_by_user(event.tenant_id, event.user_id, ORDERS_CHECKED)
    bought = any(
        order.status in PAID
        and any(line.product_id == event.product_id and line.size == event.size for line in order.items)
        for order in orders
    )
    if not bought:
        return Verdict.NO_PURCHASE
    learned = [
        item
        for item in store.feedback.list_for_user(event.tenant_id, event.user_id)
        if item.id.startswith(LEARNED_PREFIX)
    ]
    if sum(item.product_id == event.product_id for item in learned) >= MAX_LEARNED_PER_ITEM:
        return Verdict.ALREADY_COUNTED
    key = brand_key(event.brand)
    if key is not None and sum(brand_key(item.brand) == key for item in learned) >= MAX_LEARNED_PER_BRAND:
        return Verdict.LIMIT_REACHED
    if _paid_order(store, event) is None:
        return Verdict.ALREADY_COUNTED
    return Verdict.LEARNED
