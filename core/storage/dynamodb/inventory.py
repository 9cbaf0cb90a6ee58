"""Stock rows: one item per (product, size, region), sort key `sku` = "{product_id}#{size}#{region}"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from core.errors import NotFound, VersionConflict
from core.schemas import InventoryRecord
from core.storage.dynamodb import keys, operations
from core.storage.dynamodb.client import (
    CONDITIONAL_CHECK_FAILED,
    TransactionContended,
    backend_faults,
    error_code,
)
from core.storage.dynamodb.codec import Item, RecordCodec, serialize
from core.storage.dynamodb.versions import DynamoDataVersionRepository
from core.storage.repositories import StockKey

INVENTORY = RecordCodec(InventoryRecord)
KEY_ATTRIBUTES = frozenset({"tenant_id", "sku"})
PUT_ATTEMPTS = 4


def inventory_key(tenant_id: str, product_id: str, size: str, region: str) -> Item:
    sku = keys.sku(product_id, size, region)
    return {"tenant_id": serialize(keys.part(tenant_id)), "sku": serialize(sku)}


def inventory_item(record: InventoryRecord) -> Item:
    return INVENTORY.to_item(record, sku=keys.sku(record.product_id, record.size, record.region))


class DynamoInventoryRepository:
    def __init__(self, client: BaseClient, table: str, versions: DynamoDataVersionRepository) -> None:
        self._client = client
        self._table = table
        self._versions = versions

    @retry(
        retry=retry_if_exception_type(TransactionContended),
        stop=stop_after_attempt(PUT_ATTEMPTS),
        wait=wait_random_exponential(multiplier=0.02, max=0.5),
        reraise=True,
    )
    def put(self, record: InventoryRecord, expected_version: int | None = None) -> InventoryRecord:
        """One UpdateItem: sets the stock fields and bumps the version in place, so the version always
        counts every write, even concurrent unconditional ones. Retried while an order transaction holds
        the row."""
        fields = {
            name: value
            for name, value in inventory_item(record).items()
            if name not in KEY_ATTRIBUTES and name != "version"
        }
        assignments = [f"#{name} = :{name}" for name in fields]
        assignments.append("#version = if_not_exists(#version, :zero) + :one")
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": inventory_key(record.tenant_id, record.product_id, record.size, record.region),
            "UpdateExpression": "SET " + ", ".join(assignments),
            "ExpressionAttributeNames": {f"#{name}": name for name in fields} | {"#version": "version"},
            "ExpressionAttributeValues": {f":{name}": value for name, value in fields.items()}
            | {":zero": serialize(0), ":one": serialize(1)},
            "ReturnValues": "ALL_NEW",
        }
        if expected_version is not None:
            request["ConditionExpression"] = "#version = :expected"
            request["ExpressionAttributeValues"][":expected"] = serialize(expected_version)
            request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        with backend_faults("inventory.put"):
            try:
                response = self._client.update_item(**request)
                self._versions.bump(record.tenant_id, "stock")
            except ClientError as error:
                if error_code(error) != CONDITIONAL_CHECK_FAILED:
                    raise
                stored = error.response.get("Item")
                if not stored:
                    raise NotFound("inventory row not found", _describe(record)) from None
                stored_version = INVENTORY.from_item(stored).version
                raise VersionConflict(
                    "inventory changed since it was read",
                    _describe(record) | {"expected_version": expected_version, "version": stored_version},
                ) from None
        return INVENTORY.from_item(response["Attributes"])

    def put_many(self, records: Iterable[InventoryRecord]) -> int:
        """Bulk upsert for seeding and imports. Rows that do not exist yet go in BatchWriteItem calls with
        version 1 (25 rows a request instead of one UpdateItem each); rows that exist are updated one by one
        through `put`, so their versions keep counting up for optimistic writers. A row created by someone
        else between the existence check and the batch write would be overwritten: acceptable for the bulk
        loads this serves, never used on the order path."""
        pending = {keys.sku(r.product_id, r.size, r.region): r for r in records}
        if not pending:
            return 0
        tenants = {record.tenant_id for record in pending.values()}
        existing: set[str] = set()
        for tenant_id in tenants:
            found = operations.batch_get(
                self._client,
                "inventory.put_many",
                self._table,
                [
                    inventory_key(r.tenant_id, r.product_id, r.size, r.region)
                    for r in pending.values()
                    if r.tenant_id == tenant_id
                ],
            )
            existing.update(item["sku"]["S"] for item in found)
        fresh = [
            {"PutRequest": {"Item": inventory_item(record.model_copy(update={"version": 1}))}}
            for sku, record in pending.items()
            if sku not in existing
        ]
        try:
            operations.batch_write(self._client, "inventory.put_many", self._table, fresh)
        finally:
            self._versions.bump(tenants, "stock")
        for sku in existing:
            self.put(pending[sku])
        return len(pending)

    def get(self, tenant_id: str, product_id: str, size: str, region: str) -> InventoryRecord | None:
        with backend_faults("inventory.get"):
            response = self._client.get_item(
                TableName=self._table,
                Key=inventory_key(tenant_id, product_id, size, region),
                ConsistentRead=True,
            )
        item = response.get("Item")
        return INVENTORY.from_item(item) if item else None

    def get_many(self, tenant_id: str, stock_keys: Sequence[StockKey]) -> dict[StockKey, InventoryRecord]:
        """Strongly consistent BatchGetItem, 100 keys a request, unprocessed keys re-sent with backoff."""
        wanted = [
            inventory_key(tenant_id, *key) for key in dict.fromkeys(StockKey(*key) for key in stock_keys)
        ]
        items = operations.batch_get(self._client, "inventory.get_many", self._table, wanted)
        records = map(INVENTORY.from_item, items)
        return {StockKey(record.product_id, record.size, record.region): record for record in records}

    def list_for_product(self, tenant_id: str, product_id: str) -> list[InventoryRecord]:
        """Ordered by size then region (sorted here: '#' does not sort below every size character)."""
        items = operations.query(
            self._client,
            "inventory.list_for_product",
            TableName=self._table,
            KeyConditionExpression="tenant_id = :tenant AND begins_with(sku, :product)",
            ExpressionAttributeValues={
                ":tenant": serialize(keys.part(tenant_id)),
                ":product": serialize(keys.prefix(product_id)),
            },
            ConsistentRead=True,
        )
        records = map(INVENTORY.from_item, items)
        return sorted(records, key=lambda record: (record.size, record.region))


def _describe(record: InventoryRecord) -> dict[str, str]:
    return {"product_id": record.product_id, "size": record.size, "region": record.region}
