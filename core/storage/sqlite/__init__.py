"""The embedded store: one SQLite file behind every repository interface."""

from core.storage.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
