"""API fixtures: the app on each store backend (TestClient, lifespan running) over a small seeded catalog,
the same app behind a real uvicorn server on loopback, tokens to call it with (`auth`), and JSON log
capture."""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from core.commerce.payments import PaymentGateway
from core.logging import configure_logging
from core.records.identity import Role
from core.schemas import (
    InventoryRecord,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    StatusChange,
    Tenant,
    new_id,
    utcnow,
)
from core.settings import Settings
from core.storage.repositories import Store

OTHER_TENANT = "other"

StartClient = Callable[..., TestClient]

PRODUCTS = [
    ("shoe-run", "Stride Runner Men's Running Shoe", "Stride", "footwear", "2499", ["UK7", "UK8", "UK9"]),
    ("shoe-trail", "Stride Trail Women's Hiking Shoe", "Stride", "footwear", "3999", ["UK5", "UK6"]),
    ("kurta-khadi", "Khadi Cotton Kurta", "Desi Loom", "apparel", "1299", ["S", "M", "L"]),
    ("saree-silk", "Banarasi Silk Saree", "Desi Loom", "apparel", "5999", ["Free Size"]),
]
STOCK = [
    ("shoe-run", "UK8", "mumbai", 5),
    ("shoe-run", "UK9", "mumbai", 0),
    ("shoe-run", "UK8", "delhi", 3),
    ("shoe-trail", "UK6", "delhi", 2),
    ("kurta-khadi", "M", "mumbai", 10),
    ("saree-silk", "Free Size", "bengaluru", 4),
]


def seed_catalog(store: Store, tenant_id: str) -> None:
    """The test catalog (PRODUCTS, stocked as in STOCK) in `tenant_id`."""
    store.tenants.put(Tenant(id=tenant_id, name=tenant_id.title()))
    store.products.put_many(
        [
            Product(
                id=product_id,
                tenant_id=tenant_id,
                name=name,
                brand=brand,
                category=category,
                price_inr=Decimal(price),
                sizes=sizes,
            )
            for product_id, name, brand, category, price, sizes in PRODUCTS
        ]
    )
    store.inventory.put_many(
        [
            InventoryRecord(
                tenant_id=tenant_id, product_id=product_id, size=size, region=region, available=available
            )
            for product_id, size, region, available in STOCK
        ]
    )


def seed_other_tenant(store: Store) -> None:
    """A second tenant reusing one product id with a different name, to show tenants never mix."""
    store.tenants.put(Tenant(id=OTHER_TENANT, name="Other"))
    store.products.put(
        Product(
            id="shoe-run",
            tenant_id=OTHER_TENANT,
            name="Other Tenant Sandal",
            brand="Elsewhere",
            category="footwear",
            price_inr=Decimal("799"),
            sizes=["UK8"],
        )
    )
    store.inventory.put(
        InventoryRecord(
            tenant_id=OTHER_TENANT, product_id="shoe-run", size="UK8", region="mumbai", available=1
        )
    )


def stock_level(http: httpx.Client, product_id: str, size: str, region: str) -> dict[str, int]:
    """{"available": n, "reserved": m} of one inventory row, read through the API."""
    response = http.get(f"/v1/inventory/{product_id}")
    response.raise_for_status()
    for row in response.json()["items"]:
        if (row["size"], row["region"]) == (size, region):
            return {"available": row["available"], "reserved": row["reserved"]}
    raise LookupError(f"no stock row for {product_id} {size} {region}")


@pytest.fixture
def read_stock() -> Callable[[httpx.Client, str, str, str], dict[str, int]]:
    return stock_level


def place_expired_reservation(store: Store, tenant_id: str) -> Order:
    """A PENDING_PAYMENT order for 2 x shoe-run UK8 in Mumbai whose reservation ran out a minute ago, as a
    process that crashed between reserving and charging leaves it."""
    now = utcnow()
    order = Order(
        id=new_id("ord"),
        tenant_id=tenant_id,
        user_id="u-crashed",
        region="mumbai",
        items=[OrderLine(product_id="shoe-run", size="UK8", quantity=2, unit_price_inr=Decimal("2499"))],
        payment_method="cod",
        total_inr=Decimal("4998"),
        reservation_expires_at=now - timedelta(minutes=1),
        history=[StatusChange(status=OrderStatus.PENDING_PAYMENT, at=now)],
    )
    return store.orders.create_reserving(order)


@pytest.fixture
def expire_reservation() -> Callable[[Store, str], Order]:
    return place_expired_reservation


@pytest.fixture
def seeded_store(store: Store, settings: Settings) -> Store:
    """The parametrized store with the test catalog in the default tenant (no app running)."""
    seed_catalog(store, settings.default_tenant)
    return store


def store_of(app: FastAPI) -> Store:
    store: Store = app.state.services.store
    return store


@pytest.fixture
def start_client(settings: Settings) -> Iterator[StartClient]:
    """Starts the app (lifespan included) on the parametrized store with `overrides` applied to its settings,
    seeds the test catalog, and returns a TestClient; everything stops at the end of the test."""
    with ExitStack() as running:

        def start(*, payments: PaymentGateway | None = None, **overrides: Any) -> TestClient:
            app = create_app(settings.model_copy(update=overrides), payments=payments)
            client = running.enter_context(TestClient(app))
            seed_catalog(store_of(app), settings.default_tenant)
            return client

        yield start


@pytest.fixture
def client(start_client: StartClient) -> TestClient:
    return start_client()


class Tokens:
    """Signs callers in to a running app the way an operator does (`pakka auth token`): each method returns
    the request headers of an access token minted with the app's own key."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app

    def as_(
        self, user_id: str, role: Role = Role.SHOPPER, tenant_id: str | None = None, ttl_s: int | None = None
    ) -> dict[str, str]:
        services = self._app.state.services
        tenant = tenant_id or services.settings.default_tenant
        token, _ = services.identity.operator_token(tenant, user_id, role, ttl_s=ttl_s)
        return {"Authorization": f"Bearer {token}"}

    def shopper(self, user_id: str = "u1", tenant_id: str | None = None) -> dict[str, str]:
        return self.as_(user_id, Role.SHOPPER, tenant_id)

    def merchant(self, tenant_id: str | None = None, user_id: str = "m1") -> dict[str, str]:
        return self.as_(user_id, Role.MERCHANT, tenant_id)

    def admin(self, user_id: str = "ops") -> dict[str, str]:
        return self.as_(user_id, Role.ADMIN)


def tokens_for(client: TestClient | FastAPI) -> Tokens:
    """`Tokens` for an app started by `start_client` (or a `live_server` app)."""
    return Tokens(client if isinstance(client, FastAPI) else client.app)  # type: ignore[arg-type]


@pytest.fixture
def auth(client: TestClient) -> Tokens:
    """Tokens for the `client` fixture's app: `auth.shopper("u1")`, `auth.merchant()`, `auth.admin()`."""
    return tokens_for(client)


@pytest.fixture
def other_tenant(client: TestClient) -> str:
    """A second tenant in the client's store; returns its id."""
    seed_other_tenant(store_of(client.app))
    return OTHER_TENANT


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[str]:
    """Runs `app` under a real uvicorn server on 127.0.0.1:`port` in a thread; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn stopped during start-up")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def live_server(settings: Settings, unused_tcp_port: int) -> Iterator[tuple[str, FastAPI]]:
    """The app behind real HTTP on the parametrized store, test catalog seeded: (base URL, app)."""
    app = create_app(settings)
    with serving(app, unused_tcp_port) as base_url:
        seed_catalog(store_of(app), settings.default_tenant)
        yield base_url, app


@pytest.fixture
def settings_env(settings: Settings) -> dict[str, str]:
    """The parametrized store's settings as PAKKA_* environment variables, for the CLI and subprocesses."""
    names = {"data_dir", "store", "dynamodb_endpoint_url", "dynamodb_region", "dynamodb_table_prefix"}
    return {
        f"PAKKA_{name.upper()}": str(value)
        for name, value in settings.model_dump(include=names).items()
        if value is not None
    }


@pytest.fixture
def json_log(settings: Settings) -> Iterator[io.StringIO]:
    """Routes every log record through pakka's JSON handler into a buffer, one JSON object per line."""
    buffer = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(settings, stream=buffer)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
