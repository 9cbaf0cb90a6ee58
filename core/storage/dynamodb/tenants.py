"""Tenant registry: the one table keyed by `id` alone (the tenant is the record, not its owner)."""

from __future__ import annotations

from botocore.client import BaseClient

from core.schemas import Tenant
from core.storage.dynamodb import keys
from core.storage.dynamodb.client import backend_faults
from core.storage.dynamodb.codec import RecordCodec, serialize
from core.storage.dynamodb.operations import scan

TENANTS = RecordCodec(Tenant)


class DynamoTenantRepository:
    def __init__(self, client: BaseClient, table: str) -> None:
        self._client = client
        self._table = table

    def put(self, tenant: Tenant) -> Tenant:
        with backend_faults("tenants.put"):
            self._client.put_item(TableName=self._table, Item=TENANTS.to_item(tenant))
        return tenant

    def get(self, tenant_id: str) -> Tenant | None:
        with backend_faults("tenants.get"):
            response = self._client.get_item(
                TableName=self._table, Key={"id": serialize(keys.part(tenant_id))}, ConsistentRead=True
            )
        item = response.get("Item")
        return TENANTS.from_item(item) if item else None

    def list(self) -> list[Tenant]:
        """Every tenant, ordered by id (a full scan: the registry is small)."""
        items = scan(self._client, "tenants.list", TableName=self._table, ConsistentRead=True)
        return sorted((TENANTS.from_item(item) for item in items), key=lambda tenant: tenant.id)
