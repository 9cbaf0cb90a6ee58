"""Orders with their stock reservations and status changes, each one atomic transaction."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from core.errors import IdempotencyKeyExists, InsufficientStock, InvalidInput, NotFound, VersionConflict
from core.schemas import (
    IdempotencyRecord,
    Order,
    OrderLine,
    OrderStatus,
    StatusChange,
    StockEffect,
    utcnow,
)
from core.storage.sqlite.columns import require_tenant, sortable_time
from core.storage.sqlite.database import SqliteDatabase

_STOCK_KEY = "tenant_id = :tenant_id AND product_id = :product_id AND size = :size AND region = :region"

_RESERVE = (
    "UPDATE inventory SET available = available - :quantity, reserved = reserved + :quantity,"
    f" version = version + 1, updated_at = :at WHERE {_STOCK_KEY} AND available >= :quantity"
)

# Each effect is guarded so that neither counter can go negative; a guard that fails aborts the transition.
_STOCK_EFFECTS: dict[StockEffect, str] = {
    StockEffect.COMMIT: (
        "UPDATE inventory SET reserved = reserved - :quantity, version = version + 1, updated_at = :at"
        f" WHERE {_STOCK_KEY} AND reserved >= :quantity"
    ),
    StockEffect.RELEASE: (
        "UPDATE inventory SET reserved = reserved - :quantity, available = available + :quantity,"
        f" version = version + 1, updated_at = :at WHERE {_STOCK_KEY} AND reserved >= :quantity"
    ),
    StockEffect.RESTOCK: (
        "UPDATE inventory SET available = available + :quantity, version = version + 1, updated_at = :at"
        f" WHERE {_STOCK_KEY}"
    ),
}


def quantities_by_size(items: list[OrderLine]) -> dict[tuple[str, str], int]:
    """Total quantity per (product_id, size): two lines for the same size reserve from one inventory row."""
    totals: dict[tuple[str, str], int] = {}
    for line in items:
        key = (line.product_id, line.size)
        totals[key] = totals.get(key, 0) + line.quantity
    return totals


def _stock_params(order: Order, product_id: str, size: str, quantity: int, at: datetime) -> dict[str, object]:
    return {
        "tenant_id": order.tenant_id,
        "product_id": product_id,
        "size": size,
        "region": order.region,
        "quantity": quantity,
        "at": at.isoformat(),
    }


def _stock_count(connection: sqlite3.Connection, params: dict[str, object], column: str) -> int:
    row = connection.execute(f"SELECT {column} FROM inventory WHERE {_STOCK_KEY}", params).fetchone()
    return 0 if row is None else int(row[column])


class SqliteOrderRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def create_reserving(self, order: Order, idempotency: IdempotencyRecord | None = None) -> Order:
        """Insert the order (and its idempotency key) and reserve every line's stock, all or nothing."""
        if order.status is not OrderStatus.PENDING_PAYMENT:
            raise InvalidInput("a new order must be PENDING_PAYMENT", {"status": order.status.value})
        if idempotency is not None:
            require_tenant(order.tenant_id, idempotency.tenant_id, "idempotency record")
            if idempotency.order_id != order.id:
                raise InvalidInput(
                    "idempotency record names another order",
                    {"order_id": order.id, "idempotency_order_id": idempotency.order_id},
                )
        with self._db.transaction() as connection:
            if idempotency is not None:
                self._bind_key(connection, idempotency)
            inserted = connection.execute(
                "INSERT INTO orders (tenant_id, id, user_id, status, version, created_at, doc)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, id) DO NOTHING",
                (
                    order.tenant_id,
                    order.id,
                    order.user_id,
                    order.status.value,
                    order.version,
                    sortable_time(order.created_at),
                    order.model_dump_json(),
                ),
            )
            if inserted.rowcount == 0:
                raise InvalidInput("an order with this id already exists", {"order_id": order.id})
            now = utcnow()
            for (product_id, size), quantity in quantities_by_size(order.items).items():
                params = _stock_params(order, product_id, size, quantity, now)
                if connection.execute(_RESERVE, params).rowcount == 0:
                    raise InsufficientStock(
                        f"not enough stock of {product_id} size {size} in {order.region}",
                        {
                            "product_id": product_id,
                            "size": size,
                            "region": order.region,
                            "requested": quantity,
                            "available": _stock_count(connection, params, "available"),
                        },
                    )
        return order

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
        """Move the order to `to_status` and apply `stock_effect` to every line, all or nothing."""
        moment = at or utcnow()
        with self._db.transaction() as connection:
            row = connection.execute(
                "SELECT doc FROM orders WHERE tenant_id = ? AND id = ?", (tenant_id, order_id)
            ).fetchone()
            if row is None:
                raise NotFound("no such order", {"order_id": order_id})
            current = Order.model_validate_json(row["doc"])
            if current.version != expected_version or current.status is not expected_status:
                raise VersionConflict(
                    "the order changed since it was read",
                    {
                        "order_id": order_id,
                        "expected_version": expected_version,
                        "version": current.version,
                        "expected_status": expected_status.value,
                        "status": current.status.value,
                    },
                )
            changes: dict[str, object] = {
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
            connection.execute(
                "UPDATE orders SET status = ?, version = ?, doc = ? WHERE tenant_id = ? AND id = ?",
                (updated.status.value, updated.version, updated.model_dump_json(), tenant_id, order_id),
            )
            self._apply_stock_effect(connection, updated, stock_effect, moment)
        return updated

    def get(self, tenant_id: str, order_id: str) -> Order | None:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT doc FROM orders WHERE tenant_id = ? AND id = ?", (tenant_id, order_id)
            ).fetchone()
        return None if row is None else Order.model_validate_json(row["doc"])

    def get_idempotency(self, tenant_id: str, key: str) -> IdempotencyRecord | None:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT doc FROM idempotency_keys WHERE tenant_id = ? AND key = ?", (tenant_id, key)
            ).fetchone()
        return None if row is None else IdempotencyRecord.model_validate_json(row["doc"])

    def list_by_user(self, tenant_id: str, user_id: str, limit: int = 50) -> list[Order]:
        """Newest first."""
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT doc FROM orders WHERE tenant_id = ? AND user_id = ?"
                " ORDER BY created_at DESC, id DESC LIMIT ?",
                (tenant_id, user_id, max(limit, 0)),
            ).fetchall()
        return [Order.model_validate_json(row["doc"]) for row in rows]

    def pseudonymize_user(self, tenant_id: str, user_id: str, pseudonym: str) -> int:
        with self._db.transaction() as connection:
            rows = connection.execute(
                "SELECT id, doc FROM orders WHERE tenant_id = ? AND user_id = ?", (tenant_id, user_id)
            ).fetchall()
            for row in rows:
                order = Order.model_validate_json(row["doc"])
                renamed = order.model_copy(update={"user_id": pseudonym, "idempotency_key": None})
                connection.execute(
                    "UPDATE orders SET user_id = ?, doc = ? WHERE tenant_id = ? AND id = ?",
                    (pseudonym, renamed.model_dump_json(), tenant_id, row["id"]),
                )
        return len(rows)

    def list_by_status(self, tenant_id: str, status: OrderStatus, limit: int = 100) -> list[Order]:
        """Oldest first (the reservation sweeper expires the oldest)."""
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT doc FROM orders WHERE tenant_id = ? AND status = ? ORDER BY created_at, id LIMIT ?",
                (tenant_id, status.value, max(limit, 0)),
            ).fetchall()
        return [Order.model_validate_json(row["doc"]) for row in rows]

    @staticmethod
    def _bind_key(connection: sqlite3.Connection, idempotency: IdempotencyRecord) -> None:
        inserted = connection.execute(
            "INSERT INTO idempotency_keys (tenant_id, key, order_id, doc) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (tenant_id, key) DO NOTHING",
            (idempotency.tenant_id, idempotency.key, idempotency.order_id, idempotency.model_dump_json()),
        )
        if inserted.rowcount == 0:
            row = connection.execute(
                "SELECT doc FROM idempotency_keys WHERE tenant_id = ? AND key = ?",
                (idempotency.tenant_id, idempotency.key),
            ).fetchone()
            existing = IdempotencyRecord.model_validate_json(row["doc"])
            raise IdempotencyKeyExists(existing.order_id, existing.request_hash)

    @staticmethod
    def _apply_stock_effect(
        connection: sqlite3.Connection, order: Order, effect: StockEffect, at: datetime
    ) -> None:
        if effect is StockEffect.NONE:
            return
        statement = _STOCK_EFFECTS[effect]
        for (product_id, size), quantity in quantities_by_size(order.items).items():
            params = _stock_params(order, product_id, size, quantity, at)
            if connection.execute(statement, params).rowcount == 0:
                raise InsufficientStock(
                    f"cannot apply {effect.value} to the stock of {product_id} size {size} in {order.region}",
                    {
                        "product_id": product_id,
                        "size": size,
                        "region": order.region,
                        "requested": quantity,
                        "reserved": _stock_count(connection, params, "reserved"),
                        "stock_effect": effect.value,
                    },
                )
