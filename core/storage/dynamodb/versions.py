"""Change counters per tenant: one item per tenant with a number attribute per counter.

DynamoDB has no triggers, so the repositories that write products, stock and size offsets call `bump` right
after a write succeeded (never inside an order transaction: every order of a tenant would then contend on
this one item). A bump that fails is logged and not raised: the write it follows did happen, and caches that
read these counters also expire their entries (graphs/decision_cache.py), which bounds what a lost bump
can cost."""

from __future__ import annotations

import logging
from typing import Literal

from botocore.client import BaseClient

from core.errors import StoreUnavailable
from core.storage.dynamodb import keys
from core.storage.dynamodb.client import backend_faults
from core.storage.dynamodb.codec import serialize
from core.storage.repositories import DataVersions

logger = logging.getLogger("pakka.storage")

Counter = Literal["products", "stock", "offsets"]


class DynamoDataVersionRepository:
    def __init__(self, client: BaseClient, table: str) -> None:
        self._client = client
        self._table = table

    def get(self, tenant_id: str) -> DataVersions:
        with backend_faults("versions.get"):
            response = self._client.get_item(
                TableName=self._table,
                Key={"tenant_id": serialize(keys.part(tenant_id))},
                ConsistentRead=True,
            )
        item = response.get("Item", {})
        return DataVersions(
            **{name: int(item[name]["N"]) if name in item else 0 for name in DataVersions._fields}
        )

    def bump(self, tenant_ids: str | set[str], counter: Counter) -> None:
        """Add one to `counter` of each tenant (after a write to it succeeded)."""
        for tenant_id in {tenant_ids} if isinstance(tenant_ids, str) else tenant_ids:
            try:
                with backend_faults("versions.bump"):
                    self._client.update_item(
                        TableName=self._table,
                        Key={"tenant_id": serialize(keys.part(tenant_id))},
                        UpdateExpression="ADD #counter :one",
                        ExpressionAttributeNames={"#counter": counter},
                        ExpressionAttributeValues={":one": serialize(1)},
                    )
            except StoreUnavailable:
                logger.warning(
                    "could not move a change counter: cached answers may lag until they expire",
                    extra={"tenant_id": tenant_id, "counter": counter},
                    exc_info=True,
                )
