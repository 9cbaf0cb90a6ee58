from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient
from langgraph.checkpoint.base import BaseCheckpointSaver

from api.app import create_app
from core.schemas import Order
from core.settings import Settings
from core.storage.repositories import Store
from tests.api.conftest import tokens_for

# The lifespan is the same on every store, and writing the 14k demo stock rows into moto takes minutes
# (tests/core/catalog/test_demo.py seeds both backends); the sweeper's store work is tested on both stores in
# test_reservation_sweeper.py.
pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)

ExpireReservation = Callable[[Store, str], Order]
ReadStock = Callable[[httpx.Client, str, str, str], dict[str, int]]


def test_startup_seeds_the_demo_catalog_into_an_empty_store(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"seed_demo_data": True}))) as client:
        page = client.get("/v1/products", params={"category": "footwear", "page_size": 1}).json()

    assert page["total"] > 0


def test_without_demo_data_the_default_tenant_does_not_exist(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/v1/products")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "TENANT_NOT_FOUND"


def test_the_checkpointer_is_open_on_app_state_while_the_app_runs(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        checkpointer = client.app.state.services.checkpointer

        assert isinstance(checkpointer, BaseCheckpointSaver)
        assert settings.checkpoint_sqlite_file.exists()


def test_the_running_app_releases_expired_reservations(
    start_client: Callable[..., TestClient], expire_reservation: ExpireReservation, read_stock: ReadStock
) -> None:
    client = start_client(reservation_sweep_seconds=0.05)
    crashed = expire_reservation(client.app.state.services.store, "demo")
    client.headers.update(tokens_for(client).merchant())  # the shop watches its shoppers' orders

    deadline = time.monotonic() + 60
    while client.get(f"/v1/orders/{crashed.id}").json()["status"] != "FAILED" and time.monotonic() < deadline:
        time.sleep(0.05)

    order = client.get(f"/v1/orders/{crashed.id}").json()
    assert (order["status"], order["failure_reason"]) == ("FAILED", "RESERVATION_EXPIRED")
    assert read_stock(client, "shoe-run", "UK8", "mumbai") == {"available": 5, "reserved": 0}
