"""Versioned schema migrations: each applied once, in order, in its own transaction."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from importlib import resources

from core.schemas import utcnow
from core.storage.sqlite.database import SqliteDatabase


@dataclass(frozen=True)
class Migration:
    version: int
    sql: str


def _packaged_sql(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, _packaged_sql("schema_v1.sql")),
    Migration(2, _packaged_sql("schema_v2.sql")),
    Migration(3, _packaged_sql("schema_v3.sql")),
    Migration(4, _packaged_sql("schema_v4.sql")),
    Migration(5, _packaged_sql("schema_v5.sql")),
    Migration(6, _packaged_sql("schema_v6.sql")),
)


def split_statements(script: str) -> list[str]:
    """Split a script into statements at line ends (trigger bodies contain `;`, so a plain split won't do).

    `executescript` cannot be used: it commits any open transaction first, and a migration must be atomic."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"migration ends inside an unfinished statement: {pending.strip()[:80]!r}")
    return statements


def applied_versions(database: SqliteDatabase) -> list[int]:
    with database.reading() as connection:
        rows = connection.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    return [int(row["version"]) for row in rows]


def migrate(database: SqliteDatabase, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply the migrations this file lacks; returns the versions applied now (empty when up to date).

    The applied check runs under the write lock, so processes starting together apply each version once."""
    with database.reading() as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
    applied_now: list[int] = []
    for migration in sorted(migrations, key=lambda item: item.version):
        with database.transaction() as connection:
            already = connection.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            ).fetchone()
            if already is not None:
                continue
            for statement in split_statements(migration.sql):
                connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                (migration.version, utcnow().isoformat()),
            )
        applied_now.append(migration.version)
    return applied_now
