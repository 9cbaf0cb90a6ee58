"""SqliteStore: every repository over one SQLite file."""

from __future__ import annotations

from pathlib import Path

from core.storage.sqlite.audit import SqliteAuditRepository
from core.storage.sqlite.carts import SqliteCartRepository
from core.storage.sqlite.consent import SqliteConsentRepository
from core.storage.sqlite.database import SqliteDatabase
from core.storage.sqlite.feedback import SqliteFeedbackRepository
from core.storage.sqlite.identity import SqliteIdentityRepository
from core.storage.sqlite.inventory import SqliteInventoryRepository
from core.storage.sqlite.migrations import migrate
from core.storage.sqlite.orders import SqliteOrderRepository
from core.storage.sqlite.products import SqliteProductRepository
from core.storage.sqlite.sales import SqliteSalesHistoryRepository
from core.storage.sqlite.sites import SqliteSiteRepository
from core.storage.sqlite.size_offsets import SqliteSizeOffsetRepository
from core.storage.sqlite.tenants import SqliteTenantRepository
from core.storage.sqlite.users import SqliteUserRepository
from core.storage.sqlite.versions import SqliteDataVersionRepository


class SqliteStore:
    """The embedded backend. `busy_timeout_ms` is how long a writer waits for the lock before the call fails
    with StoreUnavailable."""

    kind: str = "sqlite"

    def __init__(self, path: Path, *, busy_timeout_ms: int = 5000) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.database = SqliteDatabase(path, busy_timeout_ms=busy_timeout_ms)
        self.tenants = SqliteTenantRepository(self.database)
        self.products = SqliteProductRepository(self.database)
        self.inventory = SqliteInventoryRepository(self.database)
        self.orders = SqliteOrderRepository(self.database)
        self.carts = SqliteCartRepository(self.database)
        self.users = SqliteUserRepository(self.database)
        self.consent = SqliteConsentRepository(self.database)
        self.audit = SqliteAuditRepository(self.database)
        self.feedback = SqliteFeedbackRepository(self.database)
        self.size_offsets = SqliteSizeOffsetRepository(self.database)
        self.sales = SqliteSalesHistoryRepository(self.database)
        self.sites = SqliteSiteRepository(self.database)
        self.versions = SqliteDataVersionRepository(self.database)
        self.identity = SqliteIdentityRepository(self.database)

    def initialize(self) -> None:
        """Create the file's schema or bring it up to the latest migration. Idempotent."""
        migrate(self.database)

    def forget(self) -> None:
        """Copy the WAL into the main file and truncate it to zero bytes, so no deleted row lingers in it
        (deleted pages of the main file are zeroed as they are freed: connections run `secure_delete`)."""
        self.database.checkpoint()

    def close(self) -> None:
        self.database.close()
