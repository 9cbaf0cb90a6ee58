from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from fastapi.testclient import TestClient

from api.routes.orders import REPLAYED_HEADER
from core.commerce.payments import CashOnDelivery, PaymentGateway, TestPaymentProvider

ReadStock = Callable[[httpx.Client, str, str, str], dict[str, int]]


def order_body(user_id: str = "u1", quantity: int = 2, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "user_id": user_id,
        "region": "mumbai",
        "payment_method": "cod",
        "items": [{"product_id": "shoe-run", "size": "UK8", "quantity": quantity}],
    }
    return body | changes


def test_placing_an_order_confirms_it_and_takes_the_stock(client: TestClient, read_stock: ReadStock) -> None:
    response = client.post("/v1/orders", json=order_body(quantity=2))

    assert response.status_code == 201
    order = response.json()
    assert order["status"] == "CONFIRMED"
    assert order["total_inr"] == 4998
    assert order["items"][0]["unit_price_inr"] == 2499
    assert order["payment_reference"] == f"COD-{order['id']}"
    assert REPLAYED_HEADER not in response.headers
    assert read_stock(client, "shoe-run", "UK8", "mumbai") == {"available": 3, "reserved": 0}
    assert client.get(f"/v1/orders/{order['id']}").json() == order


def test_same_idempotency_key_twice_creates_one_order_and_replays_it(
    client: TestClient, read_stock: ReadStock
) -> None:
    headers = {"Idempotency-Key": "checkout-42"}

    first = client.post("/v1/orders", json=order_body(quantity=1), headers=headers)
    second = client.post("/v1/orders", json=order_body(quantity=1), headers=headers)

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.headers[REPLAYED_HEADER] == "true"
    assert second.json() == first.json()
    assert [order["id"] for order in client.get("/v1/orders", params={"user_id": "u1"}).json()["items"]] == [
        first.json()["id"]
    ]
    assert read_stock(client, "shoe-run", "UK8", "mumbai")["available"] == 4


def test_reusing_an_idempotency_key_for_a_different_order_is_422(client: TestClient) -> None:
    headers = {"Idempotency-Key": "checkout-43"}
    client.post("/v1/orders", json=order_body(quantity=1), headers=headers)

    response = client.post("/v1/orders", json=order_body(quantity=3), headers=headers)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_declined_payment_is_402_with_the_failed_order_and_the_stock_back(
    start_client: Callable[..., TestClient], read_stock: ReadStock
) -> None:
    declining = TestPaymentProvider(decline_reason="CARD_DECLINED")
    client = start_client(payments=PaymentGateway([CashOnDelivery(), declining]))

    response = client.post("/v1/orders", json=order_body(quantity=2, payment_method="test"))

    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "PAYMENT_FAILED"
    failed = error["details"]["order"]
    assert (failed["status"], failed["failure_reason"]) == ("FAILED", "CARD_DECLINED")
    assert declining.charged == [failed["id"]]
    assert client.get(f"/v1/orders/{failed['id']}").json()["status"] == "FAILED"
    assert read_stock(client, "shoe-run", "UK8", "mumbai") == {"available": 5, "reserved": 0}


def test_ordering_more_than_is_in_stock_is_409_and_reserves_nothing(
    client: TestClient, read_stock: ReadStock
) -> None:
    response = client.post("/v1/orders", json=order_body(quantity=6))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "INSUFFICIENT_STOCK"
    assert error["details"]["available"] == 5
    assert read_stock(client, "shoe-run", "UK8", "mumbai") == {"available": 5, "reserved": 0}
    assert client.get("/v1/orders", params={"user_id": "u1"}).json() == {"items": []}


def test_cancelling_a_confirmed_order_restocks_it_once(client: TestClient, read_stock: ReadStock) -> None:
    order = client.post("/v1/orders", json=order_body(quantity=2)).json()

    cancelled = client.post(f"/v1/orders/{order['id']}/cancel")
    again = client.post(f"/v1/orders/{order['id']}/cancel")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "CANCELLED"
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "INVALID_STATE"
    assert read_stock(client, "shoe-run", "UK8", "mumbai") == {"available": 5, "reserved": 0}


def test_orders_by_user_are_that_users_newest_first(client: TestClient) -> None:
    first = client.post("/v1/orders", json=order_body("u1", quantity=1)).json()
    client.post("/v1/orders", json=order_body("u2", quantity=1))
    second = client.post("/v1/orders", json=order_body("u1", quantity=1)).json()

    response = client.get("/v1/orders", params={"user_id": "u1"})

    assert response.status_code == 200
    assert [order["id"] for order in response.json()["items"]] == [second["id"], first["id"]]


def test_listing_orders_needs_a_user_id(client: TestClient) -> None:
    response = client.get("/v1/orders")

    assert response.status_code == 422
    assert response.json()["error"]["details"]["errors"][0]["loc"] == ["query", "user_id"]


def test_unknown_order_is_404(client: TestClient) -> None:
    for response in (client.get("/v1/orders/ord_missing"), client.post("/v1/orders/ord_missing/cancel")):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"
