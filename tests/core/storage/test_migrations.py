"""SQLite only: versioned migrations, re-opening an existing file, and the pragmas every connection gets."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import StoreUnavailable
from core.schemas import ProductQuery
from core.storage.sqlite import SqliteStore
from core.storage.sqlite.migrations import MIGRATIONS, Migration, applied_versions, migrate, split_statements
from tests.core.storage.factories import TENANT, make_product

ALL_VERSIONS = [migration.version for migration in MIGRATIONS]
NEXT_VERSION = max(ALL_VERSIONS) + 1


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "pakka.db")
    store.initialize()
    yield store
    store.close()


def table_names(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        connection.close()
    return {name for (name,) in rows}


def test_initialize_creates_the_parent_directories_and_applies_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "pakka.db"
    store = SqliteStore(path)

    store.initialize()

    assert path.is_file()
    assert applied_versions(store.database) == ALL_VERSIONS
    assert {"products", "products_fts", "inventory", "orders", "idempotency_keys", "carts"} <= table_names(
        path
    )
    store.close()


def test_initialize_again_applies_nothing(sqlite_store: SqliteStore) -> None:
    sqlite_store.initialize()

    assert migrate(sqlite_store.database) == []
    assert applied_versions(sqlite_store.database) == ALL_VERSIONS


def test_reopening_an_existing_file_keeps_its_data_and_migrates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "pakka.db"
    first = SqliteStore(path)
    first.initialize()
    product = first.products.put(make_product())
    first.close()

    second = SqliteStore(path)

    assert migrate(second.database) == []
    assert second.products.get(TENANT, product.id) == product
    assert second.products.search(TENANT, ProductQuery(text="trail")).total == 1
    second.close()


def test_a_new_migration_is_applied_once_on_top_of_the_existing_ones(sqlite_store: SqliteStore) -> None:
    extra = Migration(
        NEXT_VERSION, "CREATE TABLE wishlists (tenant_id TEXT NOT NULL, user_id TEXT NOT NULL);\n"
    )

    assert migrate(sqlite_store.database, (*MIGRATIONS, extra)) == [NEXT_VERSION]
    assert migrate(sqlite_store.database, (*MIGRATIONS, extra)) == []
    assert applied_versions(sqlite_store.database) == [*ALL_VERSIONS, NEXT_VERSION]
    assert "wishlists" in table_names(sqlite_store.path)


def test_a_failing_migration_leaves_no_trace(sqlite_store: SqliteStore) -> None:
    broken = Migration(
        NEXT_VERSION,
        "CREATE TABLE wishlists (tenant_id TEXT NOT NULL);\nINSERT INTO no_such_table VALUES (1);\n",
    )

    with pytest.raises(StoreUnavailable):
        migrate(sqlite_store.database, (*MIGRATIONS, broken))

    assert applied_versions(sqlite_store.database) == ALL_VERSIONS
    assert "wishlists" not in table_names(sqlite_store.path)


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    script = (
        "CREATE TABLE a (x INTEGER);\n"
        "CREATE TRIGGER a_copy AFTER INSERT ON a BEGIN\n"
        "    INSERT INTO a (x) SELECT new.x WHERE 0;\n"
        "END;\n"
        "CREATE INDEX a_x ON a (x);\n"
    )

    statements = split_statements(script)

    assert len(statements) == 3
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


def test_split_statements_rejects_an_unfinished_statement() -> None:
    with pytest.raises(ValueError, match="unfinished"):
        split_statements("CREATE TABLE a (x INTEGER);\nCREATE TABLE b (y")


def test_the_file_is_in_wal_mode_with_foreign_keys_and_a_busy_timeout(sqlite_store: SqliteStore) -> None:
    connection = sqlite_store.database.connection()

    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    raw = sqlite3.connect(sqlite_store.path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()
