"""One cart per shopper, saved with optimistic versions."""

from __future__ import annotations

import sqlite3

from core.errors import InvalidInput, VersionConflict
from core.schemas import Cart
from core.storage.sqlite.database import SqliteDatabase


class SqliteCartRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def get(self, tenant_id: str, user_id: str) -> Cart:
        """The saved cart, or an empty one with version 0."""
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT doc FROM carts WHERE tenant_id = ? AND user_id = ?", (tenant_id, user_id)
            ).fetchone()
        if row is None:
            return Cart(tenant_id=tenant_id, user_id=user_id)
        return Cart.model_validate_json(row["doc"])

    def save(self, cart: Cart, expected_version: int) -> Cart:
        """Store as version expected_version + 1, only over that stored version (0: only if none exists)."""
        if expected_version < 0:
            raise InvalidInput("expected_version must be 0 or more", {"expected_version": expected_version})
        saved = cart.model_copy(update={"version": expected_version + 1})
        key = (cart.tenant_id, cart.user_id)
        with self._db.transaction() as connection:
            if expected_version == 0:
                cursor = connection.execute(
                    "INSERT INTO carts (tenant_id, user_id, version, doc) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (tenant_id, user_id) DO NOTHING",
                    (*key, saved.version, saved.model_dump_json()),
                )
            else:
                cursor = connection.execute(
                    "UPDATE carts SET version = ?, doc = ?"
                    " WHERE tenant_id = ? AND user_id = ? AND version = ?",
                    (saved.version, saved.model_dump_json(), *key, expected_version),
                )
            if cursor.rowcount == 0:
                raise VersionConflict(
                    "the cart changed since it was read",
                    {"expected_version": expected_version, "version": self._stored_version(connection, key)},
                )
        return saved

    def clear(self, tenant_id: str, user_id: str) -> None:
        with self._db.transaction() as connection:
            connection.execute("DELETE FROM carts WHERE tenant_id = ? AND user_id = ?", (tenant_id, user_id))

    @staticmethod
    def _stored_version(connection: sqlite3.Connection, key: tuple[str, str]) -> int:
        row = connection.execute(
            "SELECT version FROM carts WHERE tenant_id = ? AND user_id = ?", key
        ).fetchone()
        return 0 if row is None else int(row["version"])
