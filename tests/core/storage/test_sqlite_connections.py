"""SQLite only: a connection per thread, readers beside a writer, and driver faults as StoreUnavailable."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import StoreUnavailable
from core.storage.sqlite import SqliteStore
from tests.core.storage.factories import TENANT, make_user


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "pakka.db", busy_timeout_ms=50)
    store.initialize()
    yield store
    store.close()


@pytest.fixture
def write_lock(sqlite_store: SqliteStore) -> Iterator[sqlite3.Connection]:
    """Another connection holding the file's write lock, as a long write in another process would."""
    holder = sqlite3.connect(sqlite_store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def test_each_thread_gets_its_own_connection_and_keeps_it(sqlite_store: SqliteStore) -> None:
    mine = sqlite_store.database.connection()
    theirs: list[sqlite3.Connection] = []
    worker = threading.Thread(target=lambda: theirs.append(sqlite_store.database.connection()))
    worker.start()
    worker.join()

    assert sqlite_store.database.connection() is mine
    assert theirs[0] is not mine


def test_a_write_blocked_past_the_busy_timeout_raises_store_unavailable(
    sqlite_store: SqliteStore, write_lock: sqlite3.Connection
) -> None:
    with pytest.raises(StoreUnavailable) as raised:
        sqlite_store.users.put(make_user())

    assert "locked" in raised.value.details["reason"]


def test_reads_see_the_last_commit_while_another_connection_is_writing(sqlite_store: SqliteStore) -> None:
    user = sqlite_store.users.put(make_user())
    holder = sqlite3.connect(sqlite_store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM users")
    try:
        assert sqlite_store.users.get(TENANT, "u-1") == user
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_the_store_works_again_once_the_lock_is_released(
    sqlite_store: SqliteStore, write_lock: sqlite3.Connection
) -> None:
    with pytest.raises(StoreUnavailable):
        sqlite_store.users.put(make_user())
    write_lock.execute("ROLLBACK")

    assert sqlite_store.users.put(make_user()) == sqlite_store.users.get(TENANT, "u-1")


def test_a_closed_store_raises_store_unavailable(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "pakka.db")
    store.initialize()
    store.close()

    with pytest.raises(StoreUnavailable):
        store.users.get(TENANT, "u-1")


def test_a_file_that_is_not_a_database_raises_store_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "pakka.db"
    path.write_bytes(b"this is not an SQLite file" * 100)
    store = SqliteStore(path)

    with pytest.raises(StoreUnavailable):
        store.initialize()
    store.close()
