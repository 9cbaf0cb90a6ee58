"""Sign-in records (sort key `sk` = "{kind}#{key}"), versioned like carts; the `by_user` index (sparse: only
records with an owner) finds what erasure deletes."""

from __future__ import annotations

from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from core.errors import InvalidInput, VersionConflict
from core.records.identity import AuthKind, AuthRecord
from core.storage.dynamodb import keys, operations
from core.storage.dynamodb.client import CONDITIONAL_CHECK_FAILED, backend_faults, error_code
from core.storage.dynamodb.codec import Item, RecordCodec, serialize

AUTH_RECORDS = RecordCodec(AuthRecord, frozenset({"doc"}))


def record_key(tenant_id: str, kind: AuthKind, key: str) -> Item:
    return {"tenant_id": serialize(keys.part(tenant_id)), "sk": serialize(keys.join(str(kind), key))}


class DynamoIdentityRepository:
    def __init__(self, client: BaseClient, table: str) -> None:
        self._client = client
        self._table = table

    def get(self, tenant_id: str, kind: AuthKind, key: str) -> AuthRecord | None:
        with backend_faults("identity.get"):
            response = self._client.get_item(
                TableName=self._table, Key=record_key(tenant_id, kind, key), ConsistentRead=True
            )
        item = response.get("Item")
        return AUTH_RECORDS.from_item(item) if item else None

    def save(self, record: AuthRecord, expected_version: int) -> AuthRecord:
        if expected_version < 0:
            raise InvalidInput("expected_version must be 0 or more", {"expected_version": expected_version})
        saved = record.model_copy(update={"version": expected_version + 1})
        condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(sk)"}
        if expected_version > 0:
            condition = {
                "ConditionExpression": "#version = :expected",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":expected": serialize(expected_version)},
            }
        derived = {"sk": keys.join(str(saved.kind), saved.key)}
        if saved.user_id is not None:
            derived["tenant_user"] = keys.tenant_scoped(saved.tenant_id, saved.user_id)
        with backend_faults("identity.save"):
            try:
                self._client.put_item(
                    TableName=self._table,
                    Item=AUTH_RECORDS.to_item(saved, **derived),
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                    **condition,
                )
            except ClientError as error:
                if error_code(error) != CONDITIONAL_CHECK_FAILED:
                    raise
                stored = error.response.get("Item")
                raise VersionConflict(
                    "the record changed since it was read",
                    {
                        "expected_version": expected_version,
                        "version": AUTH_RECORDS.from_item(stored).version if stored else 0,
                    },
                ) from None
        return saved

    def delete(self, tenant_id: str, kind: AuthKind, key: str, expected_version: int | None = None) -> bool:
        condition: dict[str, Any] = {}
        if expected_version is not None:
            condition = {
                "ConditionExpression": "#version = :expected",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":expected": serialize(expected_version)},
            }
        with backend_faults("identity.delete"):
            try:
                response = self._client.delete_item(
                    TableName=self._table,
                    Key=record_key(tenant_id, kind, key),
                    ReturnValues="ALL_OLD",
                    **condition,
                )
            except ClientError as error:
                if error_code(error) != CONDITIONAL_CHECK_FAILED:
                    raise
                return False
        return bool(response.get("Attributes"))

    def list(self, tenant_id: str, kind: AuthKind) -> list[AuthRecord]:
        items = operations.query(
            self._client,
            "identity.list",
            TableName=self._table,
            KeyConditionExpression="tenant_id = :tenant AND begins_with(sk, :kind)",
            ExpressionAttributeValues={
                ":tenant": serialize(keys.part(tenant_id)),
                ":kind": serialize(keys.prefix(str(kind))),
            },
            ConsistentRead=True,
        )
        return [AUTH_RECORDS.from_item(item) for item in items]

    def delete_for_user(self, tenant_id: str, user_id: str) -> int:
        """Every sign-in record of the user (erasure). A strongly consistent read of the tenant's records, not
        the by_user index: a global secondary index is only eventually consistent, so a sign-in made a moment
        before the erasure could be missing from it and survive."""
        items = list(
            operations.query(
                self._client,
                "identity.delete_for_user",
                TableName=self._table,
                KeyConditionExpression="tenant_id = :tenant",
                FilterExpression="tenant_user = :owner",
                ExpressionAttributeValues={
                    ":tenant": serialize(keys.part(tenant_id)),
                    ":owner": serialize(keys.tenant_scoped(tenant_id, user_id)),
                },
                ConsistentRead=True,
            )
        )
        deleted = 0
        for item in items:
            record = AUTH_RECORDS.from_item(item)
            deleted += self.delete(tenant_id, record.kind, record.key)
        return deleted
