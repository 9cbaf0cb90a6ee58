"""DynamoDB layout: the tables, keys and indexes `initialize` creates, and the composite attributes every
write keeps in sync, read back through the raw DynamoDB API of a real moto server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient

from core.errors import InvalidInput
from core.schemas import OrderStatus, StockEffect
from core.storage.dynamodb import DynamoDBStore
from tests.core.storage.factories import (
    REGION,
    TENANT,
    at,
    make_audit,
    make_consent,
    make_idempotency,
    make_inventory,
    make_order,
    make_product,
)

REGION_NAME = "ap-south-1"

# The design, written out independently of core/storage/dynamodb/tables.py: (hash key, range key, indexes).
EXPECTED_TABLES: dict[str, tuple[str, str | None, dict[str, tuple[str, str]]]] = {
    "tenants": ("id", None, {}),
    "products": ("tenant_id", "product_id", {"by_category": ("tenant_category", "name_id")}),
    "inventory": ("tenant_id", "sku", {}),
    "orders": (
        "tenant_id",
        "order_id",
        {"by_user": ("tenant_user", "created_at"), "by_status": ("tenant_status", "created_at")},
    ),
    "idempotency": ("tenant_id", "key", {}),
    "carts": ("tenant_id", "user_id", {}),
    "users": ("tenant_id", "user_id", {}),
    "consent": ("tenant_id", "sk", {}),
    "audit": ("tenant_id", "sk", {}),
    "listings": ("tenant_id", "listing_id", {}),
    "sold_items": ("tenant_id", "sk", {"by_category": ("tenant_category", "sk")}),
    "pricing_event_keys": ("tenant_id", "event_key", {}),
    "pricing_dead_letters": ("tenant_id", "sk", {}),
    "listing_embeddings": ("tenant_id", "listing_id", {}),
    "feedback": ("tenant_id", "sk", {}),
    "size_offsets": ("tenant_id", "offset_key", {}),
    "identity": ("tenant_id", "sk", {"by_user": ("tenant_user", "sk")}),
    "data_versions": ("tenant_id", None, {}),
    "sites": ("site_id", None, {"by_owner": ("owner", "created_at")}),
}


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}_"


@pytest.fixture
def dynamo(moto_endpoint: str, prefix: str) -> Iterator[DynamoDBStore]:
    store = DynamoDBStore(endpoint_url=moto_endpoint, region=REGION_NAME, table_prefix=prefix)
    store.initialize()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def raw(moto_endpoint: str) -> Iterator[BaseClient]:
    """A plain boto3 client on the same server, to look at what the store wrote."""
    client = boto3.session.Session().client("dynamodb", endpoint_url=moto_endpoint, region_name=REGION_NAME)
    try:
        yield client
    finally:
        client.close()


def key_schema(schema: list[dict[str, str]]) -> tuple[str, str | None]:
    by_type = {entry["KeyType"]: entry["AttributeName"] for entry in schema}
    return by_type["HASH"], by_type.get("RANGE")


def stored_item(raw: BaseClient, table: str, **key: str) -> dict[str, Any]:
    response = raw.get_item(TableName=table, Key={name: {"S": value} for name, value in key.items()})
    return dict(response["Item"])


def index_partition(raw: BaseClient, table: str, index: str, attribute: str, value: str) -> list[str]:
    """The ids of the items in one partition of an index, in index order."""
    response = raw.query(
        TableName=table,
        IndexName=index,
        KeyConditionExpression="#pk = :pk",
        ExpressionAttributeNames={"#pk": attribute},
        ExpressionAttributeValues={":pk": {"S": value}},
    )
    return [item["id"]["S"] for item in response["Items"]]


def category_partition(raw: BaseClient, prefix: str, category: str) -> list[str]:
    return index_partition(raw, f"{prefix}products", "by_category", "tenant_category", f"{TENANT}#{category}")


def test_initialize_creates_one_pay_per_request_table_per_entity_with_the_designed_keys_and_indexes(
    dynamo: DynamoDBStore, raw: BaseClient, prefix: str
) -> None:
    for entity, (hash_key, range_key, indexes) in EXPECTED_TABLES.items():
        table = raw.describe_table(TableName=f"{prefix}{entity}")["Table"]

        assert table["TableStatus"] == "ACTIVE"
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert key_schema(table["KeySchema"]) == (hash_key, range_key)
        created_indexes = {
            index["IndexName"]: (key_schema(index["KeySchema"]), index["Projection"]["ProjectionType"])
            for index in table.get("GlobalSecondaryIndexes", [])
        }
        assert created_indexes == {name: (keys, "ALL") for name, keys in indexes.items()}
        assert {definition["AttributeType"] for definition in table["AttributeDefinitions"]} == {"S"}


def test_initialize_again_creates_nothing_and_keeps_the_data(
    dynamo: DynamoDBStore, raw: BaseClient, prefix: str
) -> None:
    product = dynamo.products.put(make_product())

    dynamo.initialize()

    assert dynamo.products.get(TENANT, "p-1") == product
    listed = [name for page in raw.get_paginator("list_tables").paginate() for name in page["TableNames"]]
    assert sorted(name for name in listed if name.startswith(prefix)) == sorted(
        f"{prefix}{entity}" for entity in EXPECTED_TABLES
    )


def test_a_second_store_on_the_same_prefix_shares_the_tables(
    dynamo: DynamoDBStore, moto_endpoint: str, prefix: str
) -> None:
    dynamo.products.put(make_product())
    other = DynamoDBStore(endpoint_url=moto_endpoint, region=REGION_NAME, table_prefix=prefix)
    try:
        other.initialize()
        assert other.products.count(TENANT) == 1
    finally:
        other.close()


def test_products_carry_their_category_index_keys_and_move_between_category_partitions(
    dynamo: DynamoDBStore, raw: BaseClient, prefix: str
) -> None:
    dynamo.products.put(make_product("p-1", name="Trail Shoe", category="footwear"))
    dynamo.products.put(make_product("p-2", name="Alpha # Sandal", category="footwear"))

    item = stored_item(raw, f"{prefix}products", tenant_id=TENANT, product_id="p-1")
    assert item["tenant_category"] == {"S": f"{TENANT}#footwear"}
    assert item["name_id"] == {"S": "Trail Shoe#p-1"}
    assert category_partition(raw, prefix, "footwear") == ["p-2", "p-1"]

    dynamo.products.put(make_product("p-1", name="Trail Shoe", category="outdoor"))

    assert category_partition(raw, prefix, "footwear") == ["p-2"]
    assert category_partition(raw, prefix, "outdoor") == ["p-1"]


def test_a_long_product_name_is_cut_in_the_index_key_but_stored_whole(
    dynamo: DynamoDBStore, raw: BaseClient, prefix: str
) -> None:
    name = "क" * 500  # 1500 bytes of UTF-8: more than an index key may hold whole

    dynamo.products.put(make_product(name=name))

    item = stored_item(raw, f"{prefix}products", tenant_id=TENANT, product_id="p-1")
    assert len(item["name_id"]["S"].encode()) <= 1024
    assert dynamo.products.get(TENANT, "p-1").name == name  # type: ignore[union-attr]


def test_inventory_rows_are_keyed_by_product_size_and_region(
    dynamo: DynamoDBStore, raw: BaseClient, prefix: str
) -> None:
    dynamo.inventory.put(make_inventory(product_id="p-1", size="9 W", region=REGION))

    item = stored_item(raw, f"{prefix}inventory", tenant_id=TENANT, sku=f"p-1#9 W#{REGION}")
    assert item["available"] == {"N": "10"}
    assert item["version"] == {"N": "1"}


def test_orders_move_between_status_partitions_of_the_by_status_index(
    dynamo: DynamoDBStore, raw: BaseClient, prefix: str
) -> None:
    dynamo.products.put(make_product())
    dynamo.inventory.put(make_inventory(available=5))
    order = dynamo.orders.create_reserving(make_order("o-1", created_at=at(0)))
    table = f"{prefix}orders"

    assert index_partition(raw, table, "by_status", "tenant_status", f"{TENANT}#PENDING_PAYMENT") == ["o-1"]

    dynamo.orders.transition(
        TENANT,
        order.id,
        expected_version=1,
        expected_status=OrderStatus.PENDING_PAYMENT,
        to_status=OrderStatus.CONFIRMED,
        stock_effect=StockEffect.COMMIT,
    )

    assert index_partition(raw, table, "by_status", "tenant_status", f"{TENANT}#PENDING_PAYMENT") == []
    assert index_partition(raw, table, "by_status", "tenant_status", f"{TENANT}#CONFIRMED") == ["o-1"]
    assert [found.id for found in dynamo.orders.list_by_status(TENANT, OrderStatus.CONFIRMED)] == ["o-1"]


def test_the_by_user_index_holds_each_users_orders_in_time_order(
    dynamo: DynamoDBStore, raw: BaseClient, prefix: str
) -> None:
    dynamo.products.put(make_product())
    dynamo.inventory.put(make_inventory(available=10))
    for order_id, user_id, minute in [("o-1", "u-1", 5), ("o-2", "u-2", 1), ("o-3", "u-1", 0)]:
        dynamo.orders.create_reserving(make_order(order_id, user_id=user_id, created_at=at(minute)))

    by_user = index_partition(raw, f"{prefix}orders", "by_user", "tenant_user", f"{TENANT}#u-1")
    assert by_user == ["o-3", "o-1"]
    assert [order.id for order in dynamo.orders.list_by_user(TENANT, "u-1")] == ["o-1", "o-3"]


def test_orders_created_at_the_same_instant_are_listed_by_id_across_the_limit(dynamo: DynamoDBStore) -> None:
    dynamo.products.put(make_product())
    dynamo.inventory.put(make_inventory(available=10))
    for order_id in ["o-b", "o-d", "o-a", "o-c"]:
        dynamo.orders.create_reserving(make_order(order_id, created_at=at(0)))

    newest = dynamo.orders.list_by_user(TENANT, "u-1", limit=2)
    oldest = dynamo.orders.list_by_status(TENANT, OrderStatus.PENDING_PAYMENT, limit=3)

    assert [order.id for order in newest] == ["o-d", "o-c"]
    assert [order.id for order in oldest] == ["o-a", "o-b", "o-c"]


def test_consent_and_audit_sort_keys_hold_the_time_in_utc_then_the_id(
    dynamo: DynamoDBStore, raw: BaseClient, prefix: str
) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    dynamo.consent.record(make_consent(id="cns_1", recorded_at=at(3).astimezone(india)))
    dynamo.audit.append(make_audit(id="aud_1", at=at(4).astimezone(india)))

    consent_sk = "u-1#2025-01-15T10:03:00.000000+00:00#cns_1"
    audit_sk = "2025-01-15T10:04:00.000000+00:00#aud_1"
    assert stored_item(raw, f"{prefix}consent", tenant_id=TENANT, sk=consent_sk)["id"] == {"S": "cns_1"}
    assert stored_item(raw, f"{prefix}audit", tenant_id=TENANT, sk=audit_sk)["id"] == {"S": "aud_1"}


@pytest.mark.parametrize("bad_id", ["u#1", ""])
def test_lookups_by_an_id_holding_the_key_separator_or_nothing_are_rejected(
    dynamo: DynamoDBStore, bad_id: str
) -> None:
    dynamo.consent.record(make_consent(user_id="u"))

    with pytest.raises(InvalidInput):
        dynamo.consent.history(TENANT, bad_id)
    with pytest.raises(InvalidInput):
        dynamo.products.get(TENANT, bad_id)
    with pytest.raises(InvalidInput):
        dynamo.inventory.list_for_product(TENANT, bad_id)


def test_an_idempotency_key_is_matched_exactly_so_it_may_hold_the_separator(dynamo: DynamoDBStore) -> None:
    dynamo.inventory.put(make_inventory(available=5))
    binding = make_idempotency("checkout#42")

    dynamo.orders.create_reserving(make_order(), binding)

    assert dynamo.orders.get_idempotency(TENANT, "checkout#42") == binding
    assert dynamo.orders.get_idempotency(TENANT, "checkout") is None
