"""POST /v1/feedback stores the report and moves the size offsets later fit probabilities use."""

from __future__ import annotations

from fastapi.testclient import TestClient

from core.records.feedback import OffsetScope
from tests.api.conftest import store_of


def report(fit: str, **overrides: str) -> dict[str, str]:
    return {
        "user_id": "u-1",
        "product_id": "shoe-run",
        "size": "UK8",
        "outcome": "returned",
        "fit": fit,
        **overrides,
    }


def test_a_too_small_report_is_stored_and_makes_the_item_run_small(client: TestClient) -> None:
    response = client.post("/v1/feedback", json=report("small"))

    assert response.status_code == 201
    body = response.json()
    assert body["feedback"]["brand"] == "Stride"
    assert body["size_adjustment"]["mean"] > 0
    store = store_of(client.app)
    assert [event.fit for event in store.feedback.list_for_user("demo", "u-1")] == ["small"]
    assert store.size_offsets.get("demo", OffsetScope.BRAND, "stride") is not None


def test_reports_accumulate_into_the_offset(client: TestClient) -> None:
    first = client.post("/v1/feedback", json=report("large")).json()["size_adjustment"]
    second = client.post("/v1/feedback", json=report("large", user_id="u-2")).json()["size_adjustment"]

    assert second["mean"] < first["mean"] < 0
    assert second["observations"] == 2


def test_feedback_on_an_unknown_product_is_404(client: TestClient) -> None:
    response = client.post("/v1/feedback", json=report("fit", product_id="nope"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_feedback_on_a_size_the_product_does_not_come_in_is_422(client: TestClient) -> None:
    response = client.post("/v1/feedback", json=report("fit", size="UK12"))

    assert response.status_code == 422
    assert response.json()["error"]["details"]["sizes"] == ["UK7", "UK8", "UK9"]


def test_an_unknown_fit_value_is_a_validation_error(client: TestClient) -> None:
    response = client.post("/v1/feedback", json=report("tight"))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
