"""Stock per (product, size, region), with optimistic versions. Reservations live in orders.py."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NoReturn

from pydantic import TypeAdapter

from core.errors import NotFound, VersionConflict
from core.schemas import InventoryRecord
from core.storage.repositories import StockKey
from core.storage.sqlite.database import SqliteDatabase

_KEY = "tenant_id = :tenant_id AND product_id = :product_id AND size = :size AND region = :region"

_KEYS_PER_QUERY = 300
"""Keys per batched read: three bound values each, well under SQLite's limit on bound variables."""

_UPSERT = """
INSERT INTO inventory (tenant_id, product_id, size, region, available, reserved, version, updated_at)
VALUES (:tenant_id, :product_id, :size, :region, :available, :reserved, 1, :updated_at)
ON CONFLICT (tenant_id, product_id, size, region) DO UPDATE SET
    available = excluded.available, reserved = excluded.reserved,
    version = inventory.version + 1, updated_at = excluded.updated_at
"""


def _params(record: InventoryRecord) -> dict[str, object]:
    return {
        "tenant_id": record.tenant_id,
        "product_id": record.product_id,
        "size": record.size,
        "region": record.region,
        "available": record.available,
        "reserved": record.reserved,
        "updated_at": record.updated_at.isoformat(),
    }


def _fields(row: sqlite3.Row) -> dict[str, object]:
    return {
        "tenant_id": row["tenant_id"],
        "product_id": row["product_id"],
        "size": row["size"],
        "region": row["region"],
        "available": row["available"],
        "reserved": row["reserved"],
        "version": row["version"],
        "updated_at": datetime.fromisoformat(row["updated_at"]),
    }


def inventory_from_row(row: sqlite3.Row) -> InventoryRecord:
    return InventoryRecord(**_fields(row))


_RECORDS = TypeAdapter(list[InventoryRecord])


def inventory_from_rows(rows: Sequence[sqlite3.Row]) -> list[InventoryRecord]:
    """`inventory_from_row` of each row, validated as one list (a batch read returns many rows)."""
    return _RECORDS.validate_python([_fields(row) for row in rows])


def _key_rows(count: int) -> str:
    """`(?, ?, ?), (?, ?, ?)` for `count` keys."""
    return ", ".join(["(?, ?, ?)"] * count)


class SqliteInventoryRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def put(self, record: InventoryRecord, expected_version: int | None = None) -> InventoryRecord:
        """Set stock; with `expected_version`, only over that stored version. Stores version previous + 1."""
        params = _params(record)
        with self._db.transaction() as connection:
            if expected_version is None:
                row = connection.execute(_UPSERT + " RETURNING version", params).fetchone()
            else:
                row = connection.execute(
                    "UPDATE inventory SET available = :available, reserved = :reserved,"
                    " version = version + 1, updated_at = :updated_at"
                    f" WHERE {_KEY} AND version = :expected RETURNING version",
                    {**params, "expected": expected_version},
                ).fetchone()
                if row is None:
                    self._raise_missing_or_moved(connection, params, expected_version)
        return record.model_copy(update={"version": int(row["version"])})

    def put_many(self, records: Iterable[InventoryRecord]) -> int:
        """Bulk unconditional upsert in one transaction (seeding, imports)."""
        batch = [_params(record) for record in records]
        if not batch:
            return 0
        with self._db.transaction() as connection:
            connection.executemany(_UPSERT, batch)
        return len(batch)

    def get(self, tenant_id: str, product_id: str, size: str, region: str) -> InventoryRecord | None:
        with self._db.reading() as connection:
            row = connection.execute(
                f"SELECT * FROM inventory WHERE {_KEY}",
                {"tenant_id": tenant_id, "product_id": product_id, "size": size, "region": region},
            ).fetchone()
        return None if row is None else inventory_from_row(row)

    def get_many(self, tenant_id: str, stock_keys: Sequence[StockKey]) -> dict[StockKey, InventoryRecord]:
        """One primary-key lookup per key, `_KEYS_PER_QUERY` keys a statement, all in one snapshot."""
        wanted = list(dict.fromkeys(StockKey(*key) for key in stock_keys))
        found: dict[StockKey, InventoryRecord] = {}
        with self._db.transaction(write=False) as connection:
            for start in range(0, len(wanted), _KEYS_PER_QUERY):
                chunk = wanted[start : start + _KEYS_PER_QUERY]
                rows = connection.execute(
                    f"WITH wanted (product_id, size, region) AS (VALUES {_key_rows(len(chunk))}) "
                    "SELECT inventory.* FROM wanted JOIN inventory ON inventory.tenant_id = ? "
                    "AND inventory.product_id = wanted.product_id AND inventory.size = wanted.size "
                    "AND inventory.region = wanted.region",
                    (*(value for key in chunk for value in key), tenant_id),
                ).fetchall()
                for record in inventory_from_rows(rows):
                    found[StockKey(record.product_id, record.size, record.region)] = record
        return found

    def list_for_product(self, tenant_id: str, product_id: str) -> list[InventoryRecord]:
        """Ordered by size then region."""
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT * FROM inventory WHERE tenant_id = ? AND product_id = ? ORDER BY size, region",
                (tenant_id, product_id),
            ).fetchall()
        return inventory_from_rows(rows)

    @staticmethod
    def _raise_missing_or_moved(
        connection: sqlite3.Connection, key: dict[str, object], expected_version: int
    ) -> NoReturn:
        current = connection.execute(f"SELECT version FROM inventory WHERE {_KEY}", key).fetchone()
        details = {name: key[name] for name in ("product_id", "size", "region")}
        if current is None:
            raise NotFound("no inventory for this product size and region", details)
        raise VersionConflict(
            "inventory changed since it was read",
            {**details, "expected_version": expected_version, "version": int(current["version"])},
        )
