"""POST /v1/pricing/events and the dead-letter routes over real HTTP handling (TestClient with the lifespan
running), on each store."""

from __future__ import annotations

import time
from typing import Any

import numpy
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.errors import StoreUnavailable
from core.records.identity import AuthKind
from core.records.sales import DeadLetter
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store
from domain.pricing.events import listing_text
from knowledge.embeddings import MiniLMEmbedder
from tests.api.conftest import OTHER_TENANT, StartClient, seed_catalog, seed_other_tenant, tokens_for

TENANT_HEADER = {"X-Tenant-ID": "demo"}


@pytest.fixture
def client(start_client: StartClient) -> TestClient:
    """The app without an embedding model: these tests are about events (the embedding tests load one);
    signed in as the demo shop's merchant, whose sales history it is."""
    client = start_client(embedding_model="none")
    client.headers.update(tokens_for(client).merchant("demo"))
    return client


def event(
    event_id: str, event_type: str, listing_id: str = "l-1", minute: int = 0, **product: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": event_id,
        "type": event_type,
        "listing_id": listing_id,
        "occurred_at": f"2025-03-01T10:{minute:02d}:00Z",
    }
    if event_type in {"product.listed", "product.updated", "product.relisted"} or product:
        body["product"] = {
            "title": "Fabindia cotton kurta",
            "category": "women/kurtas",
            "brand": "Fabindia",
            "condition": "good",
            "price": 899,
        } | product
    return body


def store_of(client: TestClient) -> Store:
    store: Store = client.app.state.services.store
    return store


def test_a_listed_event_is_created_and_answers_with_its_outcome(client: TestClient) -> None:
    response = client.post("/v1/pricing/events", json=event("ev-1", "product.listed"), headers=TENANT_HEADER)

    assert response.status_code == 201
    assert response.json() | {"recorded_at": None} == {
        "tenant_id": "demo",
        "event_id": "ev-1",
        "type": "product.listed",
        "listing_id": "l-1",
        "status": "listed",
        "version": 1,
        "recorded_at": None,
        "duplicate": False,
    }


def test_the_same_event_again_answers_200_with_the_same_outcome(client: TestClient) -> None:
    first = client.post("/v1/pricing/events", json=event("ev-1", "product.listed"))

    again = client.post("/v1/pricing/events", json=event("ev-1", "product.listed"))

    assert again.status_code == 200
    assert again.json() == first.json() | {"duplicate": True}


def test_a_malformed_event_is_422_with_a_reason_per_field_and_nothing_is_written(client: TestClient) -> None:
    bad = event("ev-1", "product.listed", price=-5, condition="mint")

    response = client.post("/v1/pricing/events", json=bad)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "INVALID_EVENT"
    assert {reason["field"] for reason in error["details"]["reasons"]} == {
        "product.price",
        "product.condition",
    }
    assert store_of(client).sales.get_listing("demo", "l-1") is None


def test_a_sale_of_an_unknown_listing_is_409_out_of_order_with_the_reason(client: TestClient) -> None:
    response = client.post("/v1/pricing/events", json=event("ev-1", "product.sold"))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "EVENT_OUT_OF_ORDER"
    assert "does not exist yet" in error["message"]
    assert store_of(client).sales.count_sold("demo") == 0


def test_an_event_for_an_unknown_tenant_is_404(client: TestClient) -> None:
    admin = tokens_for(client).admin()  # only an admin may name a tenant other than its own
    response = client.post(
        "/v1/pricing/events", json=event("ev-1", "product.listed"), headers={"X-Tenant-ID": "ghost"} | admin
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "TENANT_NOT_FOUND"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_an_event_naming_another_tenant_is_403_and_a_batch_with_one_applies_nothing(
    client: TestClient, mode: str
) -> None:
    elsewhere = event("ev-2", "product.listed", listing_id="l-2") | {"tenant_id": "other"}

    alone = client.post(f"/v1/pricing/events?mode={mode}", json=elsewhere)
    batch = client.post(f"/v1/pricing/events?mode={mode}", json=[event("ev-1", "product.listed"), elsewhere])

    assert (alone.status_code, batch.status_code) == (403, 403)
    assert alone.json()["error"]["code"] == batch.json()["error"]["code"] == "TENANT_MISMATCH"
    assert batch.json()["error"]["details"] == {"tenant_id": "other", "credential_tenant_id": "demo"}
    assert store_of(client).sales.get_listing("demo", "l-1") is None


def test_events_come_only_from_the_tenants_merchants(client: TestClient) -> None:
    tokens = tokens_for(client)
    listed = event("ev-1", "product.listed")

    shopper = client.post("/v1/pricing/events", json=listed, headers=tokens.shopper("u1"))
    elsewhere = client.post(
        "/v1/pricing/events", json=listed, headers=tokens.merchant("other") | {"X-Tenant-ID": "demo"}
    )
    anonymous = client.post("/v1/pricing/events", json=listed, headers={"Authorization": ""})

    assert (shopper.status_code, elsewhere.status_code, anonymous.status_code) == (403, 403, 401)
    assert elsewhere.json()["error"]["code"] == "TENANT_MISMATCH"
    assert store_of(client).sales.get_listing("demo", "l-1") is None


def test_a_merchants_api_key_writes_events_and_stops_when_revoked(client: TestClient) -> None:
    created = client.post("/v1/auth/api-keys", json={"name": "shop sync"}).json()
    key = {"X-API-Key": created["api_key"], "Authorization": ""}

    written = client.post("/v1/pricing/events", json=event("ev-1", "product.listed"), headers=key)
    client.delete(f"/v1/auth/api-keys/{created['key_id']}")
    refused = client.post("/v1/pricing/events", json=event("ev-2", "product.listed", "l-2"), headers=key)

    assert (written.status_code, refused.status_code) == (201, 401)
    assert refused.json()["error"]["code"] == "INVALID_API_KEY"
    assert [item["key_id"] for item in client.get("/v1/auth/api-keys").json()["items"]] == [created["key_id"]]
    assert (
        created["api_key"]
        not in store_of(client).identity.list("demo", AuthKind.API_KEY)[0].model_dump_json()
    )


def test_a_batch_is_applied_in_order_with_a_result_per_event(client: TestClient) -> None:
    batch = [
        event("ev-1", "product.listed"),
        event("ev-2", "product.sold", minute=5, price=750),
        event("ev-3", "product.updated", minute=6),
        event("ev-1", "product.listed"),
    ]

    response = client.post("/v1/pricing/events", json=batch)

    assert response.status_code == 200
    body = response.json()
    assert (body["applied"], body["duplicates"], body["rejected"]) == (2, 1, 1)
    assert [
        result["error"]["code"] if result["error"] else result["outcome"]["status"]
        for result in body["results"]
    ] == ["listed", "sold", "EVENT_OUT_OF_ORDER", "listed"]
    [sold] = store_of(client).sales.sold_items("demo")
    assert float(sold.price) == 750.0


def test_a_batch_with_one_malformed_event_is_rejected_whole_and_nothing_is_written(
    client: TestClient,
) -> None:
    batch = [event("ev-1", "product.listed"), event("ev-2", "product.listed", "l-2", title="")]

    response = client.post("/v1/pricing/events", json=batch)

    assert response.status_code == 422
    [invalid] = response.json()["error"]["details"]["events"]
    assert invalid["index"] == 1 and invalid["reasons"][0]["field"] == "product.title"
    assert store_of(client).sales.count_listings("demo") == {"listed": 0, "sold": 0, "delisted": 0}


@pytest.mark.parametrize("batch", [[], [event(f"ev-{n}", "product.listed", f"l-{n}") for n in range(501)]])
def test_an_empty_or_oversized_batch_is_422(client: TestClient, batch: list[dict[str, Any]]) -> None:
    response = client.post("/v1/pricing/events", json=batch)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INVALID_EVENT"


def test_async_mode_queues_valid_events_and_dead_letters_the_ones_the_state_forbids(
    client: TestClient,
) -> None:
    batch = [event("ev-1", "product.listed"), event("ev-2", "product.sold", "l-404")]

    response = client.post("/v1/pricing/events", params={"mode": "async"}, json=batch)

    assert response.status_code == 202 and response.json() == {"queued": 2}
    letters = wait_for_dead_letters(client)
    assert [(letter["event_id"], letter["error_code"]) for letter in letters] == [
        ("ev-2", "EVENT_OUT_OF_ORDER")
    ]
    assert store_of(client).sales.get_listing("demo", "l-1") is not None


def wait_for_dead_letters(client: TestClient) -> list[dict[str, Any]]:
    """Poll the dead-letter list until the background worker has put something there (bounded wait)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        items: list[dict[str, Any]] = client.get("/v1/pricing/dead-letters").json()["items"]
        if items:
            return items
        time.sleep(0.02)
    raise AssertionError("no dead letter appeared within 10 s")


def test_events_over_http_are_stored_with_embeddings_from_the_configured_model(
    sqlite_settings: Settings, minilm: MiniLMEmbedder
) -> None:
    """One backend suffices: the route hands listings to the embedder the same way on both (the repositories'
    embedding storage has its own tests on each)."""
    app = create_app(sqlite_settings.model_copy(update={"embedding_model": "local"}))
    with TestClient(app) as client:
        seed_catalog(client.app.state.services.store, sqlite_settings.default_tenant)
        client.headers.update(tokens_for(client).merchant("demo"))
        batch = [event("ev-1", "product.listed"), event("ev-2", "product.listed", "l-2", title="Biba kurta")]
        assert client.post("/v1/pricing/events", json=batch).status_code == 200
        queued = client.post(
            "/v1/pricing/events", params={"mode": "async"}, json=event("ev-3", "product.updated", minute=1)
        )
        assert queued.status_code == 202
    # leaving the client stops the app, which first applies the queue and embeds what is pending

    store = open_store(sqlite_settings)
    try:
        vectors = store.sales.get_embeddings("demo")
        listings = {listing_id: store.sales.get_listing("demo", listing_id) for listing_id in vectors}
    finally:
        store.close()
    assert set(vectors) == {"l-1", "l-2"}
    for listing_id, raw in vectors.items():
        listing = listings[listing_id]
        assert listing is not None
        expected = minilm.embed([listing_text(listing)])[0]
        numpy.testing.assert_allclose(numpy.frombuffer(raw, dtype=numpy.float32), expected, atol=1e-5)
    assert listings["l-1"] is not None and listings["l-1"].version == 2


def test_a_sale_recorded_over_http_reaches_the_app_comparables_index(client: TestClient) -> None:
    client.post(
        "/v1/pricing/events", json=[event("ev-1", "product.listed"), event("ev-2", "product.sold", minute=1)]
    )
    live = client.app.state.services.comparables
    assert live.current("demo").count("demo") == 1

    client.post(
        "/v1/pricing/events",
        json=[event("ev-3", "product.listed", "l-2"), event("ev-4", "product.sold", "l-2", minute=2)],
    )
    live.settle()

    assert live.current("demo").count("demo") == 2


def test_the_event_body_is_a_typed_versioned_schema_with_examples_in_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()

    body = spec["paths"]["/v1/pricing/events"]["post"]["requestBody"]["content"]["application/json"]
    one, many = body["schema"]["anyOf"]  # one event, or an array of them
    assert many["items"] == one and (many["minItems"], many["maxItems"]) == (1, 500)
    assert [choice["$ref"] for choice in one["oneOf"]] == [
        "#/components/schemas/ListingEvent",
        "#/components/schemas/SaleOrDelistEvent",
    ]
    assert one["discriminator"]["propertyName"] == "type"
    listing, sale = (spec["components"]["schemas"][name] for name in ("ListingEvent", "SaleOrDelistEvent"))
    for event_schema in (listing, sale):
        assert {"schema_version", "event_id", "type", "listing_id", "occurred_at", "product"} <= set(
            event_schema["properties"]
        )
        assert event_schema["properties"]["schema_version"]["const"] == 1
    # the product fields are required where the event needs them
    assert set(listing["required"]) == {"event_id", "type", "listing_id", "occurred_at", "product"}
    assert set(sale["required"]) == {"event_id", "type", "listing_id", "occurred_at"}
    assert set(listing["properties"]["type"]["enum"]) == {
        "product.listed",
        "product.updated",
        "product.relisted",
    }
    assert set(sale["properties"]["type"]["enum"]) == {"product.sold", "product.delisted"}
    assert set(body["examples"]) == {"listed", "sold", "batch"}


def test_every_openapi_example_is_accepted_as_it_stands(client: TestClient) -> None:
    examples = client.get("/openapi.json").json()["paths"]["/v1/pricing/events"]["post"]["requestBody"][
        "content"
    ]["application/json"]["examples"]

    listed = client.post("/v1/pricing/events", json=examples["listed"]["value"])
    sold = client.post("/v1/pricing/events", json=examples["sold"]["value"])

    assert (listed.status_code, sold.status_code) == (201, 201), (listed.text, sold.text)
    assert sold.json()["status"] == "sold"


def test_an_unknown_schema_version_is_refused_not_guessed_at(client: TestClient) -> None:
    response = client.post("/v1/pricing/events", json=event("ev-1", "product.listed") | {"schema_version": 2})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "INVALID_EVENT"
    assert [reason["field"] for reason in error["details"]["reasons"]] == ["schema_version"]


def test_a_body_that_is_not_an_event_object_is_an_invalid_event(client: TestClient) -> None:
    response = client.post("/v1/pricing/events", json="product.listed")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INVALID_EVENT"


def kept_letter(client: TestClient, payload: dict[str, Any], tenant_id: str = "demo") -> DeadLetter:
    """A dead letter of `payload`, as the async worker keeps an event it could not apply."""
    letter = DeadLetter(
        tenant_id=tenant_id,
        event_id=payload.get("event_id"),
        payload=payload,
        error_code="EVENT_OUT_OF_ORDER",
        reason="product.sold cannot follow: the listing does not exist yet; send product.listed first",
    )
    return store_of(client).sales.record_dead_letter(letter)


def test_a_replayed_letter_whose_event_now_applies_is_removed(client: TestClient) -> None:
    letter = kept_letter(client, event("ev-2", "product.sold", minute=5))
    client.post("/v1/pricing/events", json=event("ev-1", "product.listed"))

    response = client.post(f"/v1/pricing/dead-letters/{letter.id}/replay")

    assert response.status_code == 200
    body = response.json()
    assert ([item["id"] for item in body["replayed"]], body["failed"]) == ([letter.id], [])
    assert client.get("/v1/pricing/dead-letters").json()["items"] == []
    listing = store_of(client).sales.get_listing("demo", "l-1")
    assert listing is not None and listing.status.value == "sold"


def test_a_replayed_letter_whose_event_fails_again_is_kept_with_the_new_error(client: TestClient) -> None:
    letter = kept_letter(client, event("ev-2", "product.sold", minute=5) | {"product": {"title": ""}})

    response = client.post(f"/v1/pricing/dead-letters/{letter.id}/replay")

    assert response.status_code == 200
    [failed] = response.json()["failed"]
    assert (failed["id"], failed["error_code"]) == (letter.id, "INVALID_EVENT")
    [listed] = client.get("/v1/pricing/dead-letters").json()["items"]
    assert (listed["id"], listed["error_code"]) == (letter.id, "INVALID_EVENT")


def test_replaying_an_unknown_or_another_tenants_letter_is_404(client: TestClient) -> None:
    seed_other_tenant(store_of(client))
    elsewhere = kept_letter(client, event("ev-9", "product.sold"), tenant_id=OTHER_TENANT)

    unknown = client.post("/v1/pricing/dead-letters/dlq-nothing/replay")
    other = client.post(f"/v1/pricing/dead-letters/{elsewhere.id}/replay")

    assert (unknown.status_code, other.status_code) == (404, 404)
    assert unknown.json()["error"]["code"] == other.json()["error"]["code"] == "DEAD_LETTER_NOT_FOUND"
    assert [item.id for item in store_of(client).sales.list_dead_letters(OTHER_TENANT)] == [elsewhere.id]


def test_only_the_tenants_merchants_replay_letters(client: TestClient) -> None:
    letter = kept_letter(client, event("ev-2", "product.sold"))
    tokens = tokens_for(client)
    path = f"/v1/pricing/dead-letters/{letter.id}/replay"

    shopper = client.post(path, headers=tokens.shopper("u1"))
    elsewhere = client.post(path, headers=tokens.merchant(OTHER_TENANT) | {"X-Tenant-ID": "demo"})
    anonymous = client.post(path, headers={"Authorization": ""})

    assert (shopper.status_code, elsewhere.status_code, anonymous.status_code) == (403, 403, 401)
    assert [item.id for item in store_of(client).sales.list_dead_letters("demo")] == [letter.id]


def test_a_store_fault_during_a_replay_is_a_503_or_a_kept_letter_never_a_lost_one(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    letter = kept_letter(client, event("ev-1", "product.listed"))
    sales = store_of(client).sales

    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise StoreUnavailable("connection to 10.0.0.7:5432 refused")

    with monkeypatch.context() as patched:
        patched.setattr(sales, "list_dead_letters", unavailable)
        unreadable = client.post(f"/v1/pricing/dead-letters/{letter.id}/replay")
    with monkeypatch.context() as patched:
        patched.setattr(sales, "apply_event", unavailable)
        unwritable = client.post(f"/v1/pricing/dead-letters/{letter.id}/replay")

    assert unreadable.status_code == 503
    assert unreadable.json()["error"]["code"] == "STORE_UNAVAILABLE" and "10.0.0.7" not in unreadable.text
    assert unwritable.status_code == 200
    assert [item["error_code"] for item in unwritable.json()["failed"]] == ["STORE_UNAVAILABLE"]
    assert [item.id for item in sales.list_dead_letters("demo")] == [letter.id]
