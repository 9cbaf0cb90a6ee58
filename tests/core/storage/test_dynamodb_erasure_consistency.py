"""Erasure on DynamoDB does not trust a global secondary index: those are eventually consistent, so a sign-in
or an order made a moment before the erasure can be missing from them. On the moto server, every query of
an index answers "nothing yet" (moto's indexes never lag, so the lag is simulated at the client), and the
erasure still finds the shopper's sign-ins, orders, consents and feedback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from core.privacy import BIOMETRIC, Pseudonymizer, erase_user, record_consent
from core.records.identity import AuthKind, AuthRecord
from core.schemas import Order, OrderLine, OrderStatus, StatusChange, new_id, utcnow
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store
from tests.api.conftest import seed_catalog

TENANT = "demo"
USER = "u-1"


@pytest.fixture
def store(dynamodb_settings: Settings) -> Iterator[Store]:
    opened = open_store(dynamodb_settings)
    try:
        yield opened
    finally:
        opened.close()


def index_lags(store: Store) -> list[str]:
    """From now on every Query of a secondary index answers an empty page; returns the indexes asked."""
    client: Any = store.identity._client  # type: ignore[attr-defined]  # one client for every table
    asked: list[str] = []

    def empty_page(params: dict[str, Any], **_: Any) -> Any:
        body = params.get("body") or b""
        request = json.loads(body) if body else {}
        if "IndexName" not in request:
            return None
        asked.append(request["IndexName"])
        return AWSResponse(params["url"], 200, {}, None), {"Items": [], "Count": 0, "ScannedCount": 0}

    client.meta.events.register_first("before-call.dynamodb.Query", empty_page)
    return asked


def an_order(user_id: str) -> Order:
    now = utcnow()
    return Order(
        id=new_id("ord"),
        tenant_id=TENANT,
        user_id=user_id,
        region="mumbai",
        items=[OrderLine(product_id="shoe-run", size="UK8", quantity=1, unit_price_inr=Decimal("2499"))],
        payment_method="cod",
        total_inr=Decimal("2499"),
        reservation_expires_at=now + timedelta(minutes=30),
        history=[StatusChange(status=OrderStatus.PENDING_PAYMENT, at=now)],
    )


def test_erasure_finds_what_a_lagging_index_does_not_show_yet(
    store: Store, dynamodb_settings: Settings
) -> None:
    pseudonyms = Pseudonymizer.for_settings(dynamodb_settings)
    for key, user in (("family-1", USER), ("family-2", USER), ("family-3", "u-2")):
        store.identity.save(AuthRecord(tenant_id=TENANT, kind=AuthKind.REFRESH, key=key, user_id=user), 0)
    store.identity.save(AuthRecord(tenant_id=TENANT, kind=AuthKind.ROLE, key=USER, user_id=USER), 0)
    seed_catalog(store, TENANT)
    order = store.orders.create_reserving(an_order(USER))
    record_consent(store, TENANT, USER, BIOMETRIC, True, pseudonyms=pseudonyms)
    asked = index_lags(store)

    receipt = erase_user(store, TENANT, USER, pseudonyms=pseudonyms)

    assert (receipt.sign_ins_deleted, receipt.orders_pseudonymized, receipt.consents_deleted) == (3, 1, 1)
    left = [record.user_id for kind in AuthKind for record in store.identity.list(TENANT, kind)]
    assert left == ["u-2"]
    renamed = store.orders.get(TENANT, order.id)
    assert renamed is not None and renamed.user_id == receipt.pseudonym
    assert asked == []  # erasure asked no index at all


def test_erasure_reads_sign_ins_by_key_and_kind_never_the_whole_partition(
    store: Store, dynamodb_settings: Settings
) -> None:
    """The role is read by its key; the refresh families (random keys) by a consistent query bounded to
    their kind; pending login codes (keyed by a phone's hash, never owned) are not read at all."""
    store.identity.save(AuthRecord(tenant_id=TENANT, kind=AuthKind.REFRESH, key="family-1", user_id=USER), 0)
    store.identity.save(AuthRecord(tenant_id=TENANT, kind=AuthKind.ROLE, key=USER, user_id=USER), 0)
    store.identity.save(AuthRecord(tenant_id=TENANT, kind=AuthKind.OTP, key="phone-hash"), 0)
    client: Any = store.identity._client  # type: ignore[attr-defined]
    queries: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        request = json.loads(params.get("body") or b"{}")
        if request.get("TableName", "").endswith("identity"):
            queries.append(request)

    client.meta.events.register("before-call.dynamodb.Query", record)

    assert store.identity.delete_for_user(TENANT, USER) == 2

    assert queries and all(query["ConsistentRead"] for query in queries)
    assert all("begins_with(sk, :kind)" in query["KeyConditionExpression"] for query in queries)
    kinds = {query["ExpressionAttributeValues"][":kind"]["S"] for query in queries}
    assert "refresh#" in kinds and "otp#" not in kinds
    assert store.identity.get(TENANT, AuthKind.OTP, "phone-hash") is not None
