"""The tenant registry (the one repository not scoped by tenant)."""

from __future__ import annotations

from core.schemas import Tenant
from core.storage.sqlite.database import SqliteDatabase


class SqliteTenantRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def put(self, tenant: Tenant) -> Tenant:
        with self._db.transaction() as connection:
            connection.execute(
                "INSERT INTO tenants (id, doc) VALUES (?, ?)"
                " ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                (tenant.id, tenant.model_dump_json()),
            )
        return tenant

    def get(self, tenant_id: str) -> Tenant | None:
        with self._db.reading() as connection:
            row = connection.execute("SELECT doc FROM tenants WHERE id = ?", (tenant_id,)).fetchone()
        return None if row is None else Tenant.model_validate_json(row["doc"])

    def list(self) -> list[Tenant]:
        """Ordered by id."""
        with self._db.reading() as connection:
            rows = connection.execute("SELECT doc FROM tenants ORDER BY id").fetchall()
        return [Tenant.model_validate_json(row["doc"]) for row in rows]
