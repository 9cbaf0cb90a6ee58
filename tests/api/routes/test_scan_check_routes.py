"""POST /v1/scan/{kind}/check: the capture guide's live feedback, the scan's own checks on a camera frame with
nothing measured for keeps and no scan budget spent; checks have their own per-shopper rate and their own
slots, so they can neither run without bound nor hold up a scan."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from core.privacy import ScanKind, stored_attributes
from tests.api.conftest import StartClient, store_of, tokens_for
from tests.api.routes.photos import foot_on_a4, plain_png


@pytest.fixture
def client(start_client: StartClient) -> TestClient:
    """The app with the hourly scan budget at one scan, signed in as shopper u-1 with biometric consent."""
    client = start_client(rate_limits_enabled=True, scan_limit_per_hour=1)
    client.headers.update(tokens_for(client).shopper("u-1"))
    client.post("/v1/consent", json={"granted": True})
    return client


def check(client: TestClient, kind: str, frame: bytes) -> dict:
    response = client.post(f"/v1/scan/{kind}/check", files={"image": ("frame.jpg", frame, "image/jpeg")})
    assert response.status_code == 200, response.text
    return response.json()


SAMPLE = Path(__file__).resolve().parents[3] / "api" / "samples" / "foot-on-a4.jpg"
"""The rendered phone photo of a foot on A4 that `pakka samples` ships (evals/vision/foot_render.py)."""


def cut_off_sheet() -> bytes:
    """The sample photo with its left quarter cropped away: two corners of the sheet are outside."""
    image = cv2.imdecode(np.frombuffer(SAMPLE.read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    cropped = image[:, image.shape[1] // 4 :]
    return cv2.imencode(".jpg", cropped, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()


def test_a_good_frame_passes_and_nothing_is_kept(client: TestClient) -> None:
    answer = check(client, "foot", foot_on_a4())

    assert answer == {"ok": True, "reason": None, "message": None, "suggestions": []}
    assert stored_attributes(store_of(client.app), "demo", "u-1", ScanKind.FOOT) is None


def test_a_frame_with_the_sheet_cut_off_says_so_with_what_to_change(client: TestClient) -> None:
    answer = check(client, "foot", cut_off_sheet())

    assert answer["ok"] is False
    assert answer["reason"] == "SHEET_CUT_OFF"
    assert answer["suggestions"]


def test_a_frame_with_nothing_to_measure_names_the_reason(client: TestClient) -> None:
    answer = check(client, "foot", plain_png())

    assert (answer["ok"], answer["reason"]) == (False, "NO_SHEET")


def test_checks_spend_no_scans_from_the_hourly_budget(client: TestClient) -> None:
    for _ in range(3):
        check(client, "foot", plain_png())

    scanned = client.post("/v1/scan/foot", files={"image": ("p.jpg", foot_on_a4(), "image/jpeg")})

    assert scanned.status_code == 200, scanned.text


def test_a_check_needs_biometric_consent(start_client: StartClient) -> None:
    client = start_client()
    response = client.post(
        "/v1/scan/foot/check",
        files={"image": ("frame.jpg", foot_on_a4(), "image/jpeg")},
        headers=tokens_for(client).shopper("u-2"),
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "CONSENT_REQUIRED"


def post_check(client: TestClient, frame: bytes) -> httpx.Response:
    return client.post("/v1/scan/foot/check", files={"image": ("frame.jpg", frame, "image/jpeg")})


def test_checks_have_a_per_shopper_rate_of_their_own(start_client: StartClient) -> None:
    client = start_client(rate_limits_enabled=True, scan_check_limit_per_minute=2)
    client.headers.update(tokens_for(client).shopper("u-1"))
    client.post("/v1/consent", json={"granted": True})

    answers = [post_check(client, plain_png()) for _ in range(3)]
    scanned = client.post("/v1/scan/foot", files={"image": ("p.jpg", foot_on_a4(), "image/jpeg")})

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert refused.json()["error"]["details"]["limit"] == "scan_check"
    assert int(refused.headers["Retry-After"]) >= 1
    assert scanned.status_code == 200, scanned.text  # the scan budget and the caller's rate are untouched


@contextmanager
def every_check_slot_taken(client: TestClient) -> Iterator[None]:
    """Holds every capture check slot (on the app's event loop, where the limiter lives) for the block."""
    slots = client.app.state.services.check_slots  # type: ignore[attr-defined]
    holders = [object() for _ in range(int(slots.total_tokens))]
    for holder in holders:
        client.portal.call(slots.acquire_on_behalf_of_nowait, holder)  # type: ignore[union-attr]
    try:
        yield
    finally:
        for holder in holders:
            client.portal.call(slots.release_on_behalf_of, holder)  # type: ignore[union-attr]


def test_a_check_finding_every_check_slot_taken_is_answered_busy_at_once(client: TestClient) -> None:
    with every_check_slot_taken(client):
        busy = post_check(client, foot_on_a4())
        scanned = client.post("/v1/scan/foot", files={"image": ("p.jpg", foot_on_a4(), "image/jpeg")})

    assert busy.status_code == 503
    assert busy.json()["error"]["code"] == "BUSY"
    assert busy.headers["Retry-After"] == str(busy.json()["error"]["details"]["retry_after_s"])
    assert scanned.status_code == 200, scanned.text  # scans keep their own slots
    assert post_check(client, foot_on_a4()).status_code == 200  # a slot free again: checked as before


def test_the_busy_answer_and_the_check_rate_are_in_the_openapi_document(client: TestClient) -> None:
    responses = client.get("/openapi.json").json()["paths"]["/v1/scan/{kind}/check"]["post"]["responses"]

    assert "BUSY" in responses["503"]["description"]
    assert "Retry-After" in responses["503"]["headers"]
    assert responses["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "PAKKA_SCAN_CHECK_LIMIT_PER_MINUTE" in responses["429"]["description"]
