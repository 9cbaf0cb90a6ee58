"""POST /v1/consent records consent decisions in the append-only log."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from core.privacy import Pseudonymizer
from tests.api.conftest import Tokens, store_of


def test_granting_biometric_consent_is_recorded_and_returned(client: TestClient, auth: Tokens) -> None:
    response = client.post(
        "/v1/consent", json={"consent_type": "biometric", "granted": True}, headers=auth.shopper("u-1")
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["user_id"], body["consent_type"], body["granted"]) == ("u-1", "biometric", True)
    [entry] = store_of(client.app).consent.history("demo", "u-1")
    assert entry.id == body["id"]


def test_withdrawing_consent_appends_rather_than_rewrites(client: TestClient, auth: Tokens) -> None:
    client.post("/v1/consent", json={"granted": True}, headers=auth.shopper("u-1"))
    client.post("/v1/consent", json={"user_id": "u-1", "granted": False}, headers=auth.shopper("u-1"))

    history = store_of(client.app).consent.history("demo", "u-1")
    assert [entry.granted for entry in history] == [True, False]


def test_consent_is_audited_without_the_user_id(client: TestClient, auth: Tokens) -> None:
    client.post("/v1/consent", json={"granted": True}, headers=auth.shopper("u-1"))

    [entry] = store_of(client.app).audit.list("demo")
    pseudonyms = Pseudonymizer.for_settings(client.app.state.services.settings)
    assert entry.entity_id == pseudonyms.pseudonym("demo", "u-1")
    assert "u-1" not in entry.model_dump_json()


def test_an_unknown_consent_type_is_a_validation_error(client: TestClient, auth: Tokens) -> None:
    response = client.post(
        "/v1/consent", json={"consent_type": "erasure", "granted": True}, headers=auth.shopper("u-1")
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("granted", ["yes", "true", 1, "1", None])
def test_only_json_true_or_false_records_a_decision(
    client: TestClient, auth: Tokens, granted: object
) -> None:
    response = client.post("/v1/consent", json={"granted": granted}, headers=auth.shopper("u-1"))

    assert response.status_code == 422
    assert store_of(client.app).consent.history("demo", "u-1") == []


def test_a_shopper_cannot_consent_for_another(client: TestClient, auth: Tokens) -> None:
    response = client.post(
        "/v1/consent", json={"user_id": "u-2", "granted": True}, headers=auth.shopper("u-1")
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert store_of(client.app).consent.history("demo", "u-2") == []
