"""Fifty shoppers race for ten pairs over real HTTP: exactly ten win and stock never dips below zero."""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI

from core.schemas import InventoryRecord, Product
from tests.api.conftest import Tokens, tokens_for

pytestmark = pytest.mark.integration

SHOPPERS = 50
UNITS = 10


def stock_one_product(app: FastAPI) -> None:
    store = app.state.services.store
    store.products.put(
        Product(
            id="drop-sneaker",
            tenant_id="demo",
            name="Limited Drop Sneaker",
            brand="Stride",
            category="footwear",
            price_inr=Decimal("7999"),
            sizes=["UK9"],
        )
    )
    store.inventory.put(
        InventoryRecord(
            tenant_id="demo", product_id="drop-sneaker", size="UK9", region="mumbai", available=UNITS
        )
    )


async def place(http: httpx.AsyncClient, tokens: Tokens, shopper: int) -> httpx.Response:
    return await http.post(
        "/v1/orders",
        json={"region": "mumbai", "items": [{"product_id": "drop-sneaker", "size": "UK9", "quantity": 1}]},
        headers=tokens.shopper(f"shopper-{shopper}"),
    )


async def watch_stock(http: httpx.AsyncClient, done: asyncio.Event) -> list[int]:
    """Reads the available count over and over while the orders race."""
    seen = []
    while not done.is_set():
        response = await http.get("/v1/inventory/drop-sneaker")
        seen.append(response.json()["items"][0]["available"])
    return seen


async def test_fifty_concurrent_orders_for_ten_units_confirm_exactly_ten(
    live_server: tuple[str, FastAPI],
) -> None:
    base_url, app = live_server
    stock_one_product(app)
    limits = httpx.Limits(max_connections=SHOPPERS + 1)

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as http:
        done = asyncio.Event()
        watcher = asyncio.create_task(watch_stock(http, done))
        tokens = tokens_for(app)
        responses = await asyncio.gather(*(place(http, tokens, shopper) for shopper in range(SHOPPERS)))
        done.set()
        seen_available = await watcher
        final = (await http.get("/v1/inventory/drop-sneaker")).json()["items"]

    outcomes = Counter(
        (response.status_code, response.json().get("status") or response.json()["error"]["code"])
        for response in responses
    )
    assert outcomes == {(201, "CONFIRMED"): UNITS, (409, "INSUFFICIENT_STOCK"): SHOPPERS - UNITS}
    assert final == [{"size": "UK9", "region": "mumbai", "available": 0, "reserved": 0}]
    assert all(0 <= available <= UNITS for available in seen_available)
