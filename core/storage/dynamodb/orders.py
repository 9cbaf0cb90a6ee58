"""Orders and idempotency keys. Creating an order and changing its status are each one TransactWriteItems
together with their inventory updates (core/storage/dynamodb/stock.py), so stock and orders never disagree.

Listing by user or status reads the `by_user` / `by_status` indexes, which DynamoDB keeps eventually
consistent: an order written a moment ago may be missing from a list for a moment; `get` is strongly
consistent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from core.errors import (
    IdempotencyKeyExists,
    InsufficientStock,
    InvalidInput,
    NotFound,
    StoreUnavailable,
    VersionConflict,
)
from core.schemas import IdempotencyRecord, Order, OrderStatus, StatusChange, StockEffect, utcnow
from core.storage.dynamodb import keys, operations, stock
from core.storage.dynamodb.client import CONDITIONAL_CHECK_FAILED, backend_faults, error_code
from core.storage.dynamodb.codec import Item, RecordCodec, serialize, timestamp
from core.storage.dynamodb.inventory import INVENTORY
from core.storage.dynamodb.operations import TRANSACTION_LIMIT, CancellationReason, TransactionCancelled
from core.storage.dynamodb.stock import StockLine
from core.storage.dynamodb.tables import ORDERS_BY_STATUS, ORDERS_BY_USER
from core.storage.dynamodb.versions import DynamoDataVersionRepository

ORDERS = RecordCodec(Order)
IDEMPOTENCY = RecordCodec(IdempotencyRecord)


def order_item(order: Order) -> Item:
    """The stored item, with the index attributes recomputed from the order on every write."""
    return ORDERS.to_item(
        order,
        order_id=keys.part(order.id),
        tenant_user=keys.tenant_scoped(order.tenant_id, order.user_id),
        tenant_status=keys.tenant_scoped(order.tenant_id, order.status.value),
    )


def _order_key(tenant_id: str, order_id: str) -> Item:
    return {"tenant_id": serialize(keys.part(tenant_id)), "order_id": serialize(keys.part(order_id))}


def _check_new(order: Order, idempotency: IdempotencyRecord | None) -> None:
    if order.status is not OrderStatus.PENDING_PAYMENT:
        raise InvalidInput("a new order must be PENDING_PAYMENT", {"status": order.status.value})
    if idempotency is None:
        return
    if idempotency.tenant_id != order.tenant_id:
        raise InvalidInput(
            "idempotency record belongs to another tenant",
            {"tenant_id": order.tenant_id, "record_tenant_id": idempotency.tenant_id},
        )
    if idempotency.order_id != order.id:
        raise InvalidInput(
            "idempotency record names another order",
            {"order_id": order.id, "idempotency_order_id": idempotency.order_id},
        )


def _line_details(line: StockLine) -> dict[str, Any]:
    return {
        "product_id": line.product_id,
        "size": line.size,
        "region": line.region,
        "requested": line.quantity,
    }


def _stored_count(reason: CancellationReason, field: str) -> int:
    """A counter of the inventory row a failed condition saw (0 when the row does not exist)."""
    return 0 if reason.item is None else int(getattr(INVENTORY.from_item(reason.item), field))


def _with_ties(orders: Iterable[Order], limit: int) -> list[Order]:
    """The first `limit` orders in index order, plus those sharing the last one's `created_at`: the index
    leaves the order of equal sort keys open, so the caller settles ties by id over all of them."""
    taken: list[Order] = []
    for order in orders:
        if len(taken) >= limit and order.created_at != taken[-1].created_at:
            break
        taken.append(order)
    return taken


class DynamoOrderRepository:
    def __init__(
        self,
        client: BaseClient,
        table: str,
        idempotency_table: str,
        inventory_table: str,
        versions: DynamoDataVersionRepository,
    ) -> None:
        self._client = client
        self._table = table
        self._idempotency_table = idempotency_table
        self._inventory_table = inventory_table
        self._versions = versions

    def create_reserving(self, order: Order, idempotency: IdempotencyRecord | None = None) -> Order:
        """One transaction: put the order and the key (each only if new) and reserve every line's stock."""
        _check_new(order, idempotency)
        lines = stock.stock_lines(order.items, order.region)
        now = utcnow()
        transaction = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": order_item(order),
                    "ConditionExpression": "attribute_not_exists(order_id)",
                }
            }
        ]
        if idempotency is not None:
            transaction.append(
                {
                    "Put": {
                        "TableName": self._idempotency_table,
                        "Item": IDEMPOTENCY.to_item(idempotency),
                        "ConditionExpression": "attribute_not_exists(#key)",
                        "ExpressionAttributeNames": {"#key": "key"},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                }
            )
        transaction += [stock.reserve(self._inventory_table, order.tenant_id, line, now) for line in lines]
        if len(transaction) > TRANSACTION_LIMIT:
            raise InvalidInput("too many distinct products and sizes in one order", {"lines": len(lines)})
        try:
            operations.transact_write(self._client, "orders.create_reserving", transaction)
        except TransactionCancelled as cancelled:
            raise self._reservation_error(order, idempotency is not None, lines, cancelled.reasons) from None
        finally:  # also after a fault: the transaction may have committed
            if lines:
                self._versions.bump(order.tenant_id, "stock")
        return order

    @staticmethod
    def _reservation_error(
        order: Order, with_key: bool, lines: list[StockLine], reasons: list[CancellationReason]
    ) -> Exception:
        """The domain error for a cancelled reservation, in the order SQLite finds them: key, order, stock."""
        order_reason, *rest = reasons
        if with_key:
            key_reason, *rest = rest
            if key_reason.condition_failed and key_reason.item is not None:
                bound = IDEMPOTENCY.from_item(key_reason.item)
                return IdempotencyKeyExists(bound.order_id, bound.request_hash)
        if order_reason.condition_failed:
            return InvalidInput("an order with this id already exists", {"order_id": order.id})
        for line, reason in zip(lines, rest, strict=False):
            if reason.condition_failed:
                return InsufficientStock(
                    f"not enough stock of {line.product_id} size {line.size} in {line.region}",
                    _line_details(line) | {"available": _stored_count(reason, "available")},
                )
        return StoreUnavailable("order transaction cancelled without a failed condition")

    def transition(
        self,
        tenant_id: str,
        order_id: str,
        *,
        expected_version: int,
        expected_status: OrderStatus,
        to_status: OrderStatus,
        stock_effect: StockEffect,
        reason: str | None = None,
        payment_reference: str | None = None,
        at: datetime | None = None,
    ) -> Order:
        """One transaction: replace the order only over the expected version and status, and apply the
        stock effect to every line (a counter that would go negative cancels it: InsufficientStock)."""
        moment = at or utcnow()
        current = self.get(tenant_id, order_id)
        if current is None:
            raise NotFound("no such order", {"order_id": order_id})
        if current.version != expected_version or current.status is not expected_status:
            raise _moved_on(current, expected_version, expected_status)
        changes: dict[str, Any] = {
            "status": to_status,
            "version": current.version + 1,
            "updated_at": moment,
            "history": [*current.history, StatusChange(status=to_status, at=moment, reason=reason)],
        }
        if to_status is OrderStatus.FAILED:
            changes["failure_reason"] = reason
        if payment_reference is not None:
            changes["payment_reference"] = payment_reference
        updated = current.model_copy(update=changes)

        lines = [] if stock_effect is StockEffect.NONE else stock.stock_lines(updated.items, updated.region)
        transaction = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": order_item(updated),
                    "ConditionExpression": "#version = :version AND #status = :status",
                    "ExpressionAttributeNames": {"#version": "version", "#status": "status"},
                    "ExpressionAttributeValues": {
                        ":version": serialize(expected_version),
                        ":status": serialize(expected_status),
                    },
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            }
        ]
        transaction += [
            stock.apply_effect(self._inventory_table, tenant_id, line, stock_effect, moment) for line in lines
        ]
        try:
            operations.transact_write(self._client, "orders.transition", transaction)
        except TransactionCancelled as cancelled:
            raise self._transition_error(
                order_id, expected_version, expected_status, stock_effect, lines, cancelled.reasons
            ) from None
        finally:  # committing a reservation leaves `available` as it was: no answer can change
            if lines and stock_effect is not StockEffect.COMMIT:
                self._versions.bump(tenant_id, "stock")
        return updated

    @staticmethod
    def _transition_error(
        order_id: str,
        expected_version: int,
        expected_status: OrderStatus,
        effect: StockEffect,
        lines: list[StockLine],
        reasons: list[CancellationReason],
    ) -> Exception:
        order_reason, *stock_reasons = reasons
        if order_reason.condition_failed:
            if order_reason.item is None:
                return NotFound("no such order", {"order_id": order_id})
            return _moved_on(ORDERS.from_item(order_reason.item), expected_version, expected_status)
        for line, reason in zip(lines, stock_reasons, strict=False):
            if reason.condition_failed:
                return InsufficientStock(
                    f"cannot apply {effect.value} to the stock of {line.product_id} size {line.size}"
                    f" in {line.region}",
                    _line_details(line)
                    | {"reserved": _stored_count(reason, "reserved"), "stock_effect": effect.value},
                )
        return StoreUnavailable("order transaction cancelled without a failed condition")

    def get(self, tenant_id: str, order_id: str) -> Order | None:
        with backend_faults("orders.get"):
            response = self._client.get_item(
                TableName=self._table,
                Key=_order_key(tenant_id, order_id),
                ConsistentRead=True,
            )
        item = response.get("Item")
        return ORDERS.from_item(item) if item else None

    def get_idempotency(self, tenant_id: str, key: str) -> IdempotencyRecord | None:
        """The record bound to `key`. The key is client-chosen text, matched exactly, so it may hold '#'."""
        if not key:
            return None
        with backend_faults("orders.get_idempotency"):
            response = self._client.get_item(
                TableName=self._idempotency_table,
                Key={"tenant_id": serialize(keys.part(tenant_id)), "key": serialize(key)},
                ConsistentRead=True,
            )
        item = response.get("Item")
        return IDEMPOTENCY.from_item(item) if item else None

    def list_by_user(self, tenant_id: str, user_id: str, limit: int = 50) -> list[Order]:
        """Newest first (ties: higher id first)."""
        partition = ("tenant_user", keys.tenant_scoped(tenant_id, user_id))
        return self._list(ORDERS_BY_USER, partition, limit, newest_first=True)

    def pseudonymize_user(self, tenant_id: str, user_id: str, pseudonym: str) -> int:
        """A strongly consistent read of the tenant's orders (the by_user index may lag behind a new order),
        then one conditional write per order of the user; an order that moved on meanwhile is read again."""
        items = operations.query(
            self._client,
            "orders.pseudonymize_user",
            TableName=self._table,
            KeyConditionExpression="tenant_id = :tenant",
            FilterExpression="user_id = :user",
            ExpressionAttributeValues={
                ":tenant": serialize(keys.part(tenant_id)),
                ":user": serialize(user_id),
            },
            ConsistentRead=True,
        )
        changed = 0
        for order in map(ORDERS.from_item, list(items)):
            for _ in range(5):
                renamed = order.model_copy(update={"user_id": pseudonym, "idempotency_key": None})
                with backend_faults("orders.pseudonymize_user"):
                    try:
                        self._client.put_item(
                            TableName=self._table,
                            Item=order_item(renamed),
                            ConditionExpression="#version = :version",
                            ExpressionAttributeNames={"#version": "version"},
                            ExpressionAttributeValues={":version": serialize(order.version)},
                        )
                    except ClientError as error:
                        if error_code(error) != CONDITIONAL_CHECK_FAILED:
                            raise
                        latest = self.get(tenant_id, order.id)
                        if latest is None or latest.user_id != user_id:
                            break
                        order = latest
                        continue
                changed += 1
                break
        return changed

    def list_by_status(self, tenant_id: str, status: OrderStatus, limit: int = 100) -> list[Order]:
        """Oldest first (ties: lower id first); the reservation sweeper expires the oldest."""
        partition = ("tenant_status", keys.tenant_scoped(tenant_id, OrderStatus(status).value))
        return self._list(ORDERS_BY_STATUS, partition, limit, newest_first=False)

    def _list(self, index: str, partition: tuple[str, str], limit: int, *, newest_first: bool) -> list[Order]:
        if limit <= 0:
            return []
        attribute, value = partition
        items = operations.query(
            self._client,
            f"orders.{index}",
            TableName=self._table,
            IndexName=index,
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames={"#pk": attribute},
            ExpressionAttributeValues={":pk": serialize(value)},
            ScanIndexForward=not newest_first,
            Limit=limit + 1,
        )
        candidates = _with_ties(map(ORDERS.from_item, items), limit)
        candidates.sort(key=lambda order: (timestamp(order.created_at), order.id), reverse=newest_first)
        return candidates[:limit]


def _moved_on(stored: Order, expected_version: int, expected_status: OrderStatus) -> VersionConflict:
    return VersionConflict(
        "the order changed since it was read",
        {
            "order_id": stored.id,
            "expected_version": expected_version,
            "version": stored.version,
            "expected_status": OrderStatus(expected_status).value,
            "status": stored.status.value,
        },
    )
