"""One cart per shopper, saved with optimistic versions."""

from __future__ import annotations

from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from core.errors import InvalidInput, VersionConflict
from core.schemas import Cart
from core.storage.dynamodb import keys
from core.storage.dynamodb.client import CONDITIONAL_CHECK_FAILED, backend_faults, error_code
from core.storage.dynamodb.codec import Item, RecordCodec, serialize

CARTS = RecordCodec(Cart)


def cart_key(tenant_id: str, user_id: str) -> Item:
    return {"tenant_id": serialize(keys.part(tenant_id)), "user_id": serialize(keys.part(user_id))}


class DynamoCartRepository:
    def __init__(self, client: BaseClient, table: str) -> None:
        self._client = client
        self._table = table

    def get(self, tenant_id: str, user_id: str) -> Cart:
        """The saved cart, or an empty one with version 0."""
        with backend_faults("carts.get"):
            response = self._client.get_item(
                TableName=self._table, Key=cart_key(tenant_id, user_id), ConsistentRead=True
            )
        item = response.get("Item")
        return CARTS.from_item(item) if item else Cart(tenant_id=tenant_id, user_id=user_id)

    def save(self, cart: Cart, expected_version: int) -> Cart:
        """Store as version expected_version + 1, only over that stored version (0: only if none is)."""
        if expected_version < 0:
            raise InvalidInput("expected_version must be 0 or more", {"expected_version": expected_version})
        saved = cart.model_copy(update={"version": expected_version + 1})
        condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(user_id)"}
        if expected_version > 0:
            condition = {
                "ConditionExpression": "#version = :expected",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":expected": serialize(expected_version)},
            }
        with backend_faults("carts.save"):
            try:
                self._client.put_item(
                    TableName=self._table,
                    Item=CARTS.to_item(saved),
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                    **condition,
                )
            except ClientError as error:
                if error_code(error) != CONDITIONAL_CHECK_FAILED:
                    raise
                stored = error.response.get("Item")
                stored_version = CARTS.from_item(stored).version if stored else 0
                raise VersionConflict(
                    "the cart changed since it was read",
                    {"expected_version": expected_version, "version": stored_version},
                ) from None
        return saved

    def clear(self, tenant_id: str, user_id: str) -> None:
        with backend_faults("carts.clear"):
            self._client.delete_item(TableName=self._table, Key=cart_key(tenant_id, user_id))
