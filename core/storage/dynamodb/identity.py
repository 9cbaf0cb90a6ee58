"""Sign-in records (sort key `sk` = "{kind}#{key}"), versioned like carts. The `by_user` index (sparse: only
records with an owner) stays on the table; erasure uses consistent reads instead (`delete_for_user`)."""

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
        """Every sign-in record of the user (erasure), found by strongly consistent reads only, so that a
        sign-in made a moment before the erasure is deleted too.

        The by_user index is not read: a global secondary index is only eventually consistent, so what it
        answers can miss that last sign-in, and every record it could find is found below anyway.
        - The role grant is keyed by the user id: one consistent get.
        - Refresh-token families (one per sign-in) are keyed by a random family id, which the refresh token
          carries, so nothing addresses a user's families by key: the only consistent way to find them is a
          query of the tenant's partition. It is bounded by a key condition on the kind (`refresh#`, and
          every other kind that may have an owner) and filtered on the owner; login codes (keyed by a
          phone's hash, never owned) are not read. Its cost still grows with the tenant's live refresh
          families; a consistent per-user read would need the family key to start with the user id (a
          change of key design, with the live families migrated)."""
        owner = serialize(keys.tenant_scoped(tenant_id, user_id))
        records = [
            AUTH_RECORDS.from_item(item)
            for kind in AuthKind
            if kind not in (AuthKind.ROLE, AuthKind.OTP)
            for item in operations.query(
                self._client,
                "identity.delete_for_user",
                TableName=self._table,
                KeyConditionExpression="tenant_id = :tenant AND begins_with(sk, :kind)",
                FilterExpression="tenant_user = :owner",
                ExpressionAttributeValues={
                    ":tenant": serialize(keys.part(tenant_id)),
                    ":kind": serialize(keys.prefix(str(kind))),
                    ":owner": owner,
                },
                ConsistentRead=True,
            )
        ]
        role = self.get(tenant_id, AuthKind.ROLE, user_id)
        if role is not None and role.user_id == user_id:
            records.append(role)
        return sum(self.delete(tenant_id, record.kind, record.key) for record in records)
