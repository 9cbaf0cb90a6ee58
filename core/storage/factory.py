"""Chooses the store backend named by settings. Called once at start-up."""

from __future__ import annotations

from core.settings import Settings
from core.storage.repositories import Store


def open_store(settings: Settings) -> Store:
    """Open and initialise (create/migrate) the configured store."""
    if settings.store == "dynamodb":
        from core.storage.dynamodb import DynamoDBStore

        store: Store = DynamoDBStore(
            endpoint_url=settings.dynamodb_endpoint_url,
            region=settings.dynamodb_region,
            table_prefix=settings.dynamodb_table_prefix,
        )
    else:
        from core.storage.sqlite import SqliteStore

        store = SqliteStore(settings.sqlite_file)
    store.initialize()
    return store
