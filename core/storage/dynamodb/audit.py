"""The append-only audit log: sort key `sk` = "{at}#{id}", so the tenant's partition is in time order."""

from __future__ import annotations

from itertools import islice

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from core.errors import InvalidInput
from core.schemas import AuditEntry
from core.storage.dynamodb import keys, operations
from core.storage.dynamodb.client import CONDITIONAL_CHECK_FAILED, backend_faults, error_code
from core.storage.dynamodb.codec import RecordCodec, serialize

AUDIT = RecordCodec(AuditEntry, frozenset({"details"}))


class DynamoAuditRepository:
    def __init__(self, client: BaseClient, table: str) -> None:
        self._client = client
        self._table = table

    def append(self, entry: AuditEntry) -> AuditEntry:
        """Append one entry; appending the same entry again is rejected (entries are never rewritten)."""
        item = AUDIT.to_item(entry, sk=keys.audit_sk(entry.at, entry.id))
        with backend_faults("audit.append"):
            try:
                self._client.put_item(
                    TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(sk)"
                )
            except ClientError as error:
                if error_code(error) != CONDITIONAL_CHECK_FAILED:
                    raise
                raise InvalidInput("audit entry already appended", {"id": entry.id}) from None
        return entry

    def list(
        self,
        tenant_id: str,
        *,
        entity_type: str | None = None,
        entity_id: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Newest first. Entity filters run server-side over the tenant's log, read newest first until
        `limit` entries match."""
        if limit <= 0:
            return []
        filters: list[str] = []
        values = {":tenant": serialize(keys.part(tenant_id))}
        if entity_type is not None:
            filters.append("entity_type = :entity_type")
            values[":entity_type"] = serialize(entity_type)
        if entity_id is not None:
            filters.append("entity_id = :entity_id")
            values[":entity_id"] = serialize(entity_id)
        request = {"FilterExpression": " AND ".join(filters)} if filters else {"Limit": limit}
        items = operations.query(
            self._client,
            "audit.list",
            TableName=self._table,
            KeyConditionExpression="tenant_id = :tenant",
            ExpressionAttributeValues=values,
            ScanIndexForward=False,
            ConsistentRead=True,
            **request,
        )
        return [AUDIT.from_item(item) for item in islice(items, limit)]
