"""Evaluation of `langgraph-checkpoint-aws` (DynamoDBSaver, DynamoDBStore) as the graphs' persistence for
PAKKA_STORE=dynamodb, on the session's real moto server (DynamoDB and S3).

The contract is what pakka needs from a checkpointer and a long-term store (core/checkpointers.py,
graphs/threads.py, core/privacy.py `erase_threads`/`erase_memory`): async put/get/list of checkpoints and
writes, `alist(None)` across every thread (erasure scans it), `adelete_thread`, an `interrupt()` resumed from
a fresh saver (a restart), large checkpoints spilling to S3; and for the store aput/aget/adelete and
`asearch(namespace_prefix)` over namespaces such as ("demo", "u-1", "threads").

Findings (langgraph-checkpoint-aws 1.2.6) are the strict xfails below: each fails today for the reason given,
and turns into a hard failure (XPASS strict) the day a release fixes it, which is the signal to re-evaluate.
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, empty_checkpoint
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, interrupt
from langgraph_checkpoint_aws import DynamoDBSaver, DynamoDBStore  # the dev extra pins it

from core.privacy import erase_memory, erase_threads, user_namespace, user_thread_id
from core.settings import Settings

pytestmark = pytest.mark.integration

LIBRARY = "langgraph-checkpoint-aws 1.2.6"
THREAD: RunnableConfig = {"configurable": {"thread_id": "demo/u-1/chat"}}
NO_NEW_INPUT: dict[str, Any] = {"count": 0, "steps": []}
TWO_RUNS_STATE = {"count": 2, "steps": ["count_up", "record", "count_up", "record"]}
TWO_RUNS_HISTORY = [(6, "loop"), (5, "loop"), (4, "loop"), (3, "input"), (2, "loop"), (1, "loop"), (0,
                                                                                                    "loop"),
                    (-1, "input")]  # fmt: skip
# Over DynamoDB's 400 KB item limit and the library's 350 KB S3 offload threshold.
LARGE_NOTE_CHARS = 450_000


@dataclass
class Aws:
    """Where one test's persistence lives on the moto server: its own tables and bucket."""

    endpoint: str
    region: str
    checkpoint_table: str
    memory_table: str
    bucket: str

    def client(self, service: str) -> BaseClient:
        return boto3.session.Session().client(service, endpoint_url=self.endpoint, region_name=self.region)

    def saver(self, *, s3: bool = True) -> DynamoDBSaver:
        """A fresh saver instance, as a restarted API process would open it."""
        return DynamoDBSaver(
            table_name=self.checkpoint_table,
            region_name=self.region,
            endpoint_url=self.endpoint,
            s3_offload_config=(
                {"bucket_name": self.bucket, "endpoint_url": self.endpoint, "key_prefix": "checkpoints"}
                if s3
                else None
            ),
        )

    def store(self) -> DynamoDBStore:
        store = DynamoDBStore(
            table_name=self.memory_table, region_name=self.region, endpoint_url=self.endpoint
        )
        store.setup()
        return store

    def checkpoint_keys(self) -> list[str]:
        """Every partition key in the checkpoint table (read raw, not through the library)."""
        client = self.client("dynamodb")
        keys = [item["PK"]["S"] for item in client.scan(TableName=self.checkpoint_table)["Items"]]
        client.close()
        return keys

    def s3_keys(self) -> list[str]:
        client = self.client("s3")
        keys = [obj["Key"] for obj in client.list_objects_v2(Bucket=self.bucket).get("Contents", [])]
        client.close()
        return keys


def create_checkpoint_table(client: BaseClient, table: str) -> None:
    """DynamoDBSaver has no `setup()`: its table (PK, SK strings) must exist. Creating it twice is fine."""
    try:
        client.create_table(
            TableName=table,
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceInUseException":
            raise
    client.get_waiter("table_exists").wait(TableName=table)


@pytest.fixture
def aws(dynamodb_settings: Settings) -> Iterator[Aws]:
    assert dynamodb_settings.dynamodb_endpoint_url is not None
    prefix = dynamodb_settings.dynamodb_table_prefix
    where = Aws(
        endpoint=dynamodb_settings.dynamodb_endpoint_url,
        region=dynamodb_settings.dynamodb_region,
        checkpoint_table=f"{prefix}graph_checkpoints",
        memory_table=f"{prefix}graph_memory",
        bucket=f"pakka-checkpoints-{uuid.uuid4().hex[:12]}",
    )
    dynamodb = where.client("dynamodb")
    create_checkpoint_table(dynamodb, where.checkpoint_table)
    create_checkpoint_table(dynamodb, where.checkpoint_table)
    dynamodb.close()
    s3 = where.client("s3")
    s3.create_bucket(Bucket=where.bucket, CreateBucketConfiguration={"LocationConstraint": where.region})
    s3.close()
    yield where


# ---------------------------------------------------------------------------------------------- graphs


class CounterState(TypedDict):
    count: Annotated[int, operator.add]
    steps: Annotated[list[str], operator.add]


def counter_graph(checkpointer: BaseCheckpointSaver[Any]) -> CompiledStateGraph[Any, Any, Any, Any]:
    """START -> count_up -> record -> END; each run adds 1 to `count` and two entries to `steps`."""
    graph = StateGraph(CounterState)
    graph.add_node("count_up", lambda state: {"count": 1, "steps": ["count_up"]})
    graph.add_node("record", lambda state: {"steps": ["record"]})
    graph.add_edge(START, "count_up")
    graph.add_edge("count_up", "record")
    graph.add_edge("record", END)
    return graph.compile(checkpointer=checkpointer)


class OrderState(TypedDict, total=False):
    item: str
    decision: str
    note: str


def order_graph(
    checkpointer: BaseCheckpointSaver[Any], effects: list[str]
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """START -> confirm (interrupts before the side effect) -> END; `effects` records each charge."""

    def confirm(state: OrderState) -> dict[str, Any]:
        decision = interrupt({"action": "charge", "item": state["item"]})
        if decision == "approve":
            effects.append(f"charged {state['item']}")
        return {"decision": decision}

    graph = StateGraph(OrderState)
    graph.add_node("confirm", confirm)
    graph.add_edge(START, "confirm")
    graph.add_edge("confirm", END)
    return graph.compile(checkpointer=checkpointer)


def history_steps(snapshots: list[Any]) -> list[tuple[int, str]]:
    return [(snapshot.metadata["step"], snapshot.metadata["source"]) for snapshot in snapshots]


# ------------------------------------------------------------------------------------ checkpointer: passes


async def test_state_and_history_accumulate_and_survive_a_fresh_saver(aws: Aws) -> None:
    graph = counter_graph(aws.saver())
    await graph.ainvoke(NO_NEW_INPUT, THREAD)
    second = await graph.ainvoke(NO_NEW_INPUT, THREAD)
    assert second == TWO_RUNS_STATE

    reopened = counter_graph(aws.saver())
    assert (await reopened.aget_state(THREAD)).values == TWO_RUNS_STATE
    history = [snapshot async for snapshot in reopened.aget_state_history(THREAD)]
    assert history_steps(history) == TWO_RUNS_HISTORY
    assert (await reopened.ainvoke(NO_NEW_INPUT, THREAD))["count"] == 3


async def test_checkpoints_and_writes_round_trip_through_the_async_api(aws: Aws) -> None:
    saver = aws.saver()
    first = empty_checkpoint()
    first_config = await saver.aput(THREAD, first, {"source": "input", "step": -1}, {})
    second = empty_checkpoint()
    second_config = await saver.aput(first_config, second, {"source": "loop", "step": 0}, {})
    await saver.aput_writes(second_config, [("count", 5), ("steps", ["late"])], "task-1")

    latest = await aws.saver().aget_tuple(THREAD)
    assert latest is not None
    assert latest.checkpoint["id"] == second["id"]
    assert latest.parent_config is not None
    assert latest.parent_config["configurable"]["checkpoint_id"] == first["id"]
    assert latest.metadata == {"source": "loop", "step": 0}
    assert latest.pending_writes == [("task-1", "count", 5), ("task-1", "steps", ["late"])]

    listed = [item.checkpoint["id"] async for item in saver.alist(THREAD)]
    assert listed == [second["id"], first["id"]]
    assert [item.checkpoint["id"] async for item in saver.alist(THREAD, limit=1)] == [second["id"]]
    assert [item.checkpoint["id"] async for item in saver.alist(THREAD, before=second_config)] == [
        first["id"]
    ]
    assert [item.checkpoint["id"] async for item in saver.alist(THREAD, filter={"source": "input"})] == [
        first["id"]
    ]


async def test_an_interrupt_is_resumed_by_a_fresh_saver_and_the_effect_runs_once(aws: Aws) -> None:
    effects: list[str] = []
    first = await order_graph(aws.saver(), effects).ainvoke({"item": "kurta"}, THREAD)
    assert effects == []
    [pending] = first["__interrupt__"]
    assert pending.value == {"action": "charge", "item": "kurta"}

    restarted = order_graph(aws.saver(), effects)  # a new process: nothing shared but the tables
    snapshot = await restarted.aget_state(THREAD)
    assert [found.id for found in snapshot.interrupts] == [pending.id]

    done = await restarted.ainvoke(Command(resume={pending.id: "approve"}), THREAD)

    assert done == {"item": "kurta", "decision": "approve"}
    assert effects == ["charged kurta"]
    assert (await order_graph(aws.saver(), effects).aget_state(THREAD)).interrupts == ()


async def test_delete_thread_removes_its_checkpoints_and_writes_only(aws: Aws) -> None:
    other: RunnableConfig = {"configurable": {"thread_id": "demo/u-2/chat"}}
    saver = aws.saver()
    effects: list[str] = []
    await order_graph(saver, effects).ainvoke({"item": "kurta"}, THREAD)  # leaves pending writes behind
    await counter_graph(saver).ainvoke(NO_NEW_INPUT, other)

    await aws.saver().adelete_thread("demo/u-1/chat")

    assert await saver.aget_tuple(THREAD) is None
    assert not [key for key in aws.checkpoint_keys() if "demo/u-1/chat" in key]
    assert (await counter_graph(saver).aget_state(other)).values["count"] == 1


async def test_a_large_checkpoint_spills_to_s3_and_is_deleted_with_its_thread(aws: Aws) -> None:
    large = "x" * LARGE_NOTE_CHARS
    effects: list[str] = []
    await order_graph(aws.saver(), effects).ainvoke({"item": "kurta", "note": large}, THREAD)
    assert any(key.startswith("checkpoints/demo/u-1/chat/") for key in aws.s3_keys())

    restarted = order_graph(aws.saver(), effects)
    assert (await restarted.aget_state(THREAD)).values["note"] == large
    [pending] = (await restarted.aget_state(THREAD)).interrupts
    await restarted.ainvoke(Command(resume={pending.id: "approve"}), THREAD)
    assert effects == ["charged kurta"]

    await aws.saver().adelete_thread("demo/u-1/chat")
    assert aws.s3_keys() == []
    assert aws.checkpoint_keys() == []


async def test_without_s3_a_checkpoint_over_the_item_limit_is_refused(aws: Aws) -> None:
    """Why PAKKA_STORE=dynamodb would need a bucket: without one, every payload is written to DynamoDB."""
    with pytest.raises(ClientError, match="maximum allowed size"):
        await counter_graph(aws.saver(s3=False)).ainvoke(
            {"count": 0, "steps": ["y" * LARGE_NOTE_CHARS]}, THREAD
        )


async def test_the_saver_needs_its_table_created_elsewhere(aws: Aws) -> None:
    """DynamoDBSaver has no setup(): a missing table is only found on the first write."""
    assert not hasattr(DynamoDBSaver, "setup")
    missing = DynamoDBSaver(table_name=f"{aws.checkpoint_table}_missing", region_name=aws.region,
                            endpoint_url=aws.endpoint)  # fmt: skip
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        await missing.aput(THREAD, empty_checkpoint(), {"source": "input", "step": -1}, {})


# ------------------------------------------------------------------------------------ checkpointer: fails


@pytest.mark.xfail(
    raises=ValueError,
    strict=True,
    reason=f"{LIBRARY}: DynamoDBSaver.list(None) raises ValueError('Runnable config must contain "
    "thread_id'); it cannot list checkpoints across threads, which erase_threads relies on",
)
async def test_alist_none_lists_every_thread(aws: Aws) -> None:
    saver = aws.saver()
    await counter_graph(saver).ainvoke(NO_NEW_INPUT, THREAD)
    await counter_graph(saver).ainvoke(NO_NEW_INPUT, {"configurable": {"thread_id": "demo/u-2/chat"}})

    threads = {str(item.config["configurable"]["thread_id"]) async for item in saver.alist(None)}

    assert threads == {"demo/u-1/chat", "demo/u-2/chat"}


@pytest.mark.xfail(
    raises=ValueError,
    strict=True,
    reason=f"{LIBRARY}: erase_threads scans alist(None), which DynamoDBSaver refuses (see above)",
)
async def test_erase_threads_deletes_only_the_users_threads(aws: Aws) -> None:
    saver = aws.saver()
    for user, name in [("u-1", "chat"), ("u-1", "wizard"), ("u-2", "chat")]:
        config: RunnableConfig = {"configurable": {"thread_id": user_thread_id("demo", user, name)}}
        await counter_graph(saver).ainvoke(NO_NEW_INPUT, config)

    assert await erase_threads(saver, "demo", "u-1") == 2
    assert [key for key in aws.checkpoint_keys() if "u-1" in key] == []


@pytest.mark.xfail(
    raises=AssertionError,
    strict=True,
    reason=f"{LIBRARY}: pending writes come back sorted by the string sort key '<task_id>#<idx>', so idx 10 "
    "comes before idx 2 (InMemorySaver and AsyncSqliteSaver keep write order); matters when one task writes "
    "a channel 11+ times (e.g. 11+ Sends) and the run resumes from pending writes",
)
async def test_pending_writes_keep_their_order(aws: Aws) -> None:
    writes = [("steps", f"send-{index}") for index in range(12)]
    root: RunnableConfig = {"configurable": {"thread_id": "demo/u-1/chat", "checkpoint_ns": ""}}
    async with AsyncSqliteSaver.from_conn_string(":memory:") as sqlite_saver:
        for saver in (InMemorySaver(), sqlite_saver, aws.saver()):
            config = await saver.aput(root, empty_checkpoint(), {"source": "input", "step": -1}, {})
            await saver.aput_writes(config, writes, "task-1")
            latest = await saver.aget_tuple(THREAD)
            assert latest is not None
            assert [value for _, _, value in latest.pending_writes or []] == [value for _, value in writes], (
                saver
            )


# ------------------------------------------------------------------------------------ store: passes


async def test_store_put_get_search_delete_in_one_namespace(aws: Aws) -> None:
    store = aws.store()
    namespace = user_namespace("demo", "u-1", "threads")
    await store.aput(namespace, "t-1", {"graph": "decision"}, index=False)
    await store.aput(namespace, "t-2", {"graph": "pricing"}, index=False)

    again = aws.store()  # setup() on an existing table is harmless; a fresh instance reads the same items
    item = await again.aget(namespace, "t-1")
    assert item is not None and item.value == {"graph": "decision"} and item.namespace == namespace
    found = await again.asearch(namespace)
    assert sorted((hit.key, hit.value["graph"]) for hit in found) == [("t-1", "decision"), ("t-2", "pricing")]
    assert [hit.key for hit in await again.asearch(namespace, filter={"graph": "pricing"})] == ["t-2"]

    await again.adelete(namespace, "t-1")
    assert await store.aget(namespace, "t-1") is None
    assert [hit.key for hit in await store.asearch(namespace)] == ["t-2"]


# ------------------------------------------------------------------------------------ store: fails


@pytest.mark.xfail(
    raises=AssertionError,
    strict=True,
    reason=f"{LIBRARY}: DynamoDBStore.search(namespace_prefix) queries PK == ':'.join(prefix), an exact "
    "namespace, so nothing under ('demo', 'u-1', 'threads') is found from the prefix ('demo', 'u-1')",
)
async def test_store_search_matches_a_namespace_prefix(aws: Aws) -> None:
    store = aws.store()
    await store.aput(user_namespace("demo", "u-1", "threads"), "t-1", {"graph": "decision"}, index=False)
    await store.aput(user_namespace("demo", "u-1", "prefs"), "size", {"top": "M"}, index=False)

    found = await store.asearch(user_namespace("demo", "u-1"))

    assert sorted(hit.key for hit in found) == ["size", "t-1"]


@pytest.mark.xfail(
    raises=AssertionError,
    strict=True,
    reason=f"{LIBRARY}: erase_memory searches the user's namespace prefix, which DynamoDBStore treats as an "
    "exact namespace (see above): it deletes nothing and reports 0",
)
async def test_erase_memory_deletes_every_item_of_the_user(aws: Aws) -> None:
    store = aws.store()
    await store.aput(user_namespace("demo", "u-1", "threads"), "t-1", {"graph": "decision"}, index=False)
    await store.aput(user_namespace("demo", "u-1", "prefs"), "size", {"top": "M"}, index=False)
    await store.aput(user_namespace("demo", "u-2", "threads"), "t-2", {"graph": "decision"}, index=False)

    assert await erase_memory(store, "demo", "u-1") == 2
    assert await store.aget(user_namespace("demo", "u-1", "threads"), "t-1") is None


@pytest.mark.xfail(
    raises=AssertionError,
    strict=True,
    reason=f"{LIBRARY}: namespaces are stored as ':'.join(labels) and ids may contain ':' (core.schemas "
    "ID_PATTERN), so tenant 'acme' user 'a:b' and tenant 'acme:a' user 'b' share one partition",
)
async def test_store_keeps_namespaces_with_colons_apart(aws: Aws) -> None:
    store = aws.store()
    await store.aput(user_namespace("acme", "a:b", "threads"), "t-1", {"graph": "decision"}, index=False)

    assert await store.aget(user_namespace("acme:a", "b", "threads"), "t-1") is None


@pytest.mark.xfail(
    raises=AssertionError,
    strict=True,
    reason=f"{LIBRARY}: search sends Limit=limit+offset to the DynamoDB Query and filters afterwards, so a "
    "filtered search misses matches beyond the first `limit` items",
)
async def test_store_search_filters_before_limiting(aws: Aws) -> None:
    store = aws.store()
    namespace = user_namespace("demo", "u-1", "threads")
    for key, graph in [("t-1", "decision"), ("t-2", "decision"), ("t-3", "pricing")]:
        await store.aput(namespace, key, {"graph": graph}, index=False)

    found = await store.asearch(namespace, filter={"graph": "pricing"}, limit=1)

    assert [hit.key for hit in found] == ["t-3"]
