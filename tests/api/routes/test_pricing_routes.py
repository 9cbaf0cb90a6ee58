"""POST /v1/pricing/suggest and its SSE variant, over sales history recorded through the events API."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.routes.pricing import SUGGEST_BODY_MAX_BYTES
from core.schemas import utcnow
from tests.api.conftest import OTHER_TENANT, StartClient, tokens_for


@pytest.fixture
def client(start_client: StartClient) -> TestClient:
    """The app without an embedding model (suggestions use lexical similarity either way), signed in as the
    demo shop's merchant: pricing is a merchant's tool."""
    client = start_client(embedding_model="none")
    client.headers.update(tokens_for(client).merchant("demo"))
    return client


SALES = [
    ("Levi's 511 slim fit jeans", 1200),
    ("Levi's 511 slim jeans dark wash", 1350),
    ("Levi's 511 slim fit jeans blue", 1100),
    ("Levis 511 slim fit denim jeans", 1250),
    ("Levi's 511 slim jeans black", 1400),
]
LISTING = {
    "title": "Levi's 511 slim fit jeans",
    "brand": "Levi's",
    "category": "Men/Jeans",
    "condition": "good",
}


def record_sales(client: TestClient) -> None:
    """List and sell each item of SALES through the events API, days apart, ending yesterday."""
    events: list[dict[str, Any]] = []
    for number, (title, price) in enumerate(SALES):
        sold_at = utcnow() - timedelta(days=2 * number + 1)
        product = {
            "title": title,
            "brand": "Levi's",
            "category": "men/jeans",
            "condition": "good",
            "price": price,
        }
        events.append(
            {
                "event_id": f"list-{number}",
                "type": "product.listed",
                "listing_id": f"l-{number}",
                "occurred_at": (sold_at - timedelta(days=1)).isoformat(),
                "product": product,
            }
        )
        events.append(
            {
                "event_id": f"sold-{number}",
                "type": "product.sold",
                "listing_id": f"l-{number}",
                "occurred_at": sold_at.isoformat(),
            }
        )
    response = client.post("/v1/pricing/events", json=events)
    assert response.status_code < 300, response.text


def test_a_suggestion_has_price_range_confidence_comparables_adjustments_and_explanation(
    client: TestClient,
) -> None:
    record_sales(client)

    response = client.post("/v1/pricing/suggest", json=LISTING)

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "price",
        "currency",
        "range",
        "confidence",
        "comparables",
        "adjustments",
        "explanation",
        "tier",
        "history",
    }
    assert body["currency"] == "INR" and body["tier"] == "rules"
    assert body["history"]["sales"] == body["history"]["stored"] == len(SALES)
    assert body["history"]["index"] in {"current", "waited"}
    assert 1100 <= body["price"] <= 1400 and str(int(body["price"])).endswith("9")
    assert body["range"]["low"] <= body["price"] <= body["range"]["high"]
    assert 0 < body["confidence"] <= 1
    assert len(body["comparables"]) == len(SALES)
    assert set(body["comparables"][0]) == {"id", "title", "price", "sold_at", "similarity", "weight"}
    assert all(set(item) == {"kind", "factor", "reason"} for item in body["adjustments"])
    assert body["comparables"][0]["title"] in body["explanation"]


def test_another_tenant_never_prices_from_these_sales(client: TestClient, other_tenant: str) -> None:
    record_sales(client)

    other_merchant = tokens_for(client).merchant(OTHER_TENANT)
    response = client.post("/v1/pricing/suggest", json=LISTING, headers=other_merchant)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "NO_SALES_HISTORY"


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_the_stream_sends_each_node_then_the_result_and_done(client: TestClient) -> None:
    record_sales(client)

    with client.stream("POST", "/v1/pricing/suggest/stream", json=LISTING) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response.read().decode())

    progress = [data["node"] for name, data in events if name == "progress"]
    assert progress == ["identify", "comparables", "assess", "estimate", "analyst", "validate", "explain"]
    [result] = [data for name, data in events if name == "result"]
    assert len(result["comparables"]) == len(SALES)
    assert [name for name, _ in events][-2:] == ["result", "done"]


def test_a_photo_that_is_not_base64_is_rejected_with_its_position(client: TestClient) -> None:
    response = client.post("/v1/pricing/suggest", json=LISTING | {"photos": ["%%%not-base64%%%"]})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "INVALID_INPUT"
    assert response.json()["error"]["details"] == {"photo": 0}


def test_a_photo_that_is_not_an_image_is_rejected(client: TestClient) -> None:
    photo = base64.b64encode(b"plain text, not a photo").decode()

    response = client.post("/v1/pricing/suggest", json=LISTING | {"photos": [photo]})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "SCAN_REJECTED"


def test_an_unknown_condition_is_a_validation_error(client: TestClient) -> None:
    response = client.post("/v1/pricing/suggest", json=LISTING | {"condition": "mint"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_a_phone_photo_larger_than_the_json_limit_is_still_priced(client: TestClient) -> None:
    record_sales(client)
    noise = np.random.default_rng(7).integers(0, 256, size=(900, 800, 3), dtype=np.uint8)
    encoded, png = cv2.imencode(".png", noise)
    photo = base64.b64encode(png.tobytes()).decode()
    assert encoded and len(photo) > 1_048_576

    response = client.post("/v1/pricing/suggest", json=LISTING | {"photos": [photo]})

    assert response.status_code == 200, response.text
    assert response.json()["price"] > 0


def test_a_body_over_the_photo_allowance_is_refused_with_413(client: TestClient) -> None:
    oversized = "A" * (SUGGEST_BODY_MAX_BYTES + 1)

    response = client.post("/v1/pricing/suggest", json=LISTING | {"photos": [oversized]})

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_shop_without_sales_history_gets_a_clear_refusal_not_a_made_up_price(client: TestClient) -> None:
    response = client.post("/v1/pricing/suggest", json=LISTING)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "NO_SALES_HISTORY"
    assert "pricing/events" in error["details"]["how_to_fix"]
    assert error["correlation_id"]


def test_the_stream_reports_missing_sales_history_as_an_error_event(client: TestClient) -> None:
    with client.stream("POST", "/v1/pricing/suggest/stream", json=LISTING) as response:
        body = "".join(response.iter_text())

    assert "event: error" in body
    assert "NO_SALES_HISTORY" in body
