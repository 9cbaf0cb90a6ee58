"""Generated store websites, saved with optimistic versions."""

from __future__ import annotations

from core.errors import InvalidInput, VersionConflict
from core.records.sites import SiteRecord
from core.schemas import utcnow
from core.storage.sqlite.database import SqliteDatabase

NO_OWNER = "~anonymous"


class SqliteSiteRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def save(self, site: SiteRecord, expected_version: int) -> SiteRecord:
        """Store as version expected_version + 1, only over that stored version (0: only if none exists)."""
        if expected_version < 0:
            raise InvalidInput("expected_version must be 0 or more", {"expected_version": expected_version})
        saved = site.model_copy(update={"version": expected_version + 1, "updated_at": utcnow()})
        with self._db.transaction() as connection:
            if expected_version == 0:
                cursor = connection.execute(
                    "INSERT INTO sites (id, owner_tenant_id, owner_user_id, status, version, created_at, doc)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    (
                        saved.id,
                        saved.owner_tenant_id,
                        saved.owner_user_id or NO_OWNER,
                        saved.status.value,
                        saved.version,
                        saved.created_at.isoformat(),
                        saved.model_dump_json(),
                    ),
                )
            else:
                cursor = connection.execute(
                    "UPDATE sites SET status = ?, version = ?, doc = ? WHERE id = ? AND version = ?",
                    (saved.status.value, saved.version, saved.model_dump_json(), saved.id, expected_version),
                )
            if cursor.rowcount == 0:
                row = connection.execute("SELECT version FROM sites WHERE id = ?", (site.id,)).fetchone()
                raise VersionConflict(
                    "the site changed since it was read",
                    {
                        "expected_version": expected_version,
                        "version": 0 if row is None else int(row["version"]),
                    },
                )
        return saved

    def get(self, site_id: str) -> SiteRecord | None:
        with self._db.reading() as connection:
            row = connection.execute("SELECT doc FROM sites WHERE id = ?", (site_id,)).fetchone()
        return None if row is None else SiteRecord.model_validate_json(row["doc"])

    def list_by_owner(self, tenant_id: str, user_id: str | None, limit: int = 50) -> list[SiteRecord]:
        """Newest first."""
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT doc FROM sites WHERE owner_tenant_id = ? AND owner_user_id = ?"
                " ORDER BY created_at DESC, id DESC LIMIT ?",
                (tenant_id, user_id or NO_OWNER, limit),
            ).fetchall()
        return [SiteRecord.model_validate_json(row["doc"]) for row in rows]
