"""Sales history for pricing: listings, sold items, event dedupe keys, dead letters and listing embeddings."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from core.errors import DuplicateEvent, VersionConflict
from core.records.sales import (
    DeadLetter,
    EventOutcome,
    Listing,
    ListingStatus,
    PricingEvent,
    PricingEventType,
    SoldItem,
)
from core.schemas import utcnow
from core.storage.sqlite.columns import require_tenant, sortable_time
from core.storage.sqlite.database import SqliteDatabase


class SqliteSalesHistoryRepository:
    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database

    def apply_event(
        self,
        event: PricingEvent,
        listing_after: Listing,
        *,
        dedupe_until: datetime,
        now: datetime | None = None,
    ) -> EventOutcome:
        """Bind the event key, store the listing and, for a sale, append its sold item: one transaction."""
        require_tenant(event.tenant_id, listing_after.tenant_id, "listing")
        outcome = EventOutcome(
            tenant_id=event.tenant_id,
            event_id=event.event_id,
            type=event.type,
            listing_id=listing_after.listing_id,
            status=listing_after.status,
            version=listing_after.version,
            recorded_at=now or utcnow(),
        )
        with self._db.transaction() as connection:
            self._bind_key(connection, event, outcome, dedupe_until)
            self._store_listing(connection, listing_after)
            if event.type is PricingEventType.SOLD:
                sold = SoldItem.of(listing_after)
                connection.execute(
                    "INSERT INTO sold_items (tenant_id, listing_id, listing_version, category, sold_at, doc)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        sold.tenant_id,
                        sold.listing_id,
                        listing_after.version,
                        sold.category,
                        sortable_time(sold.sold_at),
                        sold.model_dump_json(),
                    ),
                )
        return outcome

    def get_outcome(
        self, tenant_id: str, event_type: PricingEventType, event_id: str, *, now: datetime
    ) -> EventOutcome | None:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT outcome FROM pricing_event_keys"
                " WHERE tenant_id = ? AND event_type = ? AND event_id = ? AND expires_at > ?",
                (tenant_id, event_type.value, event_id, sortable_time(now)),
            ).fetchone()
        return None if row is None else EventOutcome.model_validate_json(row["outcome"])

    def get_listing(self, tenant_id: str, listing_id: str) -> Listing | None:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT doc FROM listings WHERE tenant_id = ? AND listing_id = ?", (tenant_id, listing_id)
            ).fetchone()
        return None if row is None else Listing.model_validate_json(row["doc"])

    def count_listings(self, tenant_id: str) -> dict[ListingStatus, int]:
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT status, COUNT(*) AS n FROM listings WHERE tenant_id = ? GROUP BY status", (tenant_id,)
            ).fetchall()
        counts = dict.fromkeys(ListingStatus, 0)
        counts.update({ListingStatus(row["status"]): int(row["n"]) for row in rows})
        return counts

    def sold_items(
        self,
        tenant_id: str,
        *,
        category: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[SoldItem]:
        conditions = ["tenant_id = ?"]
        params: list[str | int] = [tenant_id]
        if category is not None:
            conditions.append("category = ?")
            params.append(category)
        if since is not None:
            conditions.append("sold_at >= ?")
            params.append(sortable_time(since))
        query = (
            f"SELECT doc FROM sold_items WHERE {' AND '.join(conditions)}"
            " ORDER BY sold_at DESC, listing_id DESC, listing_version DESC"
        )
        if limit is not None:
            query += " LIMIT ?"
            params.append(max(limit, 0))
        with self._db.reading() as connection:
            rows = connection.execute(query, params).fetchall()
        return [SoldItem.model_validate_json(row["doc"]) for row in rows]

    def count_sold(self, tenant_id: str) -> int:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT COUNT(*) AS n FROM sold_items WHERE tenant_id = ?", (tenant_id,)
            ).fetchone()
        return int(row["n"])

    def record_dead_letter(self, letter: DeadLetter) -> DeadLetter:
        with self._db.transaction() as connection:
            connection.execute(
                "INSERT INTO pricing_dead_letters (tenant_id, id, failed_at, doc) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (tenant_id, id) DO UPDATE SET"
                " failed_at = excluded.failed_at, doc = excluded.doc",
                (letter.tenant_id, letter.id, sortable_time(letter.failed_at), letter.model_dump_json()),
            )
        return letter

    def list_dead_letters(self, tenant_id: str, limit: int = 100) -> list[DeadLetter]:
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT doc FROM pricing_dead_letters WHERE tenant_id = ?"
                " ORDER BY failed_at DESC, id DESC LIMIT ?",
                (tenant_id, max(limit, 0)),
            ).fetchall()
        return [DeadLetter.model_validate_json(row["doc"]) for row in rows]

    def delete_dead_letter(self, letter: DeadLetter) -> bool:
        with self._db.transaction() as connection:
            deleted = connection.execute(
                "DELETE FROM pricing_dead_letters WHERE tenant_id = ? AND id = ?",
                (letter.tenant_id, letter.id),
            )
        return deleted.rowcount > 0

    def put_embeddings(self, tenant_id: str, vectors: dict[str, bytes]) -> int:
        with self._db.transaction() as connection:
            connection.executemany(
                "INSERT INTO listing_embeddings (tenant_id, listing_id, vector) VALUES (?, ?, ?)"
                " ON CONFLICT (tenant_id, listing_id) DO UPDATE SET vector = excluded.vector",
                [(tenant_id, listing_id, vector) for listing_id, vector in vectors.items()],
            )
        return len(vectors)

    def get_embeddings(self, tenant_id: str) -> dict[str, bytes]:
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT listing_id, vector FROM listing_embeddings WHERE tenant_id = ?", (tenant_id,)
            ).fetchall()
        return {row["listing_id"]: bytes(row["vector"]) for row in rows}

    def _bind_key(
        self,
        connection: sqlite3.Connection,
        event: PricingEvent,
        outcome: EventOutcome,
        dedupe_until: datetime,
    ) -> None:
        """Claim the event key, or raise DuplicateEvent with the outcome of the live claim already there."""
        now = sortable_time(outcome.recorded_at)
        bound = connection.execute(
            "INSERT INTO pricing_event_keys (tenant_id, event_type, event_id, expires_at, outcome)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, event_type, event_id) DO UPDATE SET"
            " expires_at = excluded.expires_at, outcome = excluded.outcome"
            " WHERE pricing_event_keys.expires_at <= ?",
            (
                event.tenant_id,
                event.type.value,
                event.event_id,
                sortable_time(dedupe_until),
                outcome.model_dump_json(),
                now,
            ),
        )
        if bound.rowcount == 0:
            row = connection.execute(
                "SELECT outcome FROM pricing_event_keys"
                " WHERE tenant_id = ? AND event_type = ? AND event_id = ?",
                (event.tenant_id, event.type.value, event.event_id),
            ).fetchone()
            stored = EventOutcome.model_validate_json(row["outcome"])
            raise DuplicateEvent(stored.model_copy(update={"duplicate": True}))

    def _store_listing(self, connection: sqlite3.Connection, listing: Listing) -> None:
        """Insert (version 1) or replace the version before this one; VersionConflict otherwise."""
        if listing.version == 1:
            written = connection.execute(
                "INSERT INTO listings (tenant_id, listing_id, status, version, doc) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (tenant_id, listing_id) DO NOTHING",
                (listing.tenant_id, listing.listing_id, listing.status.value, 1, listing.model_dump_json()),
            )
        else:
            written = connection.execute(
                "UPDATE listings SET status = ?, version = ?, doc = ?"
                " WHERE tenant_id = ? AND listing_id = ? AND version = ?",
                (
                    listing.status.value,
                    listing.version,
                    listing.model_dump_json(),
                    listing.tenant_id,
                    listing.listing_id,
                    listing.version - 1,
                ),
            )
        if written.rowcount == 0:
            raise VersionConflict(
                "the listing changed since it was read",
                {"listing_id": listing.listing_id, "expected_version": listing.version - 1},
            )
