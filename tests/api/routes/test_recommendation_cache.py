"""POST /v1/recommendations answers repeats from the result cache (graphs/decision_cache.py): the same bytes
as a server without the cache, and never after the shopper's consent or measurements changed."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from core.privacy import ScanKind, store_attributes
from graphs.services import Services
from tests.api.conftest import StartClient, store_of, tokens_for
from tests.api.routes.test_recommendation_routes import seed_shoes

FOOT = {"length_mm": 258.0, "width_mm": 98.0, "length_sigma_mm": 1.2, "width_sigma_mm": 1.5}
REQUEST = {"category": "footwear", "region": "mumbai"}


def signed_in(client: TestClient) -> TestClient:
    client.headers.update(tokens_for(client).shopper("u-1"))
    return client


def scanned(client: TestClient, foot: dict[str, float] = FOOT) -> None:
    assert client.post("/v1/consent", json={"user_id": "u-1", "granted": True}).status_code in (200, 201)
    store_attributes(store_of(client.app), "demo", "u-1", ScanKind.FOOT, foot)


def answers(client: TestClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


def test_a_repeat_is_served_from_the_cache_as_the_same_bytes_a_server_without_it_sends(
    start_client: StartClient,
) -> None:
    client = signed_in(start_client())
    seed_shoes(client)
    scanned(client)

    first = client.post("/v1/recommendations", json=REQUEST)
    again = client.post("/v1/recommendations", json=REQUEST)
    without_cache = signed_in(start_client(decision_cache_mb=0))
    fresh = without_cache.post("/v1/recommendations", json=REQUEST)

    assert first.status_code == again.status_code == fresh.status_code == 200
    assert again.headers["content-type"] == "application/json"
    assert first.content == again.content == fresh.content
    assert json.loads(again.content)["recommendations"]
    assert answers(client).answers.hits == 1
    assert not answers(without_cache).answers.enabled


def test_withdrawn_consent_and_new_measurements_are_never_answered_from_the_cache(
    start_client: StartClient,
) -> None:
    client = signed_in(start_client())
    seed_shoes(client)
    scanned(client)
    stored = client.post("/v1/recommendations", json=REQUEST).json()

    assert client.post("/v1/consent", json={"user_id": "u-1", "granted": False}).status_code in (200, 201)
    withdrawn = client.post("/v1/recommendations", json=REQUEST).json()
    scanned(client, {**FOOT, "length_mm": 240.0})
    rescanned = client.post("/v1/recommendations", json=REQUEST).json()

    assert stored["attributes_source"] == "stored"
    assert withdrawn["attributes_source"] is None and withdrawn["recommendations"] == []
    assert rescanned["attributes_source"] == "stored" and rescanned != stored
    assert answers(client).answers.hits == 0
