"""The append-only consent log: sort key `sk` = "{user_id}#{recorded_at}#{id}", so one user's entries are a
contiguous, time-ordered range of the tenant's partition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from core.errors import InvalidInput
from core.schemas import ConsentRecord
from core.storage.dynamodb import keys, operations
from core.storage.dynamodb.client import CONDITIONAL_CHECK_FAILED, backend_faults, error_code
from core.storage.dynamodb.codec import Item, RecordCodec, serialize

CONSENT = RecordCodec(ConsentRecord)


class DynamoConsentRepository:
    def __init__(self, client: BaseClient, table: str) -> None:
        self._client = client
        self._table = table

    def record(self, entry: ConsentRecord) -> ConsentRecord:
        """Append one entry; recording the same entry again is rejected (entries are never rewritten)."""
        item = CONSENT.to_item(entry, sk=keys.consent_sk(entry.user_id, entry.recorded_at, entry.id))
        with backend_faults("consent.record"):
            try:
                self._client.put_item(
                    TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(sk)"
                )
            except ClientError as error:
                if error_code(error) != CONDITIONAL_CHECK_FAILED:
                    raise
                raise InvalidInput("consent entry already recorded", {"id": entry.id}) from None
        return entry

    def _entries(
        self,
        tenant_id: str,
        user_id: str,
        *,
        oldest_first: bool,
        consent_type: str | None = None,
        keys_only: bool = False,
    ) -> Iterator[Item]:
        """The user's entries in time order, optionally of one type or reduced to their keys."""
        values = {":tenant": serialize(keys.part(tenant_id)), ":user": serialize(keys.prefix(user_id))}
        request: dict[str, Any] = {}
        if consent_type is not None:
            request["FilterExpression"] = "consent_type = :type"
            values[":type"] = serialize(consent_type)
        if keys_only:
            request["ProjectionExpression"] = "tenant_id, sk"
        return operations.query(
            self._client,
            "consent.query",
            TableName=self._table,
            KeyConditionExpression="tenant_id = :tenant AND begins_with(sk, :user)",
            ExpressionAttributeValues=values,
            ScanIndexForward=oldest_first,
            ConsistentRead=True,
            **request,
        )

    def history(self, tenant_id: str, user_id: str) -> list[ConsentRecord]:
        """Oldest first."""
        return [CONSENT.from_item(item) for item in self._entries(tenant_id, user_id, oldest_first=True)]

    def latest(self, tenant_id: str, user_id: str, consent_type: str) -> ConsentRecord | None:
        """The newest entry of this type: reads the user's range newest first until one matches."""
        newest_first = self._entries(tenant_id, user_id, oldest_first=False, consent_type=consent_type)
        first = next(newest_first, None)
        return CONSENT.from_item(first) if first else None

    def delete_for_user(self, tenant_id: str, user_id: str) -> int:
        """Remove every entry of the user (right to erasure); returns how many there were."""
        entry_keys = self._entries(tenant_id, user_id, oldest_first=True, keys_only=True)
        requests = [{"DeleteRequest": {"Key": key}} for key in entry_keys]
        operations.batch_write(self._client, "consent.delete_for_user", self._table, requests)
        return len(requests)
