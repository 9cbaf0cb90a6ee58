"""The order service: the placement saga, cancellation, fulfilment and reservation expiry.

Placing an order is a saga over the store's atomic steps: reserve stock for every line (all or nothing, bound
to the idempotency key), charge, then confirm (commit the reserved units) or fail (release them). A crash
between the steps leaves a PENDING_PAYMENT order whose reservation `expire_reservations` releases later.

Every status change goes through `_transition`, which asks the state machine (core/commerce/order_states)
for the stock effect and, when the order changed underneath it (VersionConflict), re-reads it and decides
again from its new status, so a stock effect is never applied twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import Field, StrictInt
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from core.catalog.regions import is_serviceable, region_slugs
from core.commerce.order_states import FULFILMENT_STATUSES, stock_effect
from core.commerce.payments import PaymentGateway
from core.errors import (
    IdempotencyKeyExists,
    IdempotencyKeyReused,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PaymentFailed,
    VersionConflict,
)
from core.schemas import (
    AuditEntry,
    Id,
    IdempotencyRecord,
    Order,
    OrderLine,
    OrderStatus,
    Record,
    Region,
    Size,
    StatusChange,
    new_id,
    utcnow,
)
from core.storage.repositories import Store

logger = logging.getLogger(__name__)

MAX_LINE_QUANTITY = 20
MAX_IDEMPOTENCY_KEY_LENGTH = 255
RESERVATION_EXPIRED = "RESERVATION_EXPIRED"
PAYMENT_DECLINED = "PAYMENT_DECLINED"
"""The failure reason when a provider declines without giving one."""

TRANSITION_ATTEMPTS = 5
SWEEP_BATCH = 100
SWEEPER_ACTOR = "reservation-sweeper"


class OrderLineRequest(Record):
    product_id: Id
    size: Size
    quantity: StrictInt = Field(
        ge=1, le=MAX_LINE_QUANTITY, description='A JSON integer: neither true nor 1.0 nor "1" is taken.'
    )


class PlaceOrderRequest(Record):
    user_id: Id
    items: list[OrderLineRequest] = Field(min_length=1, max_length=50)
    region: Region
    payment_method: str = Field(default="cod", min_length=1, max_length=64)


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    replayed: bool


class OrderService:
    def __init__(
        self,
        store: Store,
        payments: PaymentGateway,
        *,
        reservation_ttl: timedelta = timedelta(minutes=30),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self._payments = payments
        self._reservation_ttl = reservation_ttl
        self._clock = clock

    def place(
        self,
        tenant_id: str,
        request: PlaceOrderRequest,
        *,
        idempotency_key: str | None = None,
        actor: str = "api",
    ) -> PlacedOrder:
        """Reserve, charge, confirm. Raises PaymentFailed (details hold the FAILED order) when declined.

        With an idempotency key, the same request again returns the stored order (`replayed=True`), or raises
        the same PaymentFailed when the payment was declined; a different request with that key is
        IdempotencyKeyReused. "Same" compares the merged lines regardless of their order. A replay that
        arrives while the first request is still being charged gets the order as it stands (PENDING_PAYMENT).
        """
        if idempotency_key is not None and not 1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
            raise InvalidInput(f"an Idempotency-Key has 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters")
        lines = merge_lines(request.items)
        request_hash = fingerprint(request, lines)
        stored_key = None if idempotency_key is None else idempotency_scope(request.user_id, idempotency_key)
        if stored_key is not None:
            bound = self._store.orders.get_idempotency(tenant_id, stored_key)
            if bound is not None:
                return self._replay(tenant_id, bound.order_id, bound.request_hash, request_hash)

        order = self._new_order(tenant_id, request, lines, idempotency_key)
        idempotency = (
            IdempotencyRecord(
                tenant_id=tenant_id,
                key=stored_key,
                order_id=order.id,
                request_hash=request_hash,
                created_at=order.created_at,
            )
            if stored_key is not None
            else None
        )
        try:
            pending = self._store.orders.create_reserving(order, idempotency)
        except IdempotencyKeyExists as exc:  # a concurrent request with this key won the race
            return self._replay(tenant_id, exc.order_id, exc.request_hash, request_hash)
        self._audit(pending, actor, "order.placed", {"total_inr": str(pending.total_inr)})

        payment = self._payments.charge(pending)
        if payment.ok:
            confirmed = self._transition(
                pending, OrderStatus.CONFIRMED, actor=actor, payment_reference=payment.reference
            )
            return PlacedOrder(order=confirmed, replayed=False)

        failed = self._transition(
            pending, OrderStatus.FAILED, actor=actor, reason=payment.reason or PAYMENT_DECLINED
        )
        logger.info("order %s failed: payment declined (%s)", failed.id, failed.failure_reason)
        raise payment_failed(failed)

    def get(self, tenant_id: str, order_id: str) -> Order:
        order = self._store.orders.get(tenant_id, order_id)
        if order is None:
            raise NotFound(f"order {order_id} not found", {"order_id": order_id})
        return order

    def list_for_user(self, tenant_id: str, user_id: str, limit: int = 50) -> list[Order]:
        """Newest first."""
        return self._store.orders.list_by_user(tenant_id, user_id, limit)

    def cancel(
        self, tenant_id: str, order_id: str, *, reason: str = "cancelled by customer", actor: str = "api"
    ) -> Order:
        """A pending order releases its reservation; a confirmed one puts its units back on the shelf."""
        order = self.get(tenant_id, order_id)
        return self._transition(order, OrderStatus.CANCELLED, actor=actor, reason=reason)

    def advance(self, tenant_id: str, order_id: str, to_status: OrderStatus, *, actor: str = "ops") -> Order:
        """Fulfilment: CONFIRMED -> SHIPPED -> DELIVERED, one step at a time."""
        if to_status not in FULFILMENT_STATUSES:
            raise InvalidTransition(
                "orders are only advanced to SHIPPED, then DELIVERED",
                {"to_status": str(to_status)},
            )
        return self._transition(self.get(tenant_id, order_id), to_status, actor=actor)

    def expire_reservations(self, *, now: datetime | None = None) -> int:
        """Fail every tenant's PENDING_PAYMENT orders whose reservation has run out, releasing their stock.

        Returns how many orders this call expired; orders paid or cancelled meanwhile are left alone.
        """
        moment = now if now is not None else self._clock()
        return sum(self._expire_for_tenant(tenant.id, moment) for tenant in self._store.tenants.list())

    def _expire_for_tenant(self, tenant_id: str, moment: datetime) -> int:
        expired = 0
        seen: set[str] = set()
        while True:
            pending = self._store.orders.list_by_status(tenant_id, OrderStatus.PENDING_PAYMENT, SWEEP_BATCH)
            due = [order for order in pending if order.id not in seen and self._expires_at(order) <= moment]
            for order in due:
                seen.add(order.id)
                try:
                    self._transition(
                        order, OrderStatus.FAILED, actor=SWEEPER_ACTOR, reason=RESERVATION_EXPIRED
                    )
                except InvalidTransition:
                    continue  # paid or cancelled since it was listed: its reservation is no longer held
                expired += 1
            # Oldest first: only a full batch of due orders can hide more due ones behind it.
            if not due or len(pending) < SWEEP_BATCH:
                break
        if expired:
            logger.info("expired %d reservations for tenant %s", expired, tenant_id)
        return expired

    def _expires_at(self, order: Order) -> datetime:
        return order.reservation_expires_at or order.created_at + self._reservation_ttl

    def _replay(self, tenant_id: str, order_id: str, stored_hash: str, request_hash: str) -> PlacedOrder:
        if stored_hash != request_hash:
            raise IdempotencyKeyReused("this Idempotency-Key was already used with a different request")
        order = self.get(tenant_id, order_id)
        if order.status == OrderStatus.FAILED and order.failure_reason != RESERVATION_EXPIRED:
            raise payment_failed(order)
        return PlacedOrder(order=order, replayed=True)

    def _new_order(
        self,
        tenant_id: str,
        request: PlaceOrderRequest,
        lines: Sequence[OrderLineRequest],
        idempotency_key: str | None,
    ) -> Order:
        """Validate against the serviceable regions, the catalog and the accepted payment methods; prices come
        from the catalog."""
        if not is_serviceable(request.region):
            raise InvalidInput(
                f"pakka does not deliver to {request.region!r}",
                {"field": "region", "region": request.region, "regions": region_slugs()},
            )
        if request.payment_method not in self._payments.methods():
            raise InvalidInput(
                f"unknown payment method {request.payment_method!r}",
                {"payment_method": request.payment_method, "accepted": self._payments.methods()},
            )
        product_ids = list(dict.fromkeys(line.product_id for line in lines))
        products = self._store.products.get_many(tenant_id, product_ids)
        items: list[OrderLine] = []
        for line in lines:
            product = products.get(line.product_id)
            if product is None:
                raise NotFound(f"product {line.product_id} not found", {"product_id": line.product_id})
            if line.size not in product.sizes:
                raise InvalidInput(
                    f"{product.name} does not come in size {line.size!r}",
                    {"product_id": product.id, "size": line.size, "sizes": product.sizes},
                )
            items.append(
                OrderLine(
                    product_id=product.id,
                    size=line.size,
                    quantity=line.quantity,
                    unit_price_inr=product.price_inr,
                    name=product.name,
                )
            )
        now = self._clock()
        return Order(
            id=new_id("ord"),
            tenant_id=tenant_id,
            user_id=request.user_id,
            region=request.region,
            items=items,
            payment_method=request.payment_method,
            status=OrderStatus.PENDING_PAYMENT,
            total_inr=sum((item.unit_price_inr * item.quantity for item in items), Decimal(0)),
            idempotency_key=idempotency_key,
            reservation_expires_at=now + self._reservation_ttl,
            history=[StatusChange(status=OrderStatus.PENDING_PAYMENT, at=now)],
            created_at=now,
            updated_at=now,
        )

    def _transition(
        self,
        order: Order,
        to_status: OrderStatus,
        *,
        actor: str,
        reason: str | None = None,
        payment_reference: str | None = None,
    ) -> Order:
        """Move `order` to `to_status`, re-reading it after a VersionConflict.

        After a conflict the state machine decides again from the order's new status (a pending order that
        got confirmed meanwhile is cancelled with RESTOCK instead of RELEASE). If the other writer already
        made this very change, its result is returned as is: applying the stock effect again would count it
        twice.
        """
        latest = order

        def attempt() -> Order:
            nonlocal latest
            from_status = latest.status
            effect = stock_effect(from_status, to_status)
            try:
                moved = self._store.orders.transition(
                    latest.tenant_id,
                    latest.id,
                    expected_version=latest.version,
                    expected_status=from_status,
                    to_status=to_status,
                    stock_effect=effect,
                    reason=reason,
                    payment_reference=payment_reference,
                    at=self._clock(),
                )
            except VersionConflict:
                latest = self.get(latest.tenant_id, latest.id)
                if latest.status == to_status:
                    return latest
                raise
            details: dict[str, Any] = {"from_status": from_status.value, "stock_effect": effect.value}
            if reason is not None:
                details["reason"] = reason
            self._audit(moved, actor, f"order.{to_status.value.lower()}", details)
            return moved

        retrying = Retrying(
            retry=retry_if_exception_type(VersionConflict),
            stop=stop_after_attempt(TRANSITION_ATTEMPTS),
            wait=wait_random_exponential(multiplier=0.01, max=0.2),
            reraise=True,
        )
        return retrying(attempt)

    def _audit(self, order: Order, actor: str, action: str, details: dict[str, Any]) -> None:
        self._store.audit.append(
            AuditEntry(
                tenant_id=order.tenant_id,
                actor=actor,
                action=action,
                entity_type="order",
                entity_id=order.id,
                at=self._clock(),
                details={"status": order.status.value, **details},
            )
        )


def merge_lines(items: Sequence[OrderLineRequest]) -> list[OrderLineRequest]:
    """One line per (product, size), quantities summed, in first-seen order."""
    quantities: dict[tuple[str, str], int] = {}
    for item in items:
        key = (item.product_id, item.size)
        quantities[key] = quantities.get(key, 0) + item.quantity
    merged: list[OrderLineRequest] = []
    for (product_id, size), quantity in quantities.items():
        if quantity > MAX_LINE_QUANTITY:
            raise InvalidInput(
                f"at most {MAX_LINE_QUANTITY} units of one product and size per order",
                {"product_id": product_id, "size": size, "quantity": quantity},
            )
        merged.append(OrderLineRequest(product_id=product_id, size=size, quantity=quantity))
    return merged


def idempotency_scope(user_id: str, key: str) -> str:
    """The stored form of a client's Idempotency-Key: bound to the shopper (two shoppers' keys never collide)
    and hashed, so the key table holds no user id, nor whatever else a client put in its keys."""
    digest = hashlib.sha256(f"{user_id}\x1f{key}".encode()).hexdigest()
    return f"idk_{digest[:48]}"


def fingerprint(request: PlaceOrderRequest, lines: Sequence[OrderLineRequest]) -> str:
    """A hash of what the request asks for (merged lines in a canonical order), to recognise a replay."""
    canonical = {
        "user_id": request.user_id,
        "region": request.region,
        "payment_method": request.payment_method,
        "items": sorted([line.product_id, line.size, line.quantity] for line in lines),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def payment_failed(order: Order) -> PaymentFailed:
    return PaymentFailed(
        f"payment declined: {order.failure_reason}",
        {"order": order.model_dump(mode="json")},
    )
