"""Table and index definitions, and creating the missing ones.

One table per entity, named `{prefix}{entity}`, billed per request. Every key attribute is a string;
index projections are ALL so a query through an index returns whole records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from core.storage.dynamodb.client import backend_faults, error_code

WAIT_DELAY_SECONDS = 2
WAIT_MAX_ATTEMPTS = 60


@dataclass(frozen=True)
class IndexSpec:
    name: str
    hash_key: str
    range_key: str


@dataclass(frozen=True)
class TableSpec:
    entity: str
    hash_key: str
    range_key: str | None = None
    indexes: tuple[IndexSpec, ...] = ()

    def create_request(self, table_name: str) -> dict[str, Any]:
        """The CreateTable parameters for this table under `table_name`."""
        attributes = {self.hash_key}
        if self.range_key:
            attributes.add(self.range_key)
        for index in self.indexes:
            attributes |= {index.hash_key, index.range_key}
        request: dict[str, Any] = {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": "S"} for name in sorted(attributes)
            ],
            "KeySchema": _key_schema(self.hash_key, self.range_key),
        }
        if self.indexes:
            request["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index.name,
                    "KeySchema": _key_schema(index.hash_key, index.range_key),
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in self.indexes
            ]
        return request


def _key_schema(hash_key: str, range_key: str | None) -> list[dict[str, str]]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


PRODUCTS_BY_CATEGORY = "by_category"
ORDERS_BY_USER = "by_user"
ORDERS_BY_STATUS = "by_status"
SOLD_ITEMS_BY_CATEGORY = "by_category"
SITES_BY_OWNER = "by_owner"
IDENTITY_BY_USER = "by_user"

TABLES: tuple[TableSpec, ...] = (
    TableSpec("tenants", "id"),
    TableSpec(
        "products",
        "tenant_id",
        "product_id",
        (IndexSpec(PRODUCTS_BY_CATEGORY, "tenant_category", "name_id"),),
    ),
    TableSpec("inventory", "tenant_id", "sku"),
    TableSpec(
        "orders",
        "tenant_id",
        "order_id",
        (
            IndexSpec(ORDERS_BY_USER, "tenant_user", "created_at"),
            IndexSpec(ORDERS_BY_STATUS, "tenant_status", "created_at"),
        ),
    ),
    TableSpec("idempotency", "tenant_id", "key"),
    TableSpec("carts", "tenant_id", "user_id"),
    TableSpec("users", "tenant_id", "user_id"),
    TableSpec("consent", "tenant_id", "sk"),
    TableSpec("audit", "tenant_id", "sk"),
    TableSpec("feedback", "tenant_id", "sk"),
    TableSpec("size_offsets", "tenant_id", "offset_key"),
    TableSpec("listings", "tenant_id", "listing_id"),
    TableSpec("sold_items", "tenant_id", "sk", (IndexSpec(SOLD_ITEMS_BY_CATEGORY, "tenant_category", "sk"),)),
    TableSpec("pricing_event_keys", "tenant_id", "event_key"),
    TableSpec("pricing_dead_letters", "tenant_id", "sk"),
    TableSpec("listing_embeddings", "tenant_id", "listing_id"),
    TableSpec("identity", "tenant_id", "sk", (IndexSpec(IDENTITY_BY_USER, "tenant_user", "sk"),)),
    TableSpec("sites", "site_id", None, (IndexSpec(SITES_BY_OWNER, "owner", "created_at"),)),
    TableSpec("data_versions", "tenant_id"),
)


@dataclass(frozen=True)
class TableNames:
    """The physical table name of every entity under one prefix."""

    tenants: str
    products: str
    inventory: str
    orders: str
    idempotency: str
    carts: str
    users: str
    consent: str
    audit: str
    feedback: str
    size_offsets: str
    listings: str
    sold_items: str
    pricing_event_keys: str
    pricing_dead_letters: str
    listing_embeddings: str
    identity: str
    sites: str
    data_versions: str

    @classmethod
    def with_prefix(cls, prefix: str) -> TableNames:
        return cls(**{spec.entity: f"{prefix}{spec.entity}" for spec in TABLES})

    def of(self, spec: TableSpec) -> str:
        return str(getattr(self, spec.entity))


def ensure_tables(client: BaseClient, names: TableNames) -> None:
    """Create every missing table and wait until all are ACTIVE. Safe to run concurrently and repeatedly.

    Describes before creating, so a deployment whose tables come from infrastructure code needs no
    CreateTable permission."""
    with backend_faults("initialize"):
        waiter = client.get_waiter("table_exists")
        for spec in TABLES:
            table_name = names.of(spec)
            if _status_creating_if_missing(client, spec, table_name) == "ACTIVE":
                continue
            waiter.wait(
                TableName=table_name,
                WaiterConfig={"Delay": WAIT_DELAY_SECONDS, "MaxAttempts": WAIT_MAX_ATTEMPTS},
            )


def _status_creating_if_missing(client: BaseClient, spec: TableSpec, table_name: str) -> str:
    try:
        return str(client.describe_table(TableName=table_name)["Table"]["TableStatus"])
    except ClientError as error:
        if error_code(error) != "ResourceNotFoundException":
            raise
    try:
        return str(client.create_table(**spec.create_request(table_name))["TableDescription"]["TableStatus"])
    except ClientError as error:
        if error_code(error) != "ResourceInUseException":  # created meanwhile by another process
            raise
        return "CREATING"
