from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient

from core.schemas import Product


def test_inventory_lists_stock_per_size_and_region(client: TestClient) -> None:
    response = client.get("/v1/inventory/shoe-run")

    assert response.status_code == 200
    assert response.json() == {
        "product_id": "shoe-run",
        "items": [
            {"size": "UK8", "region": "delhi", "available": 3, "reserved": 0},
            {"size": "UK8", "region": "mumbai", "available": 5, "reserved": 0},
            {"size": "UK9", "region": "mumbai", "available": 0, "reserved": 0},
        ],
    }


def test_inventory_of_a_product_never_stocked_is_empty(client: TestClient) -> None:
    store = client.app.state.services.store
    store.products.put(
        Product(
            id="belt-leather",
            tenant_id="demo",
            name="Leather Belt",
            category="accessories",
            price_inr=Decimal(899),
        )
    )

    response = client.get("/v1/inventory/belt-leather")

    assert response.status_code == 200
    assert response.json() == {"product_id": "belt-leather", "items": []}


def test_inventory_of_an_unknown_product_is_404(client: TestClient) -> None:
    response = client.get("/v1/inventory/no-such-product")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
