"""Generated store websites: one item per site keyed by `site_id`, the record as JSON in `doc`; the
`by_owner` index (owner = tenant#user, created_at) lists a user's sites."""

from __future__ import annotations

from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from core.errors import InvalidInput, VersionConflict
from core.records.sites import SiteRecord
from core.schemas import utcnow
from core.storage.dynamodb import keys
from core.storage.dynamodb.client import CONDITIONAL_CHECK_FAILED, backend_faults, error_code
from core.storage.dynamodb.codec import Item, deserialize, serialize, timestamp
from core.storage.dynamodb.operations import query
from core.storage.dynamodb.tables import SITES_BY_OWNER

NO_OWNER = "~anonymous"


def owner_key(tenant_id: str, user_id: str | None) -> str:
    return keys.join(tenant_id, user_id or NO_OWNER)


class DynamoSiteRepository:
    def __init__(self, client: BaseClient, table: str) -> None:
        self._client = client
        self._table = table

    def save(self, site: SiteRecord, expected_version: int) -> SiteRecord:
        """Store as version expected_version + 1, only over that stored version (0: only if none exists)."""
        if expected_version < 0:
            raise InvalidInput("expected_version must be 0 or more", {"expected_version": expected_version})
        saved = site.model_copy(update={"version": expected_version + 1, "updated_at": utcnow()})
        item: Item = {
            "site_id": serialize(keys.part(saved.id)),
            "owner": serialize(owner_key(saved.owner_tenant_id, saved.owner_user_id)),
            "created_at": serialize(timestamp(saved.created_at)),
            "version": serialize(saved.version),
            "doc": serialize(saved.model_dump_json()),
        }
        condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(site_id)"}
        if expected_version > 0:
            condition = {
                "ConditionExpression": "#version = :expected",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":expected": serialize(expected_version)},
            }
        with backend_faults("sites.save"):
            try:
                self._client.put_item(
                    TableName=self._table,
                    Item=item,
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                    **condition,
                )
            except ClientError as error:
                if error_code(error) != CONDITIONAL_CHECK_FAILED:
                    raise
                stored = error.response.get("Item")
                version = int(deserialize(stored)["version"]) if stored else 0
                raise VersionConflict(
                    "the site changed since it was read",
                    {"expected_version": expected_version, "version": version},
                ) from None
        return saved

    def get(self, site_id: str) -> SiteRecord | None:
        with backend_faults("sites.get"):
            response = self._client.get_item(
                TableName=self._table, Key={"site_id": serialize(keys.part(site_id))}, ConsistentRead=True
            )
        item = response.get("Item")
        return None if not item else SiteRecord.model_validate_json(deserialize(item)["doc"])

    def list_by_owner(self, tenant_id: str, user_id: str | None, limit: int = 50) -> list[SiteRecord]:
        """Newest first."""
        items = query(
            self._client,
            "sites.list_by_owner",
            TableName=self._table,
            IndexName=SITES_BY_OWNER,
            KeyConditionExpression="#owner = :owner",
            ExpressionAttributeNames={"#owner": "owner"},
            ExpressionAttributeValues={":owner": serialize(owner_key(tenant_id, user_id))},
            ScanIndexForward=False,
        )
        sites: list[SiteRecord] = []
        for item in items:
            sites.append(SiteRecord.model_validate_json(deserialize(item)["doc"]))
            if len(sites) >= limit:
                break
        return sites
