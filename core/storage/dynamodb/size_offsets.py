"""Learned per-item and per-brand size offsets (sort key `offset_key` = "{scope}#{key}"), versioned."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from core.errors import InvalidInput, VersionConflict
from core.records.feedback import OffsetScope, SizeOffset
from core.storage.dynamodb import keys, operations
from core.storage.dynamodb.client import CONDITIONAL_CHECK_FAILED, backend_faults, error_code
from core.storage.dynamodb.codec import Item, RecordCodec, serialize
from core.storage.dynamodb.versions import DynamoDataVersionRepository

SIZE_OFFSETS = RecordCodec(SizeOffset)


def offset_key(tenant_id: str, scope: OffsetScope, key: str) -> Item:
    return {
        "tenant_id": serialize(keys.part(tenant_id)),
        "offset_key": serialize(keys.join(str(scope), key)),
    }


class DynamoSizeOffsetRepository:
    def __init__(self, client: BaseClient, table: str, versions: DynamoDataVersionRepository) -> None:
        self._client = client
        self._table = table
        self._versions = versions

    def get(self, tenant_id: str, scope: OffsetScope, key: str) -> SizeOffset | None:
        with backend_faults("size_offsets.get"):
            response = self._client.get_item(
                TableName=self._table, Key=offset_key(tenant_id, scope, key), ConsistentRead=True
            )
        item = response.get("Item")
        return SIZE_OFFSETS.from_item(item) if item else None

    def get_many(
        self, tenant_id: str, scope: OffsetScope, offset_keys: Sequence[str]
    ) -> dict[str, SizeOffset]:
        """Strongly consistent BatchGetItem, 100 keys a request, unprocessed keys re-sent with backoff."""
        wanted = [offset_key(tenant_id, scope, key) for key in dict.fromkeys(offset_keys)]
        items = operations.batch_get(self._client, "size_offsets.get_many", self._table, wanted)
        return {offset.key: offset for offset in map(SIZE_OFFSETS.from_item, items)}

    def save(self, offset: SizeOffset, expected_version: int) -> SizeOffset:
        """Store as version expected_version + 1, only over that stored version (0: only if none is)."""
        if expected_version < 0:
            raise InvalidInput("expected_version must be 0 or more", {"expected_version": expected_version})
        saved = offset.model_copy(update={"version": expected_version + 1})
        condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(offset_key)"}
        if expected_version > 0:
            condition = {
                "ConditionExpression": "#version = :expected",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":expected": serialize(expected_version)},
            }
        item = SIZE_OFFSETS.to_item(saved, offset_key=keys.join(str(saved.scope), saved.key))
        with backend_faults("size_offsets.save"):
            try:
                self._client.put_item(
                    TableName=self._table,
                    Item=item,
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                    **condition,
                )
                self._versions.bump(saved.tenant_id, "offsets")
            except ClientError as error:
                if error_code(error) != CONDITIONAL_CHECK_FAILED:
                    raise
                stored = error.response.get("Item")
                stored_version = SIZE_OFFSETS.from_item(stored).version if stored else 0
                raise VersionConflict(
                    "the size offset changed since it was read",
                    {"expected_version": expected_version, "version": stored_version},
                ) from None
        return saved
