"""The append-only consent log."""

from __future__ import annotations

from core.errors import InvalidInput
from core.schemas import ConsentRecord
from core.storage.sqlite.columns import sortable_time
from core.storage.sqlite.database import SqliteDatabase


class SqliteConsentRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def record(self, entry: ConsentRecord) -> ConsentRecord:
        """Append one entry; an id already in the log is rejected (entries are never rewritten)."""
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO consent_log (tenant_id, id, user_id, consent_type, recorded_at, doc) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, id) DO NOTHING",
                (
                    entry.tenant_id,
                    entry.id,
                    entry.user_id,
                    entry.consent_type,
                    sortable_time(entry.recorded_at),
                    entry.model_dump_json(),
                ),
            )
        if cursor.rowcount == 0:
            raise InvalidInput("consent entry already recorded", {"id": entry.id})
        return entry

    def history(self, tenant_id: str, user_id: str) -> list[ConsentRecord]:
        """Oldest first."""
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT doc FROM consent_log WHERE tenant_id = ? AND user_id = ? ORDER BY recorded_at, id",
                (tenant_id, user_id),
            ).fetchall()
        return [ConsentRecord.model_validate_json(row["doc"]) for row in rows]

    def latest(self, tenant_id: str, user_id: str, consent_type: str) -> ConsentRecord | None:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT doc FROM consent_log WHERE tenant_id = ? AND user_id = ? AND consent_type = ? "
                "ORDER BY recorded_at DESC, id DESC LIMIT 1",
                (tenant_id, user_id, consent_type),
            ).fetchone()
        return None if row is None else ConsentRecord.model_validate_json(row["doc"])

    def delete_for_user(self, tenant_id: str, user_id: str) -> int:
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM consent_log WHERE tenant_id = ? AND user_id = ?", (tenant_id, user_id)
            )
        return cursor.rowcount
