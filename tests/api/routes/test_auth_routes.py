"""Signing in by phone over HTTP with the console sender: a code in the log, tokens for it, refresh rotation
with reuse detection, sign-out, expiry and attempt limits; and merchants' API keys."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import boto3
import pytest
from botocore.stub import ANY, Stubber
from fastapi.testclient import TestClient

from core.identity.senders import SnsSender
from core.records.identity import AuthKind, Role
from core.schemas import utcnow
from tests.api.conftest import StartClient, Tokens, store_of

PHONE = "+919876543210"
CODE_LINE = re.compile(r"login code for phone ending (\d{4}): (\d{6})")


def sent_code(caplog: pytest.LogCaptureFixture, phone: str = PHONE) -> str:
    """The last code the console sender logged for `phone` (the log shows only its last four digits)."""
    codes = [
        match.group(2)
        for record in caplog.records
        if (match := CODE_LINE.search(record.getMessage())) and match.group(1) == phone[-4:]
    ]
    assert codes, "no login code was logged"
    return codes[-1]


def request_code(client: TestClient, phone: str = PHONE) -> None:
    response = client.post("/v1/auth/otp", json={"phone": phone})
    assert response.status_code == 202, response.text
    assert response.json() == {"expires_in": 300}


def sign_in(client: TestClient, caplog: pytest.LogCaptureFixture, phone: str = PHONE) -> dict[str, str]:
    request_code(client, phone)
    response = client.post("/v1/auth/token", json={"phone": phone, "code": sent_code(caplog, phone)})
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


def bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture(autouse=True)
def _capture_codes(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="pakka.auth")


def test_a_code_by_console_signs_a_shopper_in_and_the_token_names_them(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = sign_in(client, caplog)

    assert set(tokens) >= {"access_token", "refresh_token", "expires_in", "user_id", "role"}
    assert (tokens["role"], tokens["token_type"], tokens["expires_in"]) == ("shopper", "bearer", 900)
    assert tokens["user_id"].startswith("usr_")
    body = {"region": "mumbai", "items": [{"product_id": "shoe-run", "size": "UK8", "quantity": 1}]}
    order = client.post("/v1/orders", json=body, headers=bearer(tokens)).json()
    assert order["user_id"] == tokens["user_id"]
    assert [line.getMessage() for line in caplog.records if PHONE in line.getMessage()] == []


def test_the_same_phone_is_the_same_user_and_its_number_is_not_stored(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    first = sign_in(client, caplog)
    again = sign_in(client, caplog, phone="98765 43210")  # the same number, written the Indian way

    assert first["user_id"] == again["user_id"]
    data_dir = client.app.state.services.settings.data_dir
    assert all(b"9876543210" not in path.read_bytes() for path in data_dir.rglob("*") if path.is_file())


def test_a_wrong_code_says_how_many_tries_are_left_and_five_use_the_code_up(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    request_code(client)
    right = sent_code(caplog)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    answers = [client.post("/v1/auth/token", json={"phone": PHONE, "code": wrong}) for _ in range(5)]
    late = client.post("/v1/auth/token", json={"phone": PHONE, "code": right})

    assert [answer.json()["error"]["details"]["attempts_left"] for answer in answers] == [4, 3, 2, 1, 0]
    assert {answer.status_code for answer in answers} == {401}
    assert (late.status_code, late.json()["error"]["code"]) == (401, "CODE_EXPIRED")


def test_a_code_expires_after_five_minutes(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    request_code(client)
    identity = client.app.state.services.identity
    identity.clock = lambda: utcnow() + timedelta(minutes=5, seconds=1)

    response = client.post("/v1/auth/token", json={"phone": PHONE, "code": sent_code(caplog)})

    assert (response.status_code, response.json()["error"]["code"]) == (401, "CODE_EXPIRED")


def test_a_code_works_once(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    tokens = sign_in(client, caplog)

    again = client.post("/v1/auth/token", json={"phone": PHONE, "code": sent_code(caplog)})

    assert tokens["access_token"]
    assert (again.status_code, again.json()["error"]["code"]) == (401, "CODE_EXPIRED")


def test_refresh_rotates_and_reusing_a_spent_token_revokes_the_whole_sign_in(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    first = sign_in(client, caplog)

    second = client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert client.get("/v1/orders", headers=bearer(rotated)).status_code == 200

    replay = client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    after = client.post("/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    access = client.get("/v1/orders", headers=bearer(rotated))

    assert (replay.status_code, replay.json()["error"]["code"]) == (401, "REFRESH_TOKEN_REUSED")
    assert (after.status_code, after.json()["error"]["code"]) == (401, "SESSION_ENDED")
    assert (access.status_code, access.json()["error"]["code"]) == (401, "SESSION_ENDED")


def test_signing_out_ends_the_refresh_token_and_its_access_tokens(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = sign_in(client, caplog)

    out = client.post("/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})

    assert out.status_code == 204
    assert client.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    assert client.get("/v1/orders", headers=bearer(tokens)).status_code == 401


@pytest.mark.parametrize("token", ["nonsense-token", "demo.abc.defghi", "ghost.0123456789abcdef.secret"])
def test_an_unknown_refresh_token_is_401(client: TestClient, token: str) -> None:
    response = client.post("/v1/auth/refresh", json={"refresh_token": token})

    assert (response.status_code, response.json()["error"]["code"]) == (401, "INVALID_REFRESH_TOKEN")


def test_an_expired_or_forged_access_token_is_401_even_on_public_routes(
    client: TestClient, auth: Tokens
) -> None:
    expired = auth.as_("u1", ttl_s=-60)
    forged = {"Authorization": "Bearer " + auth.shopper("u1")["Authorization"].split()[1][:-4] + "AAAA"}

    late = client.get("/v1/products", headers=expired)
    fake = client.get("/v1/products", headers=forged)

    assert (late.status_code, late.json()["error"]["code"]) == (401, "TOKEN_EXPIRED")
    assert (fake.status_code, fake.json()["error"]["code"]) == (401, "INVALID_TOKEN")
    assert late.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "phone",
    ["12345", "+91 98765", "phone", "+0123456789", "919876543210", "+91\t9876543210", "+91 98765 4321x"],
)
def test_a_phone_that_is_not_a_mobile_number_is_422(client: TestClient, phone: str) -> None:
    response = client.post("/v1/auth/otp", json={"phone": phone})

    assert response.status_code == 422


def test_a_merchant_signs_in_by_phone_once_an_operator_granted_the_role(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    identity = client.app.state.services.identity
    identity.grant_role("demo", identity.user_id_for_phone("demo", PHONE), Role.MERCHANT)

    tokens = sign_in(client, caplog)

    assert tokens["role"] == "merchant"
    assert client.get("/v1/pricing/dead-letters", headers=bearer(tokens)).status_code == 200


def test_three_codes_per_phone_per_ten_minutes(start_client: StartClient) -> None:
    client = start_client(rate_limits_enabled=True)

    answers = [client.post("/v1/auth/otp", json={"phone": PHONE}) for _ in range(4)]
    other_phone = client.post("/v1/auth/otp", json={"phone": "+919876500000"})

    assert [answer.status_code for answer in answers] == [202, 202, 202, 429]
    assert answers[-1].json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 200
    assert other_phone.status_code == 202


def test_merchants_create_list_and_revoke_api_keys_and_shoppers_cannot(
    client: TestClient, auth: Tokens
) -> None:
    created = client.post("/v1/auth/api-keys", json={"name": "shop sync"}, headers=auth.merchant())
    listed = client.get("/v1/auth/api-keys", headers=auth.merchant()).json()["items"]
    by_shopper = client.post("/v1/auth/api-keys", json={"name": "mine"}, headers=auth.shopper("u1"))

    assert created.status_code == 201
    key = created.json()
    assert key["api_key"].startswith("pk.demo.")
    assert [item["key_id"] for item in listed] == [key["key_id"]]
    assert "api_key" not in listed[0]
    assert by_shopper.status_code == 403
    revoked = client.delete(f"/v1/auth/api-keys/{key['key_id']}", headers=auth.merchant())
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/v1/products", headers={"X-API-Key": key["api_key"]}).status_code == 401
    stored = store_of(client.app).identity.list("demo", AuthKind.API_KEY)[0]
    assert key["api_key"].split(".")[-1] not in stored.model_dump_json()


def test_with_the_sns_sender_the_code_comes_by_sms_and_an_sns_failure_is_503(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    sns = boto3.client("sns", region_name="ap-south-1")
    texts: list[str] = []
    sns.meta.events.register(
        "provide-client-params.sns.Publish", lambda params, **_: texts.append(params["Message"])
    )
    client.app.state.services.identity.sender = SnsSender(sns)
    transactional = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
    sent = {"PhoneNumber": PHONE, "Message": ANY, "MessageAttributes": transactional}
    caplog.set_level(logging.DEBUG, logger="pakka")

    with Stubber(sns) as stubber:
        stubber.add_response("publish", {"MessageId": "m-1"}, sent)
        stubber.add_client_error("publish", "Throttling", "Rate exceeded", 400, expected_params=sent)
        delivered = client.post("/v1/auth/otp", json={"phone": "98765 43210"})
        [sms] = texts
        signed_in = client.post("/v1/auth/token", json={"phone": PHONE, "code": sms[:6]})
        failed = client.post("/v1/auth/otp", json={"phone": PHONE})
        stubber.assert_no_pending_responses()

    assert delivered.status_code == 202
    assert signed_in.status_code == 200
    assert failed.status_code == 503
    assert failed.json()["error"] | {"correlation_id": None} == {
        "code": "SMS_UNAVAILABLE",
        "message": "the sign-in code could not be sent; try again shortly",
        "details": {},
        "correlation_id": None,
    }
    assert "503" in client.get("/openapi.json").json()["paths"]["/v1/auth/otp"]["post"]["responses"]
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "SMS to phone ending 3210 not sent: Throttling" in logged
    assert "9876543210" not in logged and sms[:6] not in logged
