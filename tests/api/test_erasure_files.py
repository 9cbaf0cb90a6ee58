"""Erasure leaves nothing: after DELETE /v1/users/{id}, no file in the data dir (the store and its WAL, the
checkpoints, the long-term memory, the knowledge index, keys) holds the shopper's id in any form the tests
can find in the raw bytes, while the app runs and after it stops. Orders stay, under the pseudonym."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import StartClient, store_of, tokens_for
from tests.api.routes.photos import foot_on_a4

USER = "erase-me-4711"
pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)


def files_holding(data_dir: Path, needle: bytes) -> list[str]:
    return sorted(
        str(path.relative_to(data_dir))
        for path in data_dir.rglob("*")
        if path.is_file() and needle in path.read_bytes()
    )


def leave_traces(client: TestClient) -> str:
    """Everything a shopper leaves: consent, a foot scan, an order (with an idempotency key that spells
    their id), feedback on it, a checkout thread that stopped to ask. Returns the order id."""
    shopper = tokens_for(client).shopper(USER)
    assert client.post("/v1/consent", json={"granted": True}, headers=shopper).status_code == 201
    photo = {"image": ("f.jpg", foot_on_a4(258.0, 98.0), "image/jpeg")}
    assert client.post("/v1/scan/foot", files=photo, headers=shopper).status_code == 200
    order = {"region": "mumbai", "items": [{"product_id": "shoe-run", "size": "UK8", "quantity": 1}]}
    key = {"Idempotency-Key": f"cart-of-{USER}"}
    placed = client.post("/v1/orders", json=order, headers=shopper | key)
    assert placed.status_code == 201
    feedback = {"product_id": "shoe-run", "size": "UK8", "outcome": "kept", "fit": "small"}
    assert client.post("/v1/feedback", json=feedback, headers=shopper).json()["learned"] == "learned"
    thread = client.post("/v1/threads", json={"graph": "checkout"}, headers=shopper).json()["thread_id"]
    run = client.post(f"/v1/threads/{thread}/runs/stream", json={"input": order}, headers=shopper)
    assert "event: interrupt" in run.text
    return str(placed.json()["id"])


def test_no_file_in_the_data_dir_holds_an_erased_shoppers_id(start_client: StartClient) -> None:
    client = start_client()
    data_dir = client.app.state.services.settings.data_dir
    order_id = leave_traces(client)
    assert {"pakka.db", "checkpoints.db", "memory.db"} <= {
        name.split("-")[0] for name in files_holding(data_dir, USER.encode())
    }  # the id is there to find

    receipt = client.delete(f"/v1/users/{USER}", headers=tokens_for(client).shopper(USER)).json()

    assert files_holding(data_dir, USER.encode()) == []
    order = store_of(client.app).orders.get("demo", order_id)
    assert order is not None and order.user_id == receipt["pseudonym"] and order.idempotency_key is None
    assert receipt["orders_pseudonymized"] == 1
    admin = tokens_for(client).admin()
    assert client.get("/v1/orders", params={"user_id": USER}, headers=admin).json() == {"items": []}
    client.__exit__(None, None, None)  # stop the app: closing must not bring anything back
    assert files_holding(data_dir, USER.encode()) == []


def test_an_erased_shoppers_sign_in_ends(start_client: StartClient) -> None:
    client = start_client()
    identity = client.app.state.services.identity

    class Catch:
        code = ""

        def send(self, phone: str, code: str, *, ttl_s: int) -> None:
            self.code = code

    identity.sender = catcher = Catch()
    identity.request_code("demo", "+919800011122")
    tokens = identity.sign_in("demo", "+919800011122", catcher.code)
    bearer = {"Authorization": f"Bearer {tokens.access_token}"}

    receipt = client.delete(f"/v1/users/{tokens.user_id}", headers=bearer).json()

    assert receipt["sign_ins_deleted"] == 1
    assert client.get("/v1/orders", headers=bearer).status_code == 401
    refreshed = client.post("/v1/auth/refresh", json={"refresh_token": tokens.refresh_token})
    assert refreshed.status_code == 401
