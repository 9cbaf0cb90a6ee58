"""The append-only audit log."""

from __future__ import annotations

from core.errors import InvalidInput
from core.schemas import AuditEntry
from core.storage.sqlite.columns import sortable_time
from core.storage.sqlite.database import SqliteDatabase


class SqliteAuditRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def append(self, entry: AuditEntry) -> AuditEntry:
        """Append one entry; an id already in the log is rejected (entries are never rewritten)."""
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO audit_log (tenant_id, id, entity_type, entity_id, at, doc) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, id) DO NOTHING",
                (
                    entry.tenant_id,
                    entry.id,
                    entry.entity_type,
                    entry.entity_id,
                    sortable_time(entry.at),
                    entry.model_dump_json(),
                ),
            )
        if cursor.rowcount == 0:
            raise InvalidInput("audit entry already appended", {"id": entry.id})
        return entry

    def list(
        self,
        tenant_id: str,
        *,
        entity_type: str | None = None,
        entity_id: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Newest first."""
        conditions = ["tenant_id = ?"]
        params: list[str | int] = [tenant_id]
        if entity_type is not None:
            conditions.append("entity_type = ?")
            params.append(entity_type)
        if entity_id is not None:
            conditions.append("entity_id = ?")
            params.append(entity_id)
        params.append(max(limit, 0))
        with self._db.reading() as connection:
            rows = connection.execute(
                f"SELECT doc FROM audit_log WHERE {' AND '.join(conditions)}"
                " ORDER BY at DESC, id DESC LIMIT ?",
                params,
            ).fetchall()
        return [AuditEntry.model_validate_json(row["doc"]) for row in rows]
