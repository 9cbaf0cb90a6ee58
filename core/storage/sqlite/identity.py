"""Sign-in records (core/records/identity.py), versioned like carts."""

from __future__ import annotations

import json

from core.errors import InvalidInput, VersionConflict
from core.records.identity import AuthKind, AuthRecord
from core.storage.sqlite.database import SqliteDatabase


class SqliteIdentityRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def get(self, tenant_id: str, kind: AuthKind, key: str) -> AuthRecord | None:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT doc FROM auth_records WHERE tenant_id = ? AND kind = ? AND key = ?",
                (tenant_id, str(kind), key),
            ).fetchone()
        return None if row is None else AuthRecord.model_validate_json(row["doc"])

    def save(self, record: AuthRecord, expected_version: int) -> AuthRecord:
        if expected_version < 0:
            raise InvalidInput("expected_version must be 0 or more", {"expected_version": expected_version})
        saved = record.model_copy(update={"version": expected_version + 1})
        params = (
            saved.tenant_id,
            str(saved.kind),
            saved.key,
            saved.user_id,
            saved.version,
            saved.model_dump_json(),
        )
        with self._db.transaction() as connection:
            if expected_version == 0:
                cursor = connection.execute(
                    "INSERT INTO auth_records (tenant_id, kind, key, user_id, version, doc)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, kind, key) DO NOTHING",
                    params,
                )
            else:
                cursor = connection.execute(
                    "UPDATE auth_records SET user_id = ?, version = ?, doc = ?"
                    " WHERE tenant_id = ? AND kind = ? AND key = ? AND version = ?",
                    (*params[3:], *params[:3], expected_version),
                )
            if cursor.rowcount == 0:
                stored = connection.execute(
                    "SELECT version FROM auth_records WHERE tenant_id = ? AND kind = ? AND key = ?",
                    params[:3],
                ).fetchone()
                raise VersionConflict(
                    "the record changed since it was read",
                    {"expected_version": expected_version, "version": 0 if stored is None else stored[0]},
                )
        return saved

    def delete(self, tenant_id: str, kind: AuthKind, key: str, expected_version: int | None = None) -> bool:
        sql = "DELETE FROM auth_records WHERE tenant_id = ? AND kind = ? AND key = ?"
        params: tuple[object, ...] = (tenant_id, str(kind), key)
        if expected_version is not None:
            sql += " AND version = ?"
            params = (*params, expected_version)
        with self._db.transaction() as connection:
            cursor = connection.execute(sql, params)
        return cursor.rowcount > 0

    def list(self, tenant_id: str, kind: AuthKind) -> list[AuthRecord]:
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT doc FROM auth_records WHERE tenant_id = ? AND kind = ? ORDER BY key",
                (tenant_id, str(kind)),
            ).fetchall()
        return [AuthRecord.model_validate(json.loads(row["doc"])) for row in rows]

    def delete_for_user(self, tenant_id: str, user_id: str) -> int:
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM auth_records WHERE tenant_id = ? AND user_id = ?", (tenant_id, user_id)
            )
        return cursor.rowcount
