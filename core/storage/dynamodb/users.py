"""Shopper profiles (derived attributes only; photos are never stored)."""

from __future__ import annotations

from botocore.client import BaseClient

from core.schemas import User
from core.storage.dynamodb import keys
from core.storage.dynamodb.client import backend_faults
from core.storage.dynamodb.codec import Item, RecordCodec, serialize

USERS = RecordCodec(User, frozenset({"attributes"}))


def user_key(tenant_id: str, user_id: str) -> Item:
    return {"tenant_id": serialize(keys.part(tenant_id)), "user_id": serialize(keys.part(user_id))}


class DynamoUserRepository:
    def __init__(self, client: BaseClient, table: str) -> None:
        self._client = client
        self._table = table

    def put(self, user: User) -> User:
        with backend_faults("users.put"):
            self._client.put_item(TableName=self._table, Item=USERS.to_item(user, user_id=keys.part(user.id)))
        return user

    def get(self, tenant_id: str, user_id: str) -> User | None:
        with backend_faults("users.get"):
            response = self._client.get_item(
                TableName=self._table, Key=user_key(tenant_id, user_id), ConsistentRead=True
            )
        item = response.get("Item")
        return USERS.from_item(item) if item else None

    def delete(self, tenant_id: str, user_id: str) -> bool:
        with backend_faults("users.delete"):
            response = self._client.delete_item(
                TableName=self._table, Key=user_key(tenant_id, user_id), ReturnValues="ALL_OLD"
            )
        return bool(response.get("Attributes"))
