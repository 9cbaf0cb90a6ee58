"""Repository interfaces. Every backend (SQLite, DynamoDB) implements all of them with the same behaviour,
checked by the shared contract tests in tests/core/storage/.

Rules every implementation follows:
- Every method but the tenant registry takes `tenant_id` first and never reads or writes another tenant's
  rows. A record whose `tenant_id` differs from the argument is rejected with `InvalidInput`.
- Missing records: `get` returns None; mutations of missing records raise `NotFound`.
- Optimistic locking: methods taking `expected_version` raise `VersionConflict` when the stored version
  differs.
- Stock never goes negative: reservations are conditional decrements inside one transaction per order.
- Backend faults surface as `StoreUnavailable`, never as a raw driver exception.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple, Protocol

from core.records.feedback import FeedbackEvent, OffsetScope, SizeOffset
from core.records.identity import AuthKind, AuthRecord
from core.records.sales import (
    DeadLetter,
    EventOutcome,
    Listing,
    ListingStatus,
    PricingEvent,
    PricingEventType,
    SoldItem,
)
from core.records.sites import SiteRecord
from core.schemas import (
    AuditEntry,
    Cart,
    ConsentRecord,
    IdempotencyRecord,
    InventoryRecord,
    Order,
    OrderStatus,
    Product,
    ProductPage,
    ProductQuery,
    StockEffect,
    Tenant,
    User,
)


class TenantRepository(Protocol):
    def put(self, tenant: Tenant) -> Tenant: ...
    def get(self, tenant_id: str) -> Tenant | None: ...
    def list(self) -> list[Tenant]: ...


class ProductRepository(Protocol):
    def put(self, product: Product) -> Product:
        """Insert or replace one product."""
        ...

    def put_many(self, products: Iterable[Product]) -> int:
        """Bulk upsert (all products must belong to one tenant); returns how many were written."""
        ...

    def get(self, tenant_id: str, product_id: str) -> Product | None: ...
    def get_many(self, tenant_id: str, product_ids: Sequence[str]) -> dict[str, Product]: ...

    def search(self, tenant_id: str, query: ProductQuery) -> ProductPage:
        """Filtered, paginated search.

        - `text`: lower-cased alphanumeric words; each must be a prefix of a word of name, brand, category,
          subcategory or description. Ranked by relevance (backend-specific), ties broken by name then id.
          Without text: ordered by name then id.
        - `category` exact (lower case); `brand` case-insensitive exact; `min_price_inr` and `max_price_inr`
          inclusive;
          `size` must be in `sizes`; `in_stock_region`: some inventory row of the product in that region
          (and that size, when `size` is given) has available > 0.
        - `total` counts every match, not just the page.
        """
        ...

    def delete(self, tenant_id: str, product_id: str) -> bool: ...
    def count(self, tenant_id: str) -> int: ...


class StockKey(NamedTuple):
    """One inventory row's key within a tenant: (product, size, region)."""

    product_id: str
    size: str
    region: str


class InventoryRepository(Protocol):
    def put(self, record: InventoryRecord, expected_version: int | None = None) -> InventoryRecord:
        """Set stock for (product, size, region). With `expected_version`, only if the stored version matches
        (VersionConflict otherwise; NotFound if absent). Stores version = previous + 1 (1 for a new row)."""
        ...

    def put_many(self, records: Iterable[InventoryRecord]) -> int:
        """Bulk unconditional upsert for seeding/imports."""
        ...

    def get(self, tenant_id: str, product_id: str, size: str, region: str) -> InventoryRecord | None: ...

    def get_many(self, tenant_id: str, stock_keys: Sequence[StockKey]) -> dict[StockKey, InventoryRecord]:
        """The rows that exist among `stock_keys`, by key, in as few round trips as the backend allows
        (repeated keys are read once; missing rows are left out)."""
        ...

    def list_for_product(self, tenant_id: str, product_id: str) -> list[InventoryRecord]:
        """Ordered by size then region."""
        ...


class OrderRepository(Protocol):
    def create_reserving(self, order: Order, idempotency: IdempotencyRecord | None = None) -> Order:
        """Atomically: insert `order` (status PENDING_PAYMENT), insert `idempotency` if given, and for each
        line move `quantity` from available to reserved. All or nothing.

        Raises InsufficientStock (details: product_id, size, region, requested, available) when a line lacks
        stock or has no inventory row; IdempotencyKeyExists when the key is already bound (nothing
        written)."""
        ...

    def transition(
        self,
        tenant_id: str,
        order_id: str,
        *,
        expected_version: int,
        expected_status: OrderStatus,
        to_status: OrderStatus,
        stock_effect: StockEffect,
        reason: str | None = None,
        payment_reference: str | None = None,
        at: datetime | None = None,
    ) -> Order:
        """Atomically change status (appending to history, version + 1, failure_reason=reason when FAILED,
        payment_reference when given) and apply `stock_effect` to every line. VersionConflict when version or
        status moved on; NotFound when absent. The state machine itself lives in core/commerce."""
        ...

    def get(self, tenant_id: str, order_id: str) -> Order | None: ...
    def get_idempotency(self, tenant_id: str, key: str) -> IdempotencyRecord | None: ...

    def list_by_user(self, tenant_id: str, user_id: str, limit: int = 50) -> list[Order]:
        """Newest first."""
        ...

    def list_by_status(self, tenant_id: str, status: OrderStatus, limit: int = 100) -> list[Order]:
        """Oldest first (the reservation sweeper expires the oldest)."""
        ...

    def pseudonymize_user(self, tenant_id: str, user_id: str, pseudonym: str) -> int:
        """Erasure: every order of the user names `pseudonym` instead, and drops the client's idempotency key
        (which may spell the user); returns how many orders changed."""
        ...


class CartRepository(Protocol):
    def get(self, tenant_id: str, user_id: str) -> Cart:
        """The user's cart; an empty Cart with version 0 when none was saved."""
        ...

    def save(self, cart: Cart, expected_version: int) -> Cart:
        """Store with version = expected_version + 1; VersionConflict if the stored version differs
        (0 means 'must not exist yet')."""
        ...

    def clear(self, tenant_id: str, user_id: str) -> None: ...


class UserRepository(Protocol):
    def put(self, user: User) -> User: ...
    def get(self, tenant_id: str, user_id: str) -> User | None: ...
    def delete(self, tenant_id: str, user_id: str) -> bool: ...


class ConsentRepository(Protocol):
    def record(self, entry: ConsentRecord) -> ConsentRecord: ...
    def history(self, tenant_id: str, user_id: str) -> list[ConsentRecord]:
        """Oldest first."""
        ...

    def latest(self, tenant_id: str, user_id: str, consent_type: str) -> ConsentRecord | None: ...
    def delete_for_user(self, tenant_id: str, user_id: str) -> int: ...


class AuditRepository(Protocol):
    def append(self, entry: AuditEntry) -> AuditEntry: ...
    def list(
        self,
        tenant_id: str,
        *,
        entity_type: str | None = None,
        entity_id: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Newest first."""
        ...


class SalesHistoryRepository(Protocol):
    """Per-tenant sales history for pricing: listings, their sales, event dedupe keys, dead letters and
    embeddings."""

    def apply_event(
        self,
        event: PricingEvent,
        listing_after: Listing,
        *,
        dedupe_until: datetime,
        now: datetime | None = None,
    ) -> EventOutcome:
        """Atomically: bind (tenant, type, event_id) until `dedupe_until` (a key bound before and expired at
        `now`, default the current time, is rebound; the outcome is recorded at `now`), store
        `listing_after` and, for a `product.sold` event, append `SoldItem.of(listing_after)`. All or nothing.

        Optimistic lock: `listing_after.version` must be the stored version + 1 (1 = must not exist yet),
        else VersionConflict. DuplicateEvent (carrying the stored outcome, duplicate=True) when the key is
        bound and not yet expired. The state machine itself lives in domain/pricing/events.py."""
        ...

    def get_outcome(
        self, tenant_id: str, event_type: PricingEventType, event_id: str, *, now: datetime
    ) -> EventOutcome | None:
        """The outcome stored for an event key, None when absent or expired at `now`."""
        ...

    def get_listing(self, tenant_id: str, listing_id: str) -> Listing | None: ...

    def count_listings(self, tenant_id: str) -> dict[ListingStatus, int]:
        """Listings per status (every status present, zero when none)."""
        ...

    def sold_items(
        self,
        tenant_id: str,
        *,
        category: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[SoldItem]:
        """Newest sale first (equal times: larger listing id first); `category` exact, `since` inclusive."""
        ...

    def count_sold(self, tenant_id: str) -> int: ...

    def record_dead_letter(self, letter: DeadLetter) -> DeadLetter: ...
    def list_dead_letters(self, tenant_id: str, limit: int = 100) -> list[DeadLetter]:
        """Newest first."""
        ...

    def delete_dead_letter(self, letter: DeadLetter) -> bool:
        """Remove a letter once its event is replayed; False when it was already gone."""
        ...

    def put_embeddings(self, tenant_id: str, vectors: dict[str, bytes]) -> int:
        """Upsert one vector (raw float32 bytes) per listing id; returns how many were written."""
        ...

    def get_embeddings(self, tenant_id: str) -> dict[str, bytes]: ...


class FeedbackRepository(Protocol):
    """Shoppers' reports on what they bought (append-only; erased with the shopper)."""

    def record(self, event: FeedbackEvent) -> FeedbackEvent:
        """Append one event; an id already recorded is rejected with InvalidInput."""
        ...

    def list_for_user(self, tenant_id: str, user_id: str) -> list[FeedbackEvent]:
        """Oldest first."""
        ...

    def delete_for_user(self, tenant_id: str, user_id: str) -> int: ...


class SizeOffsetRepository(Protocol):
    """Learned per-item and per-brand size offsets, saved with optimistic versions."""

    def get(self, tenant_id: str, scope: OffsetScope, key: str) -> SizeOffset | None: ...

    def get_many(
        self, tenant_id: str, scope: OffsetScope, offset_keys: Sequence[str]
    ) -> dict[str, SizeOffset]:
        """The stored offsets of one scope among `offset_keys`, by key, in as few round trips as the backend
        allows (keys never saved are left out)."""
        ...

    def save(self, offset: SizeOffset, expected_version: int) -> SizeOffset:
        """Store with version = expected_version + 1; VersionConflict if the stored version differs
        (0 means 'must not exist yet')."""
        ...


class IdentityRepository(Protocol):
    """Sign-in records (login codes, refresh-token families, API keys, role grants), saved with optimistic
    versions like carts."""

    def get(self, tenant_id: str, kind: AuthKind, key: str) -> AuthRecord | None: ...

    def save(self, record: AuthRecord, expected_version: int) -> AuthRecord:
        """Store with version = expected_version + 1; VersionConflict if the stored version differs
        (0 means 'must not exist yet')."""
        ...

    def delete(self, tenant_id: str, kind: AuthKind, key: str, expected_version: int | None = None) -> bool:
        """Remove one record (only at `expected_version` when given); False when there was none to remove
        (or it had moved on)."""
        ...

    def list(self, tenant_id: str, kind: AuthKind) -> list[AuthRecord]:
        """Every record of one kind in the tenant, by key."""
        ...

    def delete_for_user(self, tenant_id: str, user_id: str) -> int:
        """Remove every record owned by the user (erasure); returns how many."""
        ...


class SiteRepository(Protocol):
    """Generated store websites (not scoped by tenant: a site is created before its tenant exists, and its
    pages are served by id), saved with optimistic versions like carts."""

    def save(self, site: SiteRecord, expected_version: int) -> SiteRecord:
        """Store with version = expected_version + 1; VersionConflict if the stored version differs
        (0 means 'must not exist yet')."""
        ...

    def get(self, site_id: str) -> SiteRecord | None: ...

    def list_by_owner(self, tenant_id: str, user_id: str | None, limit: int = 50) -> list[SiteRecord]:
        """The sites a user of a tenant asked for, newest first."""
        ...


class DataVersions(NamedTuple):
    """A tenant's change counters (0 until the first change)."""

    products: int
    stock: int
    offsets: int


class DataVersionRepository(Protocol):
    """Change counters per tenant, so that a cache of answers computed from the catalog, the stock and the
    learned size offsets can tell, by one cheap read, whether any of them changed since (the decision graph's
    result cache, graphs/decision_cache.py). The repositories move them as part of their writes:
    - `products` on every product put or delete;
    - `stock` whenever an inventory row appears, goes, or its in-stock state (`available > 0`) may have
      changed: any put, and any reservation, release or restock (a backend may also move it on other stock
      writes, e.g. SQLite moves it only when the in-stock state did change);
    - `offsets` on every size offset saved.
    Counters only go up. SQLite moves them in the writing transaction; DynamoDB right after the write
    succeeded (a reader can meet the new rows with the old counter for the length of one request)."""

    def get(self, tenant_id: str) -> DataVersions: ...


class Store(Protocol):
    """One backend's repositories, opened once at start-up and handed to services through the context."""

    kind: str
    tenants: TenantRepository
    products: ProductRepository
    inventory: InventoryRepository
    orders: OrderRepository
    carts: CartRepository
    users: UserRepository
    consent: ConsentRepository
    audit: AuditRepository
    sales: SalesHistoryRepository
    feedback: FeedbackRepository
    size_offsets: SizeOffsetRepository
    identity: IdentityRepository
    sites: SiteRepository
    versions: DataVersionRepository

    def initialize(self) -> None:
        """Create or migrate schema/tables. Idempotent."""
        ...

    def forget(self) -> None:
        """Make deleted rows unrecoverable from the files the store keeps (after an erasure): SQLite
        checkpoints and truncates its WAL; a managed service has nothing to do."""
        ...

    def close(self) -> None: ...
