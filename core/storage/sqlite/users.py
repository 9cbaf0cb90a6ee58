"""Shopper profiles (derived attributes only; photos are never stored)."""

from __future__ import annotations

from core.schemas import User
from core.storage.sqlite.database import SqliteDatabase


class SqliteUserRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def put(self, user: User) -> User:
        with self._db.transaction() as connection:
            connection.execute(
                "INSERT INTO users (tenant_id, id, doc) VALUES (?, ?, ?) "
                "ON CONFLICT (tenant_id, id) DO UPDATE SET doc = excluded.doc",
                (user.tenant_id, user.id, user.model_dump_json()),
            )
        return user

    def get(self, tenant_id: str, user_id: str) -> User | None:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT doc FROM users WHERE tenant_id = ? AND id = ?", (tenant_id, user_id)
            ).fetchone()
        return None if row is None else User.model_validate_json(row["doc"])

    def delete(self, tenant_id: str, user_id: str) -> bool:
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM users WHERE tenant_id = ? AND id = ?", (tenant_id, user_id)
            )
        return cursor.rowcount > 0
