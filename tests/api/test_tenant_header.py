from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Tokens

ReadStock = Callable[[httpx.Client, str, str, str], dict[str, int]]


def test_tenant_header_selects_that_tenants_catalog(client: TestClient, other_tenant: str) -> None:
    own = client.get("/v1/products/shoe-run")
    other = client.get("/v1/products/shoe-run", headers={"X-Tenant-ID": other_tenant})

    assert own.json()["name"] == "Stride Runner Men's Running Shoe"
    assert other.json()["name"] == "Other Tenant Sandal"
    assert client.get("/v1/products", headers={"X-Tenant-ID": other_tenant}).json()["total"] == 1


def test_orders_stay_inside_their_tenant(
    client: TestClient, auth: Tokens, other_tenant: str, read_stock: ReadStock
) -> None:
    body = {"region": "mumbai", "items": [{"product_id": "shoe-run", "size": "UK8", "quantity": 1}]}
    placed = client.post("/v1/orders", json=body, headers=auth.shopper("u1", other_tenant)).json()

    assert placed["total_inr"] == 799
    assert client.get(f"/v1/orders/{placed['id']}", headers=auth.shopper("u1")).status_code == 404
    assert client.get("/v1/orders", headers=auth.shopper("u1")).json() == {"items": []}
    assert client.get("/v1/orders", headers=auth.shopper("u1", other_tenant)).json()["items"] == [placed]
    assert read_stock(client, "shoe-run", "UK8", "mumbai") == {"available": 5, "reserved": 0}


def test_a_tenant_header_that_contradicts_the_token_is_403(
    client: TestClient, auth: Tokens, other_tenant: str
) -> None:
    response = client.get("/v1/products", headers=auth.shopper("u1") | {"X-Tenant-ID": other_tenant})
    by_admin = client.get("/v1/products", headers=auth.admin() | {"X-Tenant-ID": other_tenant})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "TENANT_MISMATCH"
    assert by_admin.json()["total"] == 1


def test_a_signed_in_caller_reads_its_own_tenant_without_the_header(
    client: TestClient, auth: Tokens, other_tenant: str
) -> None:
    assert client.get("/v1/products", headers=auth.shopper("u1", other_tenant)).json()["total"] == 1


def test_requests_without_the_header_use_the_default_tenant(client: TestClient) -> None:
    assert client.get("/v1/products").json()["total"] == 4
    assert client.get("/v1/products", headers={"X-Tenant-ID": "demo"}).json()["total"] == 4


@pytest.mark.parametrize("header", ["Demo", "-demo", "de mo", "x" * 64, ""])
def test_malformed_tenant_header_is_422(client: TestClient, header: str) -> None:
    response = client.get("/v1/products", headers={"X-Tenant-ID": header})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["errors"][0]["loc"] == ["header", "X-Tenant-ID"]


def test_unknown_tenant_is_404_tenant_not_found(client: TestClient) -> None:
    response = client.get("/v1/products", headers={"X-Tenant-ID": "nobody"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "TENANT_NOT_FOUND"
    assert response.json()["error"]["details"] == {"tenant_id": "nobody"}
