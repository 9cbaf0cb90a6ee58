"""Per-thread connections to one SQLite file; transactions that turn driver faults into StoreUnavailable."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from core.errors import StoreUnavailable


@contextlib.contextmanager
def translating_errors() -> Iterator[None]:
    """Surface driver faults the repositories did not handle (locked past the busy timeout, disk I/O, a closed
    store) as StoreUnavailable. Queries are parameterised, so no user input can cause one of these."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreUnavailable("the SQLite store is unavailable", {"reason": str(exc)}) from exc


class SqliteDatabase:
    """One SQLite file in WAL mode; each thread gets its own connection (sqlite3 connections are not safe to
    share, and FastAPI runs sync routes on a thread pool)."""

    def __init__(self, path: Path, *, busy_timeout_ms: int) -> None:
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._lock = threading.Lock()
        self._by_thread: dict[threading.Thread, sqlite3.Connection] = {}
        self._closed = False

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        if self._closed:
            raise StoreUnavailable("the SQLite store is closed", {"path": str(self.path)})
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._open()
            self._local.connection = connection
            with self._lock:
                self._close_connections_of_finished_threads()
                self._by_thread[threading.current_thread()] = connection
        return connection

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for a single read statement (autocommit)."""
        with translating_errors():
            yield self.connection()

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction, committed on success and rolled back on any exception.

        Writers use BEGIN IMMEDIATE: the write lock is taken up front, so concurrent writers queue on the busy
        timeout instead of failing later on a stale WAL snapshot. Readers get a deferred BEGIN, which gives
        several statements one consistent snapshot.
        """
        connection = self.connection()
        with translating_errors():
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    # The original exception is what the caller needs; a failing rollback adds nothing to it.
                    with contextlib.suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                raise

    def checkpoint(self) -> None:
        """`wal_checkpoint(TRUNCATE)`: every committed page goes into the main file and the WAL is emptied
        (it waits on the busy timeout for readers that still need older pages)."""
        with translating_errors():
            busy, _, _ = self.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise StoreUnavailable("the SQLite WAL could not be checkpointed: the store is busy")

    def close(self) -> None:
        """Close every thread's connection; later use raises StoreUnavailable."""
        with self._lock:
            self._closed = True
            connections = list(self._by_thread.values())
            self._by_thread.clear()
        for connection in connections:
            connection.close()

    def _open(self) -> sqlite3.Connection:
        with translating_errors():
            # `timeout` is SQLite's busy timeout. check_same_thread=False only lets close() close other
            # threads' connections; each connection is otherwise used by the thread that opened it.
            connection = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            # Deleted content is overwritten with zeros, so an erased shopper's rows do not survive in free
            # pages of the file (privacy by construction; core/privacy.py erasure).
            connection.execute("PRAGMA secure_delete = ON")
        return connection

    def _close_connections_of_finished_threads(self) -> None:
        for thread in [thread for thread in self._by_thread if not thread.is_alive()]:
            self._by_thread.pop(thread).close()
