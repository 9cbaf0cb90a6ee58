"""Shoppers' feedback on purchases: sort key `sk` = "{user_id}#{id}", so one shopper's events are a contiguous
range of the tenant's partition and a repeated event id collides whatever its timestamp. A shopper has few
events, so they are put in time order after reading."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from core.errors import InvalidInput
from core.records.feedback import FeedbackEvent
from core.storage.dynamodb import keys, operations
from core.storage.dynamodb.client import CONDITIONAL_CHECK_FAILED, backend_faults, error_code
from core.storage.dynamodb.codec import Item, RecordCodec, serialize

FEEDBACK = RecordCodec(FeedbackEvent)


class DynamoFeedbackRepository:
    def __init__(self, client: BaseClient, table: str) -> None:
        self._client = client
        self._table = table

    def record(self, event: FeedbackEvent) -> FeedbackEvent:
        """Append one event; recording the same event again is rejected (events are never rewritten)."""
        sort_key = keys.join(event.user_id, event.id)
        with backend_faults("feedback.record"):
            try:
                self._client.put_item(
                    TableName=self._table,
                    Item=FEEDBACK.to_item(event, sk=sort_key),
                    ConditionExpression="attribute_not_exists(sk)",
                )
            except ClientError as error:
                if error_code(error) != CONDITIONAL_CHECK_FAILED:
                    raise
                raise InvalidInput("feedback event already recorded", {"id": event.id}) from None
        return event

    def _events(self, tenant_id: str, user_id: str, *, keys_only: bool = False) -> Iterator[Item]:
        request: dict[str, Any] = {"ProjectionExpression": "tenant_id, sk"} if keys_only else {}
        return operations.query(
            self._client,
            "feedback.query",
            TableName=self._table,
            KeyConditionExpression="tenant_id = :tenant AND begins_with(sk, :user)",
            ExpressionAttributeValues={
                ":tenant": serialize(keys.part(tenant_id)),
                ":user": serialize(keys.prefix(user_id)),
            },
            ConsistentRead=True,
            **request,
        )

    def list_for_user(self, tenant_id: str, user_id: str) -> list[FeedbackEvent]:
        """Oldest first."""
        events = [FEEDBACK.from_item(item) for item in self._events(tenant_id, user_id)]
        return sorted(events, key=lambda event: (event.recorded_at, event.id))

    def delete_for_user(self, tenant_id: str, user_id: str) -> int:
        """Remove every event of the shopper (right to erasure); returns how many there were."""
        requests = [
            {"DeleteRequest": {"Key": key}} for key in self._events(tenant_id, user_id, keys_only=True)
        ]
        operations.batch_write(self._client, "feedback.delete_for_user", self._table, requests)
        return len(requests)
