"""DynamoDB faults: a dead endpoint, missing tables, throttling, transaction conflicts and unprocessed batch
items. Faults are injected by a real HTTP proxy in front of the moto server, which answers chosen operations
the way DynamoDB does under load and forwards everything else."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx
import pytest
from werkzeug.serving import make_server

from core.errors import InvalidInput, StoreUnavailable
from core.records.feedback import OffsetScope
from core.schemas import ProductQuery
from core.storage.dynamodb import DynamoDBStore
from core.storage.dynamodb.operations import TRANSACTION_ATTEMPTS
from core.storage.repositories import StockKey
from tests.conftest import free_port
from tests.core.storage.factories import (
    REGION,
    TENANT,
    make_inventory,
    make_order,
    make_product,
    make_size_offset,
)

REGION_NAME = "ap-south-1"
ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
Fault = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]
"""Given the request body, the status and JSON body DynamoDB would have answered with."""


def throttled(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 400, {"__type": f"{ERROR_PREFIX}ProvisionedThroughputExceededException", "message": "slow down"}


def held_by_a_transaction(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 400, {"__type": f"{ERROR_PREFIX}TransactionConflictException", "message": "item is being updated"}


def transaction_conflict(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The whole transaction cancelled because another transaction was writing its last item."""
    reasons = [{"Code": "None"} for _ in request["TransactItems"]]
    reasons[-1] = {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
    return 400, {
        "__type": f"{ERROR_PREFIX}TransactionCanceledException",
        "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons",
        "CancellationReasons": reasons,
    }


def nothing_processed(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A batch that DynamoDB accepted but did none of, handing every entry back."""
    leftovers = request["RequestItems"]
    return 200, {"UnprocessedItems": leftovers, "UnprocessedKeys": leftovers, "Responses": {}}


class FaultProxy:
    """A WSGI app forwarding DynamoDB requests to `upstream`, except those a queued fault answers."""

    def __init__(self, upstream: str) -> None:
        self._upstream = httpx.Client(base_url=upstream)
        self._faults: dict[str, deque[Fault]] = {}
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()

    def inject(self, operation: str, fault: Fault, times: int) -> None:
        """Answer the next `times` calls of `operation` (e.g. "GetItem") with `fault`."""
        with self._lock:
            self._faults.setdefault(operation, deque()).extend([fault] * times)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        operation = target.rsplit(".", 1)[-1]
        with self._lock:
            self.calls[operation] += 1
            queued = self._faults.get(operation)
            fault = queued.popleft() if queued else None
        if fault is None:
            headers = {
                name: environ[key]
                for name, key in [
                    ("X-Amz-Target", "HTTP_X_AMZ_TARGET"),
                    ("X-Amz-Date", "HTTP_X_AMZ_DATE"),
                    ("Authorization", "HTTP_AUTHORIZATION"),
                    ("Content-Type", "CONTENT_TYPE"),
                ]
                if key in environ
            }
            response = self._upstream.post("/", content=body, headers=headers)
            status, payload = response.status_code, response.content
        else:
            status, answer = fault(json.loads(body))
            payload = json.dumps(answer).encode()
        reason = "OK" if status == 200 else "Bad Request"
        headers = [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(payload)))]
        start_response(f"{status} {reason}", headers)
        return [payload]

    def close(self) -> None:
        self._upstream.close()


@pytest.fixture
def proxy(moto_endpoint: str) -> Iterator[tuple[FaultProxy, str]]:
    """The proxy and its URL."""
    app = FaultProxy(moto_endpoint)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="dynamodb-fault-proxy", daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        app.close()


@pytest.fixture
def faults(proxy: tuple[FaultProxy, str]) -> FaultProxy:
    return proxy[0]


@pytest.fixture
def behind_proxy(proxy: tuple[FaultProxy, str]) -> Iterator[DynamoDBStore]:
    """An initialised store reaching moto through the proxy, with botocore allowed 2 attempts per call."""
    store = DynamoDBStore(
        endpoint_url=proxy[1], region=REGION_NAME, table_prefix=f"t{uuid.uuid4().hex[:10]}_", max_attempts=2
    )
    store.initialize()
    try:
        yield store
    finally:
        store.close()


def unreachable_store(table_prefix: str = "t_dead_") -> DynamoDBStore:
    """A store pointed at a loopback port nothing listens on."""
    return DynamoDBStore(
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        region=REGION_NAME,
        table_prefix=table_prefix,
        max_attempts=2,
        connect_timeout=0.5,
        read_timeout=0.5,
    )


def test_an_unreachable_endpoint_raises_store_unavailable_from_every_kind_of_call() -> None:
    store = unreachable_store()
    try:
        with pytest.raises(StoreUnavailable) as initializing:
            store.initialize()
        with pytest.raises(StoreUnavailable):
            store.products.get(TENANT, "p-1")
        with pytest.raises(StoreUnavailable):
            store.products.search(TENANT, ProductQuery(text="shoe"))
        with pytest.raises(StoreUnavailable):
            store.products.put_many([make_product()])
        with pytest.raises(StoreUnavailable):
            store.orders.create_reserving(make_order())
    finally:
        store.close()

    assert initializing.value.code == "STORE_UNAVAILABLE"
    assert initializing.value.details == {"operation": "initialize"}


def test_a_store_whose_tables_were_never_created_raises_store_unavailable(moto_endpoint: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:10]}_"
    store = DynamoDBStore(endpoint_url=moto_endpoint, region=REGION_NAME, table_prefix=prefix)
    try:
        with pytest.raises(StoreUnavailable) as raised:
            store.carts.get(TENANT, "u-1")
    finally:
        store.close()

    assert raised.value.details == {"operation": "carts.get", "code": "ResourceNotFoundException"}


def test_throttling_within_botocores_retries_is_invisible(
    behind_proxy: DynamoDBStore, faults: FaultProxy
) -> None:
    product = behind_proxy.products.put(make_product())
    faults.inject("GetItem", throttled, times=1)

    assert behind_proxy.products.get(TENANT, "p-1") == product
    assert faults.calls["GetItem"] == 2


def test_throttling_past_botocores_retries_raises_store_unavailable(
    behind_proxy: DynamoDBStore, faults: FaultProxy
) -> None:
    faults.inject("GetItem", throttled, times=2)

    with pytest.raises(StoreUnavailable) as raised:
        behind_proxy.products.get(TENANT, "p-1")

    throttled_get = {"operation": "products.get", "code": "ProvisionedThroughputExceededException"}
    assert raised.value.details == throttled_get
    assert faults.calls["GetItem"] == 2


def test_a_conflicting_transaction_is_retried_and_the_order_placed_once(
    behind_proxy: DynamoDBStore, faults: FaultProxy
) -> None:
    behind_proxy.inventory.put(make_inventory(available=5))
    faults.inject("TransactWriteItems", transaction_conflict, times=2)

    order = behind_proxy.orders.create_reserving(make_order())

    assert behind_proxy.orders.get(TENANT, order.id) == order
    stock = behind_proxy.inventory.get(TENANT, "p-1", "9", REGION)
    assert stock is not None and (stock.available, stock.reserved) == (4, 1)
    assert faults.calls["TransactWriteItems"] == 3


def test_conflicts_past_the_retries_raise_store_unavailable_and_write_nothing(
    behind_proxy: DynamoDBStore, faults: FaultProxy
) -> None:
    behind_proxy.inventory.put(make_inventory(available=5))
    faults.inject("TransactWriteItems", transaction_conflict, times=TRANSACTION_ATTEMPTS)

    with pytest.raises(StoreUnavailable):
        behind_proxy.orders.create_reserving(make_order())

    assert behind_proxy.orders.get(TENANT, "o-1") is None
    stock = behind_proxy.inventory.get(TENANT, "p-1", "9", REGION)
    assert stock is not None and (stock.available, stock.reserved) == (5, 0)
    assert faults.calls["TransactWriteItems"] == TRANSACTION_ATTEMPTS


def test_an_inventory_write_is_retried_while_a_transaction_holds_the_row(
    behind_proxy: DynamoDBStore, faults: FaultProxy
) -> None:
    behind_proxy.inventory.put(make_inventory(available=5))
    faults.inject("UpdateItem", held_by_a_transaction, times=2)

    stored = behind_proxy.inventory.put(make_inventory(available=7))

    assert (stored.available, stored.version) == (7, 2)
    assert behind_proxy.inventory.get(TENANT, "p-1", "9", REGION) == stored


def test_put_many_resends_products_left_unprocessed(behind_proxy: DynamoDBStore, faults: FaultProxy) -> None:
    products = [make_product(f"p-{index:02d}") for index in range(30)]
    faults.inject("BatchWriteItem", nothing_processed, times=2)

    assert behind_proxy.products.put_many(products) == 30

    assert behind_proxy.products.count(TENANT) == 30
    assert faults.calls["BatchWriteItem"] == 4  # two batches (25 + 5), the first sent three times


def test_get_many_rereads_keys_left_unprocessed(behind_proxy: DynamoDBStore, faults: FaultProxy) -> None:
    behind_proxy.products.put_many([make_product("p-1"), make_product("p-2")])
    faults.inject("BatchGetItem", nothing_processed, times=1)

    found = behind_proxy.products.get_many(TENANT, ["p-1", "p-2", "p-3"])

    assert sorted(found) == ["p-1", "p-2"]
    assert faults.calls["BatchGetItem"] == 2


def test_inventory_get_many_reads_in_requests_of_100_and_rereads_keys_left_unprocessed(
    behind_proxy: DynamoDBStore, faults: FaultProxy
) -> None:
    sizes = [str(size) for size in range(150)]
    behind_proxy.inventory.put_many(make_inventory(size=size, available=1) for size in sizes[:140])
    faults.calls.clear()
    faults.inject("BatchGetItem", nothing_processed, times=1)

    found = behind_proxy.inventory.get_many(TENANT, [StockKey("p-1", size, REGION) for size in sizes])

    assert sorted(key.size for key in found) == sorted(sizes[:140])
    assert faults.calls["BatchGetItem"] == 3  # two requests (100 + 50), the first sent twice


def test_size_offsets_get_many_rereads_keys_left_unprocessed(
    behind_proxy: DynamoDBStore, faults: FaultProxy
) -> None:
    behind_proxy.size_offsets.save(make_size_offset(OffsetScope.BRAND, "sprintara"), expected_version=0)
    faults.inject("BatchGetItem", nothing_processed, times=2)

    found = behind_proxy.size_offsets.get_many(TENANT, OffsetScope.BRAND, ["sprintara", "chalo"])

    assert list(found) == ["sprintara"]
    assert faults.calls["BatchGetItem"] == 3


def test_a_product_too_large_for_one_item_is_invalid_input(behind_proxy: DynamoDBStore) -> None:
    bulky = make_product(attributes={f"note-{index}": "x" * 1000 for index in range(450)})

    with pytest.raises(InvalidInput):
        behind_proxy.products.put(bulky)

    assert behind_proxy.products.get(TENANT, bulky.id) is None
