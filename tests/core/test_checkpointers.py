"""The checkpointer factories on a real SQLite file and a real PostgreSQL server (tests/core/conftest.py)."""

from __future__ import annotations

import asyncio
import operator
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any, TypedDict

import psycopg
import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from core.checkpointers import open_async_checkpointer, open_async_persistence, open_checkpointer
from core.settings import Settings

THREAD: RunnableConfig = {"configurable": {"thread_id": "shopper-42"}}
NO_NEW_INPUT: dict[str, Any] = {"count": 0, "steps": []}
# Upper bounds on waits that only run out when the code under test deadlocks; nothing here measures speed.
DEADLOCK_GUARD_S = 30.0
LOCK_POLL_INTERVAL_S = 0.05


class CounterState(TypedDict):
    count: Annotated[int, operator.add]
    steps: Annotated[list[str], operator.add]


def count_up(state: CounterState) -> dict[str, Any]:
    return {"count": 1, "steps": ["count_up"]}


def record(state: CounterState) -> dict[str, Any]:
    return {"steps": ["record"]}


def counter_graph(checkpointer: BaseCheckpointSaver[str]) -> CompiledStateGraph[Any, Any, Any, Any]:
    """START -> count_up -> record -> END; each run adds 1 to `count` and two entries to `steps`."""
    graph = StateGraph(CounterState)
    graph.add_node("count_up", count_up)
    graph.add_node("record", record)
    graph.add_edge(START, "count_up")
    graph.add_edge("count_up", "record")
    graph.add_edge("record", END)
    return graph.compile(checkpointer=checkpointer)


TWO_RUNS_STATE = {"count": 2, "steps": ["count_up", "record", "count_up", "record"]}
# input, after count_up, after record: three checkpoints per run, steps numbered from -1.
TWO_RUNS_HISTORY = [(6, "loop"), (5, "loop"), (4, "loop"), (3, "input"), (2, "loop"), (1, "loop"), (0,
                                                                                                    "loop"),
                    (-1, "input")]  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
def checkpoint_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings naming each checkpointer backend in turn (a fresh file or a fresh database)."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        return Settings(data_dir=tmp_path, checkpointer="postgres", postgres_url=url, _env_file=None)
    return Settings(
        data_dir=tmp_path,
        checkpointer="sqlite",
        checkpoint_sqlite_path=tmp_path / "graphs" / "cp.db",
        _env_file=None,
    )


def history_steps(snapshots: list[Any]) -> list[tuple[int, str]]:
    return [(snapshot.metadata["step"], snapshot.metadata["source"]) for snapshot in snapshots]


def test_state_accumulates_over_two_runs_on_one_thread(checkpoint_settings: Settings) -> None:
    with open_checkpointer(checkpoint_settings) as saver:
        graph = counter_graph(saver)
        first = graph.invoke(NO_NEW_INPUT, THREAD)
        second = graph.invoke(NO_NEW_INPUT, THREAD)

    assert first == {"count": 1, "steps": ["count_up", "record"]}
    assert second == TWO_RUNS_STATE


def test_state_history_lists_every_checkpoint_newest_first(checkpoint_settings: Settings) -> None:
    with open_checkpointer(checkpoint_settings) as saver:
        graph = counter_graph(saver)
        graph.invoke(NO_NEW_INPUT, THREAD)
        graph.invoke(NO_NEW_INPUT, THREAD)
        history = list(graph.get_state_history(THREAD))

    assert history_steps(history) == TWO_RUNS_HISTORY
    assert history[0].values == TWO_RUNS_STATE
    assert history[-1].values == NO_NEW_INPUT


def test_a_new_checkpointer_reads_back_what_an_earlier_one_wrote(checkpoint_settings: Settings) -> None:
    with open_checkpointer(checkpoint_settings) as saver:
        graph = counter_graph(saver)
        graph.invoke(NO_NEW_INPUT, THREAD)
        graph.invoke(NO_NEW_INPUT, THREAD)

    with open_checkpointer(checkpoint_settings) as reopened:
        graph = counter_graph(reopened)
        assert graph.get_state(THREAD).values == TWO_RUNS_STATE
        assert history_steps(list(graph.get_state_history(THREAD))) == TWO_RUNS_HISTORY
        assert graph.invoke(NO_NEW_INPUT, THREAD)["count"] == 3


def test_threads_keep_separate_state(checkpoint_settings: Settings) -> None:
    other_thread: RunnableConfig = {"configurable": {"thread_id": "shopper-7"}}
    with open_checkpointer(checkpoint_settings) as saver:
        graph = counter_graph(saver)
        graph.invoke(NO_NEW_INPUT, THREAD)
        graph.invoke(NO_NEW_INPUT, THREAD)
        graph.invoke(NO_NEW_INPUT, other_thread)

        assert graph.get_state(THREAD).values["count"] == 2
        assert graph.get_state(other_thread).values["count"] == 1


async def test_async_checkpointer_accumulates_state_and_history(checkpoint_settings: Settings) -> None:
    async with open_async_checkpointer(checkpoint_settings) as saver:
        graph = counter_graph(saver)
        await graph.ainvoke(NO_NEW_INPUT, THREAD)
        second = await graph.ainvoke(NO_NEW_INPUT, THREAD)
        history = [snapshot async for snapshot in graph.aget_state_history(THREAD)]

    assert second == TWO_RUNS_STATE
    assert history_steps(history) == TWO_RUNS_HISTORY


async def test_async_checkpointer_reads_back_after_reopening(checkpoint_settings: Settings) -> None:
    async with open_async_checkpointer(checkpoint_settings) as saver:
        graph = counter_graph(saver)
        await graph.ainvoke(NO_NEW_INPUT, THREAD)
        await graph.ainvoke(NO_NEW_INPUT, THREAD)

    async with open_async_checkpointer(checkpoint_settings) as reopened:
        snapshot = await counter_graph(reopened).aget_state(THREAD)

    assert snapshot.values == TWO_RUNS_STATE


async def test_sync_and_async_checkpointers_share_one_store(checkpoint_settings: Settings) -> None:
    with open_checkpointer(checkpoint_settings) as saver:
        counter_graph(saver).invoke(NO_NEW_INPUT, THREAD)

    async with open_async_checkpointer(checkpoint_settings) as async_saver:
        second = await counter_graph(async_saver).ainvoke(NO_NEW_INPUT, THREAD)

    assert second == TWO_RUNS_STATE


def test_sqlite_checkpointer_creates_the_missing_parent_directory(tmp_path: Path) -> None:
    database = tmp_path / "not" / "yet" / "there" / "checkpoints.db"
    settings = Settings(data_dir=tmp_path, checkpoint_sqlite_path=database, _env_file=None)

    with open_checkpointer(settings) as saver:
        counter_graph(saver).invoke(NO_NEW_INPUT, THREAD)

    assert database.is_file()


def test_sqlite_checkpointer_defaults_to_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)

    with open_checkpointer(settings) as saver:
        counter_graph(saver).invoke(NO_NEW_INPUT, THREAD)

    assert (tmp_path / "data" / "checkpoints.db").is_file()


def postgres_settings(url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, checkpointer="postgres", postgres_url=url, _env_file=None)


def wait_until_a_session_waits_for(connection: psycopg.Connection[Any], table: str) -> None:
    """Poll pg_locks until some session is queued for a lock on `table`."""
    deadline = time.monotonic() + DEADLOCK_GUARD_S
    query = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass"
    while time.monotonic() < deadline:
        row = connection.execute(query, (table,)).fetchone()
        if row is not None and row[0] > 0:
            return
        time.sleep(LOCK_POLL_INTERVAL_S)
    pytest.fail(f"no session ever waited for a lock on {table}")


def test_postgres_checkpointer_serves_reads_while_another_write_is_stuck(
    postgres_url: str, tmp_path: Path
) -> None:
    """Pooled operations do not queue behind each other: with one write held up by a table lock, a read on
    another pooled connection still completes (one shared lock would make it wait for the write)."""
    with open_checkpointer(postgres_settings(postgres_url, tmp_path)) as saver:
        counter_graph(saver).invoke(NO_NEW_INPUT, THREAD)
        latest = saver.get_tuple(THREAD)
        assert latest is not None

        with ThreadPoolExecutor(max_workers=2) as workers, psycopg.connect(postgres_url) as blocker:
            blocker.execute("LOCK TABLE checkpoint_writes IN EXCLUSIVE MODE")
            stuck_write = workers.submit(saver.put_writes, latest.config, [("count", 5)], "task-late")
            wait_until_a_session_waits_for(blocker, "checkpoint_writes")

            read = workers.submit(saver.get_tuple, THREAD).result(timeout=DEADLOCK_GUARD_S)

            assert read is not None and read.checkpoint["id"] == latest.checkpoint["id"]
            assert not stuck_write.done()
            blocker.commit()
            stuck_write.result(timeout=DEADLOCK_GUARD_S)

        after = saver.get_tuple(latest.config)
    assert after is not None
    assert ("task-late", "count", 5) in (after.pending_writes or [])


async def test_async_postgres_checkpointer_serves_reads_while_another_write_is_stuck(
    postgres_url: str, tmp_path: Path
) -> None:
    async with open_async_checkpointer(postgres_settings(postgres_url, tmp_path)) as saver:
        await counter_graph(saver).ainvoke(NO_NEW_INPUT, THREAD)
        latest = await saver.aget_tuple(THREAD)
        assert latest is not None

        async with await psycopg.AsyncConnection.connect(postgres_url) as blocker:
            await blocker.execute("LOCK TABLE checkpoint_writes IN EXCLUSIVE MODE")
            stuck_write = asyncio.create_task(saver.aput_writes(latest.config, [("count", 5)], "task-late"))
            await async_wait_until_a_session_waits_for(blocker, "checkpoint_writes")

            read = await asyncio.wait_for(saver.aget_tuple(THREAD), DEADLOCK_GUARD_S)

            assert read is not None and read.checkpoint["id"] == latest.checkpoint["id"]
            assert not stuck_write.done()
            await blocker.commit()
            await asyncio.wait_for(stuck_write, DEADLOCK_GUARD_S)

        after = await saver.aget_tuple(latest.config)
    assert after is not None
    assert ("task-late", "count", 5) in (after.pending_writes or [])


async def async_wait_until_a_session_waits_for(connection: psycopg.AsyncConnection[Any], table: str) -> None:
    deadline = time.monotonic() + DEADLOCK_GUARD_S
    query = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass"
    while time.monotonic() < deadline:
        row = await (await connection.execute(query, (table,))).fetchone()
        if row is not None and row[0] > 0:
            return
        await asyncio.sleep(LOCK_POLL_INTERVAL_S)
    pytest.fail(f"no session ever waited for a lock on {table}")


async def test_persistence_gives_a_long_term_store_that_outlives_its_connection(
    checkpoint_settings: Settings,
) -> None:
    namespace = ("demo", "u-1", "preferences")
    async with open_async_persistence(checkpoint_settings) as persistence:
        await persistence.store.aput(namespace, "shoe_size", {"uk": 8})
        await persistence.store.aput(("demo", "u-2", "preferences"), "shoe_size", {"uk": 10})

    async with open_async_persistence(checkpoint_settings) as reopened:
        found = await reopened.store.asearch(("demo", "u-1"))
        assert [(item.namespace, item.key, item.value) for item in found] == [
            (namespace, "shoe_size", {"uk": 8})
        ]
        await reopened.store.adelete(namespace, "shoe_size")
        assert await reopened.store.aget(namespace, "shoe_size") is None


async def test_persistence_checkpoints_threads_like_the_checkpointer(checkpoint_settings: Settings) -> None:
    async with open_async_persistence(checkpoint_settings) as persistence:
        graph = counter_graph(persistence.checkpointer)
        await graph.ainvoke(NO_NEW_INPUT, THREAD)
        state = await graph.ainvoke(NO_NEW_INPUT, THREAD)

    assert state["count"] == 2
