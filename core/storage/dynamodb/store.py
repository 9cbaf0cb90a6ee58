"""DynamoDBStore: every repository over one set of prefixed DynamoDB tables."""

from __future__ import annotations

from core.storage.dynamodb.audit import DynamoAuditRepository
from core.storage.dynamodb.carts import DynamoCartRepository
from core.storage.dynamodb.client import open_client
from core.storage.dynamodb.consent import DynamoConsentRepository
from core.storage.dynamodb.feedback import DynamoFeedbackRepository
from core.storage.dynamodb.identity import DynamoIdentityRepository
from core.storage.dynamodb.inventory import DynamoInventoryRepository
from core.storage.dynamodb.orders import DynamoOrderRepository
from core.storage.dynamodb.products import DynamoProductRepository
from core.storage.dynamodb.sales import DynamoSalesHistoryRepository
from core.storage.dynamodb.sites import DynamoSiteRepository
from core.storage.dynamodb.size_offsets import DynamoSizeOffsetRepository
from core.storage.dynamodb.tables import TableNames, ensure_tables
from core.storage.dynamodb.tenants import DynamoTenantRepository
from core.storage.dynamodb.users import DynamoUserRepository
from core.storage.dynamodb.versions import DynamoDataVersionRepository


class DynamoDBStore:
    """The distributed backend. `endpoint_url` None means AWS itself (credentials from the usual chain);
    a URL points at a DynamoDB-compatible server such as moto. `max_attempts` counts botocore's retries
    of throttled or failed requests, the timeouts bound each attempt."""

    kind: str = "dynamodb"

    def __init__(
        self,
        endpoint_url: str | None,
        region: str,
        table_prefix: str,
        *,
        max_attempts: int = 4,
        connect_timeout: float = 2.0,
        read_timeout: float = 5.0,
    ) -> None:
        self.tables = TableNames.with_prefix(table_prefix)
        self._client = open_client(
            endpoint_url,
            region,
            max_attempts=max_attempts,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
        )
        names = self.tables
        self.tenants = DynamoTenantRepository(self._client, names.tenants)
        self.versions = DynamoDataVersionRepository(self._client, names.data_versions)
        self.products = DynamoProductRepository(self._client, names.products, names.inventory, self.versions)
        self.inventory = DynamoInventoryRepository(self._client, names.inventory, self.versions)
        self.orders = DynamoOrderRepository(
            self._client, names.orders, names.idempotency, names.inventory, self.versions
        )
        self.carts = DynamoCartRepository(self._client, names.carts)
        self.users = DynamoUserRepository(self._client, names.users)
        self.consent = DynamoConsentRepository(self._client, names.consent)
        self.audit = DynamoAuditRepository(self._client, names.audit)
        self.sales = DynamoSalesHistoryRepository(
            self._client,
            listings_table=names.listings,
            sold_items_table=names.sold_items,
            event_keys_table=names.pricing_event_keys,
            dead_letters_table=names.pricing_dead_letters,
            embeddings_table=names.listing_embeddings,
        )
        self.feedback = DynamoFeedbackRepository(self._client, names.feedback)
        self.size_offsets = DynamoSizeOffsetRepository(self._client, names.size_offsets, self.versions)
        self.sites = DynamoSiteRepository(self._client, names.sites)
        self.identity = DynamoIdentityRepository(self._client, names.identity)

    def initialize(self) -> None:
        """Create the missing tables and wait until every table is ACTIVE. Idempotent."""
        ensure_tables(self._client, self.tables)

    def forget(self) -> None:
        """Nothing to do: DynamoDB keeps no file of deleted items that pakka could reach."""

    def close(self) -> None:
        self._client.close()
