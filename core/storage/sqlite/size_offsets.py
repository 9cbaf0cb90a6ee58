"""Learned per-item and per-brand size offsets, saved with optimistic versions."""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import InvalidInput, VersionConflict
from core.records.feedback import OffsetScope, SizeOffset
from core.storage.sqlite.columns import placeholders
from core.storage.sqlite.database import SqliteDatabase

_KEYS_PER_QUERY = 500


class SqliteSizeOffsetRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def get(self, tenant_id: str, scope: OffsetScope, key: str) -> SizeOffset | None:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT doc FROM size_offsets WHERE tenant_id = ? AND scope = ? AND key = ?",
                (tenant_id, str(scope), key),
            ).fetchone()
        return None if row is None else SizeOffset.model_validate_json(row["doc"])

    def get_many(
        self, tenant_id: str, scope: OffsetScope, offset_keys: Sequence[str]
    ) -> dict[str, SizeOffset]:
        """Primary-key lookups, `_KEYS_PER_QUERY` keys a statement, all in one snapshot."""
        wanted = list(dict.fromkeys(offset_keys))
        found: dict[str, SizeOffset] = {}
        with self._db.transaction(write=False) as connection:
            for start in range(0, len(wanted), _KEYS_PER_QUERY):
                chunk = wanted[start : start + _KEYS_PER_QUERY]
                rows = connection.execute(
                    "SELECT doc FROM size_offsets WHERE tenant_id = ? AND scope = ? "
                    f"AND key IN ({placeholders(len(chunk))})",
                    (tenant_id, str(scope), *chunk),
                ).fetchall()
                for row in rows:
                    offset = SizeOffset.model_validate_json(row["doc"])
                    found[offset.key] = offset
        return found

    def save(self, offset: SizeOffset, expected_version: int) -> SizeOffset:
        """Store as version expected_version + 1, only over that stored version (0: only if none is)."""
        if expected_version < 0:
            raise InvalidInput("expected_version must be 0 or more", {"expected_version": expected_version})
        saved = offset.model_copy(update={"version": expected_version + 1})
        key = (offset.tenant_id, str(offset.scope), offset.key)
        with self._db.transaction() as connection:
            row = connection.execute(
                "SELECT version FROM size_offsets WHERE tenant_id = ? AND scope = ? AND key = ?", key
            ).fetchone()
            stored_version = 0 if row is None else int(row["version"])
            if stored_version != expected_version:
                raise VersionConflict(
                    "the size offset changed since it was read",
                    {"expected_version": expected_version, "version": stored_version},
                )
            connection.execute(
                "INSERT INTO size_offsets (tenant_id, scope, key, version, doc) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (tenant_id, scope, key) "
                "DO UPDATE SET version = excluded.version, doc = excluded.doc",
                (*key, saved.version, saved.model_dump_json()),
            )
        return saved
