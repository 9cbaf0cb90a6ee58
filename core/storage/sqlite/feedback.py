"""Shoppers' feedback on purchases (append-only, erased with the shopper)."""

from __future__ import annotations

from core.errors import InvalidInput
from core.records.feedback import FeedbackEvent
from core.storage.sqlite.columns import sortable_time
from core.storage.sqlite.database import SqliteDatabase


class SqliteFeedbackRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def record(self, event: FeedbackEvent) -> FeedbackEvent:
        """Append one event; an id already recorded is rejected (events are never rewritten)."""
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO feedback_events (tenant_id, id, user_id, recorded_at, doc) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (tenant_id, id) DO NOTHING",
                (
                    event.tenant_id,
                    event.id,
                    event.user_id,
                    sortable_time(event.recorded_at),
                    event.model_dump_json(),
                ),
            )
        if cursor.rowcount == 0:
            raise InvalidInput("feedback event already recorded", {"id": event.id})
        return event

    def list_for_user(self, tenant_id: str, user_id: str) -> list[FeedbackEvent]:
        """Oldest first."""
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT doc FROM feedback_events WHERE tenant_id = ? AND user_id = ? "
                "ORDER BY recorded_at, id",
                (tenant_id, user_id),
            ).fetchall()
        return [FeedbackEvent.model_validate_json(row["doc"]) for row in rows]

    def delete_for_user(self, tenant_id: str, user_id: str) -> int:
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "DELETE FROM feedback_events WHERE tenant_id = ? AND user_id = ?", (tenant_id, user_id)
            )
        return cursor.rowcount
