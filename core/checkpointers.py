"""Opens the graphs' persistence named by settings: the checkpointer (threads) and the long-term store
(per-user memory), SQLite files by default, PostgreSQL at scale.

Every factory is a context manager that creates its tables (`setup()`) and closes the connection or pool on
exit. `open_async_persistence` is called once at start-up (by `Services.running`); the saver and the store are
then handed to every compiled graph.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.store.base import BaseStore
from langgraph.store.postgres.aio import AsyncPostgresStore
from langgraph.store.sqlite.aio import AsyncSqliteStore
from psycopg import AsyncConnection, Connection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from core.settings import Settings

DEFAULT_POOL_SIZE = 10

# What langgraph's Postgres savers need from every connection: autocommit so setup() and each write commit on
# their own, no server-side prepared statements (they break behind transaction-pooling proxies such as
# PgBouncer), and rows as dicts.
CONNECTION_KWARGS: dict[str, Any] = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}


class PooledPostgresSaver(PostgresSaver):
    """A PostgresSaver whose operations run concurrently, each on its own pooled connection.

    Upstream wraps every cursor in one instance lock. That lock is needed when the saver shares a single
    connection, but with a pool it makes every request wait for every other one (langgraph #7259; the
    fix proposed upstream is #7269). In langgraph-checkpoint-postgres 3.2 the cursor context is the lock's
    only user, so a pooled saver replaces it with a no-op; tests/core/test_checkpointers.py fails if a
    pooled read ever waits behind a stuck write again.
    """

    def __init__(self, pool: ConnectionPool[Connection[DictRow]]) -> None:
        super().__init__(pool)
        self.lock = nullcontext()  # type: ignore[assignment]


class PooledAsyncPostgresSaver(AsyncPostgresSaver):
    """The asyncio twin of `PooledPostgresSaver`: no instance lock around pooled connections."""

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[DictRow]]) -> None:
        super().__init__(pool)
        self.lock = nullcontext()  # type: ignore[assignment]


@contextmanager
def open_checkpointer(
    settings: Settings, *, pool_size: int = DEFAULT_POOL_SIZE
) -> Iterator[BaseCheckpointSaver[str]]:
    """The configured synchronous checkpointer, set up and ready; closed on exit."""
    if settings.checkpointer == "postgres":
        with ConnectionPool(
            _postgres_url(settings),
            min_size=1,
            max_size=pool_size,
            kwargs=CONNECTION_KWARGS,
            open=False,
            connection_class=Connection[DictRow],
        ) as pool:
            saver = PooledPostgresSaver(pool)
            saver.setup()
            yield saver
        return
    path = settings.checkpoint_sqlite_file
    path.parent.mkdir(parents=True, exist_ok=True)
    with SqliteSaver.from_conn_string(str(path)) as sqlite_saver:
        sqlite_saver.setup()
        yield sqlite_saver


@asynccontextmanager
async def open_async_checkpointer(
    settings: Settings, *, pool_size: int = DEFAULT_POOL_SIZE
) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """The configured asyncio checkpointer (for the API and `astream`), set up and ready; closed on exit."""
    if settings.checkpointer == "postgres":
        async with _async_pool(settings, pool_size) as pool:
            saver = PooledAsyncPostgresSaver(pool)
            await saver.setup()
            yield saver
        return
    path = settings.checkpoint_sqlite_file
    path.parent.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(path)) as sqlite_saver:
        await sqlite_saver.setup()
        await _secure_delete(sqlite_saver)
        yield sqlite_saver


@dataclass(frozen=True)
class Persistence:
    """What threaded graphs are compiled with: checkpoints (per thread) and the long-term store."""

    checkpointer: BaseCheckpointSaver[str]
    store: BaseStore


@asynccontextmanager
async def open_async_persistence(
    settings: Settings, *, pool_size: int = DEFAULT_POOL_SIZE
) -> AsyncIterator[Persistence]:
    """The configured asyncio checkpointer and long-term store, set up and ready; closed on exit.

    On PostgreSQL both share one connection pool; on SQLite each has its own file (checkpoints.db, memory.db).
    """
    if settings.checkpointer == "postgres":
        async with _async_pool(settings, pool_size) as pool:
            saver = PooledAsyncPostgresSaver(pool)
            await saver.setup()
            store = AsyncPostgresStore(pool)
            await store.setup()
            yield Persistence(saver, store)
        return
    async with open_async_checkpointer(settings) as saver:
        path = settings.memory_sqlite_file
        path.parent.mkdir(parents=True, exist_ok=True)
        async with AsyncSqliteStore.from_conn_string(str(path)) as sqlite_store:
            await sqlite_store.setup()
            await _secure_delete(sqlite_store)
            yield Persistence(saver, sqlite_store)


async def _secure_delete(persistence: Any) -> None:
    """Zero deleted content in the SQLite file (an erased shopper's checkpoints must not linger in it)."""
    async with persistence.lock:
        await persistence.conn.execute("PRAGMA secure_delete = ON")


async def forget_deleted(*persistence: Any) -> None:
    """After an erasure: checkpoint and truncate the WAL of every SQLite-backed saver or store given, so no
    deleted row survives in it (PostgreSQL ones are left alone: their server owns their files)."""
    for item in persistence:
        if isinstance(item, AsyncSqliteSaver | AsyncSqliteStore):
            async with item.lock:
                await item.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _async_pool(settings: Settings, pool_size: int) -> AsyncConnectionPool[AsyncConnection[DictRow]]:
    """A pool of connections as the Postgres saver and store need them; opened by `async with`."""
    return AsyncConnectionPool(
        _postgres_url(settings),
        min_size=1,
        max_size=pool_size,
        kwargs=CONNECTION_KWARGS,
        open=False,
        connection_class=AsyncConnection[DictRow],
    )


def _postgres_url(settings: Settings) -> str:
    if not settings.postgres_url:
        raise ValueError("the Postgres checkpointer needs settings.postgres_url")
    return settings.postgres_url
