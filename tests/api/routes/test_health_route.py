from __future__ import annotations

from importlib.metadata import version

from fastapi.testclient import TestClient

from core.settings import Settings


def test_health_reports_ok_with_the_backends_and_version(client: TestClient, settings: Settings) -> None:
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "store": settings.store,
        "checkpointer": settings.checkpointer,
        "version": version("pakka"),
    }


def test_openapi_document_describes_every_v1_route(client: TestClient) -> None:
    response = client.get("/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/health",
        "/v1/products",
        "/v1/products/{product_id}",
        "/v1/inventory/{product_id}",
        "/v1/orders",
        "/v1/orders/{order_id}",
        "/v1/orders/{order_id}/cancel",
    } <= set(paths)
    assert {"get", "post"} <= set(paths["/v1/orders"])
