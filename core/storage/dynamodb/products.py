"""Catalog products: one item per product under its tenant's partition, plus the category index."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from botocore.client import BaseClient

from core.errors import InvalidInput
from core.schemas import Product, ProductPage, ProductQuery
from core.storage.dynamodb import keys, operations
from core.storage.dynamodb.client import backend_faults
from core.storage.dynamodb.codec import Item, RecordCodec, serialize
from core.storage.dynamodb.search import rank
from core.storage.dynamodb.tables import PRODUCTS_BY_CATEGORY
from core.storage.dynamodb.versions import DynamoDataVersionRepository

PRODUCTS = RecordCodec(Product, frozenset({"attributes", "fit"}))


def product_item(product: Product) -> Item:
    """The stored item, with the index attributes recomputed from the product on every write."""
    return PRODUCTS.to_item(
        product,
        product_id=keys.part(product.id),
        tenant_category=keys.tenant_scoped(product.tenant_id, product.category),
        name_id=keys.name_id(product.name, product.id),
    )


def product_key(tenant_id: str, product_id: str) -> Item:
    return {"tenant_id": serialize(keys.part(tenant_id)), "product_id": serialize(keys.part(product_id))}


class DynamoProductRepository:
    def __init__(
        self, client: BaseClient, table: str, inventory_table: str, versions: DynamoDataVersionRepository
    ) -> None:
        self._client = client
        self._table = table
        self._inventory_table = inventory_table
        self._versions = versions

    def put(self, product: Product) -> Product:
        try:
            with backend_faults("products.put"):
                self._client.put_item(TableName=self._table, Item=product_item(product))
        finally:
            self._versions.bump(product.tenant_id, "products")
        return product

    def put_many(self, products: Iterable[Product]) -> int:
        """Upsert in batches of 25. A batch may touch an item once, so a product listed twice is sent once,
        the last copy winning; the count is of the products given, as if each had been put in turn."""
        given = list(products)
        tenants = {product.tenant_id for product in given}
        if len(tenants) > 1:
            raise InvalidInput("put_many takes products of one tenant", {"tenants": sorted(tenants)})
        latest = {product.id: product for product in given}
        requests = [{"PutRequest": {"Item": product_item(product)}} for product in latest.values()]
        try:
            operations.batch_write(self._client, "products.put_many", self._table, requests)
        finally:
            self._versions.bump(tenants, "products")
        return len(given)

    def get(self, tenant_id: str, product_id: str) -> Product | None:
        with backend_faults("products.get"):
            response = self._client.get_item(
                TableName=self._table, Key=product_key(tenant_id, product_id), ConsistentRead=True
            )
        item = response.get("Item")
        return PRODUCTS.from_item(item) if item else None

    def get_many(self, tenant_id: str, product_ids: Sequence[str]) -> dict[str, Product]:
        """The products that exist among `product_ids`, by id."""
        wanted = [product_key(tenant_id, product_id) for product_id in dict.fromkeys(product_ids)]
        items = operations.batch_get(self._client, "products.get_many", self._table, wanted)
        return {product.id: product for product in map(PRODUCTS.from_item, items)}

    def search(self, tenant_id: str, query: ProductQuery) -> ProductPage:
        """Reads the tenant's partition (or one category of it, through the eventually consistent
        `by_category` index) and filters and ranks in Python (core/storage/dynamodb/search.py). Every search
        reads every candidate, which suits catalogs of a few thousand products per tenant; search at scale
        is OpenSearch's job."""
        in_stock = None
        if query.in_stock_region is not None:
            in_stock = self._in_stock(tenant_id, query.in_stock_region, query.size)
        matches = rank(self._candidates(tenant_id, query.category), query, in_stock)
        start = (query.page - 1) * query.page_size
        return ProductPage(
            items=matches[start : start + query.page_size],
            total=len(matches),
            page=query.page,
            page_size=query.page_size,
        )

    def _candidates(self, tenant_id: str, category: str | None) -> Iterator[Product]:
        request: dict[str, Any]
        if category is None:
            request = {
                "KeyConditionExpression": "tenant_id = :tenant",
                "ExpressionAttributeValues": {":tenant": serialize(keys.part(tenant_id))},
                "ConsistentRead": True,
            }
        else:
            request = {
                "IndexName": PRODUCTS_BY_CATEGORY,
                "KeyConditionExpression": "tenant_category = :tc",
                "ExpressionAttributeValues": {":tc": serialize(keys.tenant_scoped(tenant_id, category))},
            }
        items = operations.query(self._client, "products.search", TableName=self._table, **request)
        return map(PRODUCTS.from_item, items)

    def _in_stock(self, tenant_id: str, region: str, size: str | None) -> set[str]:
        """Ids of the tenant's products with available > 0 in `region` (and `size`): one partition query."""
        condition = "#region = :region AND #available > :zero"
        names = {"#region": "region", "#available": "available"}
        values = {
            ":tenant": serialize(keys.part(tenant_id)),
            ":region": serialize(region),
            ":zero": serialize(0),
        }
        if size is not None:
            condition += " AND #size = :size"
            names["#size"] = "size"
            values[":size"] = serialize(size)
        items = operations.query(
            self._client,
            "products.search",
            TableName=self._inventory_table,
            KeyConditionExpression="tenant_id = :tenant",
            FilterExpression=condition,
            ProjectionExpression="product_id",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ConsistentRead=True,
        )
        return {item["product_id"]["S"] for item in items}

    def delete(self, tenant_id: str, product_id: str) -> bool:
        with backend_faults("products.delete"):
            response = self._client.delete_item(
                TableName=self._table, Key=product_key(tenant_id, product_id), ReturnValues="ALL_OLD"
            )
        deleted = bool(response.get("Attributes"))
        if deleted:
            self._versions.bump(tenant_id, "products")
        return deleted

    def count(self, tenant_id: str) -> int:
        return operations.count(
            self._client,
            "products.count",
            TableName=self._table,
            KeyConditionExpression="tenant_id = :tenant",
            ExpressionAttributeValues={":tenant": serialize(keys.part(tenant_id))},
            ConsistentRead=True,
        )
