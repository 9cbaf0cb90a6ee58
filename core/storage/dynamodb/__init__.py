"""The DynamoDB store: the same repositories as the SQLite store, on one table per entity.

Tables are `{prefix}{entity}`, billed per request. Every tenant-scoped table is partitioned by
`tenant_id`, so no request can reach another tenant's items. Composite attributes are rebuilt from the
record on every write, so they never drift from the fields they encode.

| access pattern                    | table (.index)       | key condition                                   |
|-----------------------------------|----------------------|-------------------------------------------------|
| tenant by id; every tenant        | tenants              | id; Scan (a small registry)                     |
| product(s) by id                  | products             | tenant_id, product_id; BatchGetItem for many    |
| search and count, any category    | products             | tenant_id                                       |
| search in one category            | products.by_category | tenant_category = "{tenant}#{category}",        |
|                                   |                      | sorted by name_id = "{name}#{id}"               |
| stock of (product, size, region)  | inventory            | tenant_id, sku = "{product}#{size}#{region}"    |
| stock of one product              | inventory            | tenant_id, begins_with(sku, "{product}#")       |
| in-stock products of a region     | inventory            | tenant_id, filtered on region, size, available  |
| order by id                       | orders               | tenant_id, order_id                             |
| orders of a user, newest first    | orders.by_user       | tenant_user = "{tenant}#{user}", created_at     |
| orders in a status, oldest first  | orders.by_status     | tenant_status = "{tenant}#{status}", created_at |
| idempotency key                   | idempotency          | tenant_id, key                                  |
| a shopper's cart / profile        | carts / users        | tenant_id, user_id                              |
| consent log of a user, time order | consent              | tenant_id, begins_with(sk, "{user}#"),          |
|                                   |                      | sk = "{user}#{recorded_at}#{id}"                |
| audit log, newest first           | audit                | tenant_id, sk = "{at}#{id}", descending         |

Times in keys are fixed-width UTC ISO-8601 text, so text order is time order.

Placing an order is one TransactWriteItems (order, idempotency key, one conditional decrement per
inventory row); so is each status change with its stock effect. Product search reads the candidates and
filters and ranks them in Python (search.py): right for moderate catalogs, OpenSearch takes over at scale.
"""

from core.storage.dynamodb.store import DynamoDBStore

__all__ = ["DynamoDBStore"]
