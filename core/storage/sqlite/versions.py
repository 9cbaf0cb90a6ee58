"""Change counters per tenant, moved by the triggers of schema_v6.sql inside every writing transaction."""

from __future__ import annotations

from core.storage.repositories import DataVersions
from core.storage.sqlite.database import SqliteDatabase


class SqliteDataVersionRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def get(self, tenant_id: str) -> DataVersions:
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT name, version FROM data_versions WHERE tenant_id = ?", (tenant_id,)
            ).fetchall()
        found = {row[0]: int(row[1]) for row in rows}
        return DataVersions(
            products=found.get("products", 0), stock=found.get("stock", 0), offsets=found.get("offsets", 0)
        )
