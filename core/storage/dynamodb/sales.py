"""Sales history for pricing on DynamoDB.

- `listings`: (tenant_id, listing_id), the listing's fields plus `version` for optimistic locking.
- `sold_items`: (tenant_id, sk = "{sold_at}#{listing_id}#{version}"), so a reverse query is newest first; the
  `by_category` index (tenant_category, sk) serves category filters and, like every index, is eventually
  consistent.
- `pricing_event_keys`: (tenant_id, event_key = "{type}#{event_id}") holding the outcome and `expires_at`.
- `pricing_dead_letters`: (tenant_id, sk = "{failed_at}#{id}"); `listing_embeddings`: (tenant_id, listing_id).

Applying an event is one TransactWriteItems: key claim, listing put, and sold item put for a sale.
"""

from __future__ import annotations

from datetime import datetime
from itertools import islice
from typing import Any

from botocore.client import BaseClient

from core.errors import DuplicateEvent, InvalidInput, StoreUnavailable, VersionConflict
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
from core.storage.dynamodb import keys, operations
from core.storage.dynamodb.client import backend_faults
from core.storage.dynamodb.codec import Item, RecordCodec, serialize, timestamp
from core.storage.dynamodb.operations import CancellationReason, TransactionCancelled
from core.storage.dynamodb.tables import SOLD_ITEMS_BY_CATEGORY

LISTINGS = RecordCodec(Listing)
SOLD_ITEMS = RecordCodec(SoldItem)
OUTCOMES = RecordCodec(EventOutcome)
DEAD_LETTERS = RecordCodec(DeadLetter, frozenset({"payload", "details"}))
VERSION_DIGITS = 10


def sold_sk(sold_at: datetime, listing_id: str, version: int) -> str:
    return keys.join(timestamp(sold_at), listing_id, f"{version:0{VERSION_DIGITS}d}")


def event_key(event_type: PricingEventType, event_id: str) -> str:
    return keys.join(event_type.value, event_id)


def _tenant_key(tenant_id: str, name: str, value: str) -> Item:
    return {"tenant_id": serialize(keys.part(tenant_id)), name: serialize(keys.part(value))}


class DynamoSalesHistoryRepository:
    def __init__(
        self,
        client: BaseClient,
        *,
        listings_table: str,
        sold_items_table: str,
        event_keys_table: str,
        dead_letters_table: str,
        embeddings_table: str,
    ) -> None:
        self._client = client
        self._listings = listings_table
        self._sold_items = sold_items_table
        self._event_keys = event_keys_table
        self._dead_letters = dead_letters_table
        self._embeddings = embeddings_table

    def apply_event(
        self,
        event: PricingEvent,
        listing_after: Listing,
        *,
        dedupe_until: datetime,
        now: datetime | None = None,
    ) -> EventOutcome:
        """One transaction: claim the event key (new or expired), put the listing over the version before it,
        and put the sold item of a sale."""
        if listing_after.tenant_id != event.tenant_id:
            raise InvalidInput(
                "listing belongs to another tenant",
                {"tenant_id": event.tenant_id, "record_tenant_id": listing_after.tenant_id},
            )
        outcome = EventOutcome(
            tenant_id=event.tenant_id,
            event_id=event.event_id,
            type=event.type,
            listing_id=listing_after.listing_id,
            status=listing_after.status,
            version=listing_after.version,
            recorded_at=now or utcnow(),
        )
        transaction: list[dict[str, Any]] = [
            self._claim_key(event, outcome, dedupe_until),
            self._put_listing(listing_after),
        ]
        if event.type is PricingEventType.SOLD:
            sold = SoldItem.of(listing_after)
            item = SOLD_ITEMS.to_item(
                sold,
                sk=sold_sk(sold.sold_at, sold.listing_id, listing_after.version),
                tenant_category=keys.tenant_scoped(sold.tenant_id, sold.category),
            )
            transaction.append({"Put": {"TableName": self._sold_items, "Item": item}})
        try:
            operations.transact_write(self._client, "sales.apply_event", transaction)
        except TransactionCancelled as cancelled:
            raise self._apply_error(listing_after, cancelled.reasons) from None
        return outcome

    def _claim_key(
        self, event: PricingEvent, outcome: EventOutcome, dedupe_until: datetime
    ) -> dict[str, Any]:
        item = OUTCOMES.to_item(
            outcome, event_key=event_key(event.type, event.event_id), expires_at=timestamp(dedupe_until)
        )
        return {
            "Put": {
                "TableName": self._event_keys,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(event_key) OR expires_at <= :now",
                "ExpressionAttributeValues": {":now": serialize(timestamp(outcome.recorded_at))},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _put_listing(self, listing: Listing) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self._listings, "Item": LISTINGS.to_item(listing)}
        if listing.version == 1:
            put["ConditionExpression"] = "attribute_not_exists(listing_id)"
        else:
            put["ConditionExpression"] = "#version = :previous"
            put["ExpressionAttributeNames"] = {"#version": "version"}
            put["ExpressionAttributeValues"] = {":previous": serialize(listing.version - 1)}
        return {"Put": put}

    @staticmethod
    def _apply_error(listing: Listing, reasons: list[CancellationReason]) -> Exception:
        """The domain error in the order SQLite finds them: duplicate key first, then the version."""
        key_reason, listing_reason, *_ = reasons
        if key_reason.condition_failed and key_reason.item is not None:
            stored = OUTCOMES.from_item(key_reason.item)
            return DuplicateEvent(stored.model_copy(update={"duplicate": True}))
        if listing_reason.condition_failed:
            return VersionConflict(
                "the listing changed since it was read",
                {"listing_id": listing.listing_id, "expected_version": listing.version - 1},
            )
        return StoreUnavailable("pricing event transaction cancelled without a failed condition")

    def get_outcome(
        self, tenant_id: str, event_type: PricingEventType, event_id: str, *, now: datetime
    ) -> EventOutcome | None:
        with backend_faults("sales.get_outcome"):
            response = self._client.get_item(
                TableName=self._event_keys,
                Key={
                    "tenant_id": serialize(keys.part(tenant_id)),
                    "event_key": serialize(event_key(event_type, event_id)),
                },
                ConsistentRead=True,
            )
        item = response.get("Item")
        if not item or item["expires_at"]["S"] <= timestamp(now):
            return None
        return OUTCOMES.from_item(item)

    def get_listing(self, tenant_id: str, listing_id: str) -> Listing | None:
        with backend_faults("sales.get_listing"):
            response = self._client.get_item(
                TableName=self._listings,
                Key=_tenant_key(tenant_id, "listing_id", listing_id),
                ConsistentRead=True,
            )
        item = response.get("Item")
        return LISTINGS.from_item(item) if item else None

    def count_listings(self, tenant_id: str) -> dict[ListingStatus, int]:
        counts = dict.fromkeys(ListingStatus, 0)
        items = operations.query(
            self._client,
            "sales.count_listings",
            TableName=self._listings,
            KeyConditionExpression="tenant_id = :tenant",
            ExpressionAttributeValues={":tenant": serialize(keys.part(tenant_id))},
            ProjectionExpression="#status",
            ExpressionAttributeNames={"#status": "status"},
            ConsistentRead=True,
        )
        for item in items:
            counts[ListingStatus(item["status"]["S"])] += 1
        return counts

    def sold_items(
        self,
        tenant_id: str,
        *,
        category: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[SoldItem]:
        """Newest first. A category filter reads the `by_category` index (eventually consistent)."""
        if limit is not None and limit <= 0:
            return []
        request: dict[str, Any] = {"ScanIndexForward": False}
        if category is None:
            partition = "tenant_id = :partition"
            values = {":partition": serialize(keys.part(tenant_id))}
            request["ConsistentRead"] = True
        else:
            partition = "tenant_category = :partition"
            values = {":partition": serialize(keys.tenant_scoped(tenant_id, category))}
            request["IndexName"] = SOLD_ITEMS_BY_CATEGORY
        if since is not None:
            partition += " AND sk >= :since"
            values[":since"] = serialize(timestamp(since))
        if limit is not None:
            request["Limit"] = limit
        items = operations.query(
            self._client,
            "sales.sold_items",
            TableName=self._sold_items,
            KeyConditionExpression=partition,
            ExpressionAttributeValues=values,
            **request,
        )
        return [SOLD_ITEMS.from_item(item) for item in islice(items, limit)]

    def count_sold(self, tenant_id: str) -> int:
        return operations.count(
            self._client,
            "sales.count_sold",
            TableName=self._sold_items,
            KeyConditionExpression="tenant_id = :tenant",
            ExpressionAttributeValues={":tenant": serialize(keys.part(tenant_id))},
            ConsistentRead=True,
        )

    def record_dead_letter(self, letter: DeadLetter) -> DeadLetter:
        item = DEAD_LETTERS.to_item(letter, sk=keys.join(timestamp(letter.failed_at), letter.id))
        with backend_faults("sales.record_dead_letter"):
            self._client.put_item(TableName=self._dead_letters, Item=item)
        return letter

    def list_dead_letters(self, tenant_id: str, limit: int = 100) -> list[DeadLetter]:
        if limit <= 0:
            return []
        items = operations.query(
            self._client,
            "sales.list_dead_letters",
            TableName=self._dead_letters,
            KeyConditionExpression="tenant_id = :tenant",
            ExpressionAttributeValues={":tenant": serialize(keys.part(tenant_id))},
            ScanIndexForward=False,
            ConsistentRead=True,
            Limit=limit,
        )
        return [DEAD_LETTERS.from_item(item) for item in islice(items, limit)]

    def delete_dead_letter(self, letter: DeadLetter) -> bool:
        key = {
            "tenant_id": serialize(keys.part(letter.tenant_id)),
            "sk": serialize(keys.join(timestamp(letter.failed_at), letter.id)),
        }
        with backend_faults("sales.delete_dead_letter"):
            response = self._client.delete_item(TableName=self._dead_letters, Key=key, ReturnValues="ALL_OLD")
        return bool(response.get("Attributes"))

    def put_embeddings(self, tenant_id: str, vectors: dict[str, bytes]) -> int:
        requests = [
            {
                "PutRequest": {
                    "Item": _tenant_key(tenant_id, "listing_id", listing_id) | {"vector": {"B": vector}}
                }
            }
            for listing_id, vector in vectors.items()
        ]
        operations.batch_write(self._client, "sales.put_embeddings", self._embeddings, requests)
        return len(requests)

    def get_embeddings(self, tenant_id: str) -> dict[str, bytes]:
        items = operations.query(
            self._client,
            "sales.get_embeddings",
            TableName=self._embeddings,
            KeyConditionExpression="tenant_id = :tenant",
            ExpressionAttributeValues={":tenant": serialize(keys.part(tenant_id))},
            ConsistentRead=True,
        )
        return {item["listing_id"]["S"]: bytes(item["vector"]["B"]) for item in items}
