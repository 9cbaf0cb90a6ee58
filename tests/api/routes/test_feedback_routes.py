"""POST /v1/feedback stores every report; only verified buyers move the size offsets later fit probabilities
use, each by a bounded amount, and one purchase counts once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from core.records.feedback import OffsetScope
from tests.api.conftest import Tokens, store_of


def report(fit: str, **overrides: str) -> dict[str, str]:
    return {"product_id": "shoe-run", "size": "UK8", "outcome": "returned", "fit": fit, **overrides}


def buy(client: TestClient, auth: Tokens, user_id: str, size: str = "UK8", region: str = "mumbai") -> str:
    """A paid (cash on delivery: confirmed) order of one shoe-run for `user_id`; returns its id."""
    order = {"region": region, "items": [{"product_id": "shoe-run", "size": size, "quantity": 1}]}
    response = client.post("/v1/orders", json=order, headers=auth.shopper(user_id))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def item_offset(client: TestClient) -> float:
    stored = store_of(client.app).size_offsets.get("demo", OffsetScope.ITEM, "shoe-run")
    return 0.0 if stored is None else stored.mean


def test_a_buyers_too_small_report_is_stored_and_makes_the_item_run_small(
    client: TestClient, auth: Tokens
) -> None:
    buy(client, auth, "u-1")

    response = client.post("/v1/feedback", json=report("small"), headers=auth.shopper("u-1"))

    assert response.status_code == 201
    body = response.json()
    assert body["learned"] == "learned"
    assert body["feedback"]["brand"] == "Stride"
    assert body["feedback"]["user_id"] == "u-1"
    assert body["size_adjustment"]["mean"] > 0
    store = store_of(client.app)
    assert [event.fit for event in store.feedback.list_for_user("demo", "u-1")] == ["small"]
    assert store.size_offsets.get("demo", OffsetScope.BRAND, "stride") is not None


def test_buyers_reports_accumulate_into_the_offset(client: TestClient, auth: Tokens) -> None:
    buy(client, auth, "u-1")
    buy(client, auth, "u-2")

    first = client.post("/v1/feedback", json=report("large"), headers=auth.shopper("u-1")).json()
    second = client.post("/v1/feedback", json=report("large"), headers=auth.shopper("u-2")).json()

    assert second["size_adjustment"]["mean"] < first["size_adjustment"]["mean"] < 0
    assert second["size_adjustment"]["observations"] == 2


def test_twelve_reports_from_shoppers_who_never_bought_it_move_no_offset(
    client: TestClient, auth: Tokens
) -> None:
    receipts = [
        client.post("/v1/feedback", json=report("small"), headers=auth.shopper(f"made-up-{n}")).json()
        for n in range(12)
    ]

    assert {receipt["learned"] for receipt in receipts} == {"no_purchase"}
    store = store_of(client.app)
    assert store.size_offsets.get("demo", OffsetScope.ITEM, "shoe-run") is None
    assert store.size_offsets.get("demo", OffsetScope.BRAND, "stride") is None
    assert len(store.feedback.list_for_user("demo", "made-up-0")) == 1  # kept as the shopper's own record


def test_an_order_of_another_size_or_an_unpaid_one_does_not_count(client: TestClient, auth: Tokens) -> None:
    buy(client, auth, "u-1", size="UK8", region="delhi")

    response = client.post("/v1/feedback", json=report("small", size="UK9"), headers=auth.shopper("u-1"))

    assert response.json()["learned"] == "no_purchase"
    assert item_offset(client) == 0.0


def test_one_buyer_moves_an_item_once_however_often_they_report_or_buy(
    client: TestClient, auth: Tokens
) -> None:
    for _ in range(3):
        buy(client, auth, "u-1")

    verdicts = [
        client.post("/v1/feedback", json=report("small"), headers=auth.shopper("u-1")).json()["learned"]
        for _ in range(12)
    ]

    assert verdicts == ["learned"] + ["already_counted"] * 11
    after_one = item_offset(client)
    assert 0 < after_one < 0.63  # what twelve unchecked reports moved it by


def test_twelve_verified_buyers_move_the_offset_further_than_one(client: TestClient, auth: Tokens) -> None:
    buy(client, auth, "u-0")
    client.post("/v1/feedback", json=report("small"), headers=auth.shopper("u-0"))
    one = item_offset(client)
    for n in range(1, 4):  # stock: 5 pairs of UK8 in Mumbai
        buy(client, auth, f"u-{n}")
        client.post("/v1/feedback", json=report("small"), headers=auth.shopper(f"u-{n}"))

    assert item_offset(client) > one > 0


def test_a_shopper_reports_only_as_itself(client: TestClient, auth: Tokens) -> None:
    response = client.post("/v1/feedback", json=report("fit", user_id="u-2"), headers=auth.shopper("u-1"))

    assert response.status_code == 403


def test_feedback_on_an_unknown_product_is_404(client: TestClient, auth: Tokens) -> None:
    response = client.post("/v1/feedback", json=report("fit", product_id="nope"), headers=auth.shopper("u-1"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_feedback_on_a_size_the_product_does_not_come_in_is_422(client: TestClient, auth: Tokens) -> None:
    response = client.post("/v1/feedback", json=report("fit", size="UK12"), headers=auth.shopper("u-1"))

    assert response.status_code == 422
    assert response.json()["error"]["details"]["sizes"] == ["UK7", "UK8", "UK9"]


def test_an_unknown_fit_value_is_a_validation_error(client: TestClient, auth: Tokens) -> None:
    response = client.post("/v1/feedback", json=report("tight"), headers=auth.shopper("u-1"))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
