from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from fastapi.testclient import TestClient

from api.routes.orders import REPLAYED_HEADER
from core.commerce.payments import CashOnDelivery, PaymentGateway, TestPaymentProvider
from tests.api.conftest import Tokens, tokens_for

ReadStock = Callable[[httpx.Client, str, str, str], dict[str, int]]


def order_body(quantity: int = 2, **changes: Any) -> dict[str, Any]:
    """An order for the signed-in shopper (the access token names them; no user_id needed)."""
    body: dict[str, Any] = {
        "region": "mumbai",
        "payment_method": "cod",
        "items": [{"product_id": "shoe-run", "size": "UK8", "quantity": quantity}],
    }
    return body | changes


def test_placing_an_order_confirms_it_and_takes_the_stock(
    client: TestClient, auth: Tokens, read_stock: ReadStock
) -> None:
    response = client.post("/v1/orders", json=order_body(quantity=2), headers=auth.shopper("u1"))

    assert response.status_code == 201
    order = response.json()
    assert order["status"] == "CONFIRMED"
    assert order["total_inr"] == 4998
    assert order["items"][0]["unit_price_inr"] == 2499
    assert order["payment_reference"] == f"COD-{order['id']}"
    assert order["user_id"] == "u1"
    assert REPLAYED_HEADER not in response.headers
    assert read_stock(client, "shoe-run", "UK8", "mumbai") == {"available": 3, "reserved": 0}
    assert client.get(f"/v1/orders/{order['id']}", headers=auth.shopper("u1")).json() == order


def test_same_idempotency_key_twice_creates_one_order_and_replays_it(
    client: TestClient, auth: Tokens, read_stock: ReadStock
) -> None:
    headers = {"Idempotency-Key": "checkout-42", **auth.shopper("u1")}

    first = client.post("/v1/orders", json=order_body(quantity=1), headers=headers)
    second = client.post("/v1/orders", json=order_body(quantity=1), headers=headers)

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.headers[REPLAYED_HEADER] == "true"
    assert second.json() == first.json()
    assert [
        order["id"] for order in client.get("/v1/orders", headers=auth.shopper("u1")).json()["items"]
    ] == [first.json()["id"]]
    assert read_stock(client, "shoe-run", "UK8", "mumbai")["available"] == 4


def test_reusing_an_idempotency_key_for_a_different_order_is_422(client: TestClient, auth: Tokens) -> None:
    headers = {"Idempotency-Key": "checkout-43", **auth.shopper("u1")}
    client.post("/v1/orders", json=order_body(quantity=1), headers=headers)

    response = client.post("/v1/orders", json=order_body(quantity=3), headers=headers)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_declined_payment_is_402_with_the_failed_order_and_the_stock_back(
    start_client: Callable[..., TestClient], read_stock: ReadStock
) -> None:
    declining = TestPaymentProvider(decline_reason="CARD_DECLINED")
    client = start_client(payments=PaymentGateway([CashOnDelivery(), declining]))
    shopper = tokens_for(client).shopper("u1")

    response = client.post("/v1/orders", json=order_body(quantity=2, payment_method="test"), headers=shopper)

    assert response.status_code == 402
    error = response.json()["error"]
    assert error["code"] == "PAYMENT_FAILED"
    failed = error["details"]["order"]
    assert (failed["status"], failed["failure_reason"]) == ("FAILED", "CARD_DECLINED")
    assert declining.charged == [failed["id"]]
    assert client.get(f"/v1/orders/{failed['id']}", headers=shopper).json()["status"] == "FAILED"
    assert read_stock(client, "shoe-run", "UK8", "mumbai") == {"available": 5, "reserved": 0}


def test_ordering_more_than_is_in_stock_is_409_and_reserves_nothing(
    client: TestClient, auth: Tokens, read_stock: ReadStock
) -> None:
    response = client.post("/v1/orders", json=order_body(quantity=6), headers=auth.shopper("u1"))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "INSUFFICIENT_STOCK"
    assert error["details"]["available"] == 5
    assert read_stock(client, "shoe-run", "UK8", "mumbai") == {"available": 5, "reserved": 0}
    assert client.get("/v1/orders", headers=auth.shopper("u1")).json() == {"items": []}


def test_cancelling_a_confirmed_order_restocks_it_once(
    client: TestClient, auth: Tokens, read_stock: ReadStock
) -> None:
    shopper = auth.shopper("u1")
    order = client.post("/v1/orders", json=order_body(quantity=2), headers=shopper).json()

    cancelled = client.post(f"/v1/orders/{order['id']}/cancel", headers=shopper)
    again = client.post(f"/v1/orders/{order['id']}/cancel", headers=shopper)

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "CANCELLED"
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "INVALID_STATE"
    assert read_stock(client, "shoe-run", "UK8", "mumbai") == {"available": 5, "reserved": 0}


def test_a_shoppers_orders_are_its_own_newest_first(client: TestClient, auth: Tokens) -> None:
    first = client.post("/v1/orders", json=order_body(quantity=1), headers=auth.shopper("u1")).json()
    client.post("/v1/orders", json=order_body(quantity=1), headers=auth.shopper("u2"))
    second = client.post("/v1/orders", json=order_body(quantity=1), headers=auth.shopper("u1")).json()

    response = client.get("/v1/orders", headers=auth.shopper("u1"))

    assert response.status_code == 200
    assert [order["id"] for order in response.json()["items"]] == [second["id"], first["id"]]


def test_a_merchant_lists_any_of_its_shoppers_orders(client: TestClient, auth: Tokens) -> None:
    order = client.post("/v1/orders", json=order_body(quantity=1), headers=auth.shopper("u1")).json()

    response = client.get("/v1/orders", params={"user_id": "u1"}, headers=auth.merchant())

    assert [item["id"] for item in response.json()["items"]] == [order["id"]]


def test_a_shopper_cannot_place_list_read_or_cancel_for_another(client: TestClient, auth: Tokens) -> None:
    order = client.post("/v1/orders", json=order_body(quantity=1), headers=auth.shopper("u1")).json()
    intruder = auth.shopper("u2")

    placed = client.post("/v1/orders", json=order_body(quantity=1, user_id="u1"), headers=intruder)
    listed = client.get("/v1/orders", params={"user_id": "u1"}, headers=intruder)
    read = client.get(f"/v1/orders/{order['id']}", headers=intruder)
    cancelled = client.post(f"/v1/orders/{order['id']}/cancel", headers=intruder)

    assert (placed.status_code, listed.status_code) == (403, 403)
    assert (read.status_code, cancelled.status_code) == (404, 404)  # someone else's order is not there for u2
    assert client.get(f"/v1/orders/{order['id']}", headers=auth.shopper("u1")).json()["status"] == "CONFIRMED"


def test_the_same_idempotency_key_from_two_shoppers_places_two_orders(
    client: TestClient, auth: Tokens
) -> None:
    key = {"Idempotency-Key": "cart-1"}

    first = client.post("/v1/orders", json=order_body(quantity=1), headers=key | auth.shopper("u1"))
    second = client.post("/v1/orders", json=order_body(quantity=1), headers=key | auth.shopper("u2"))

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


def test_orders_need_a_signed_in_caller(client: TestClient) -> None:
    for response in (
        client.post("/v1/orders", json=order_body(quantity=1, user_id="u1")),
        client.get("/v1/orders", params={"user_id": "u1"}),
    ):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "UNAUTHENTICATED"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_order_is_404(client: TestClient, auth: Tokens) -> None:
    shopper = auth.shopper("u1")
    for response in (
        client.get("/v1/orders/ord_missing", headers=shopper),
        client.post("/v1/orders/ord_missing/cancel", headers=shopper),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"
