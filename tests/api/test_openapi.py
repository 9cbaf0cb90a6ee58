"""The OpenAPI document tells the truth: every operation documents its 401/403/429 answers, 404
TENANT_NOT_FOUND and (with a JSON body) 400 MALFORMED_JSON, all in the error shape; the security schemes are
declared and public routes take no credential; the scan routes' multipart bodies are described."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]


def test_every_operation_documents_auth_rate_limit_and_tenant_errors_in_the_error_shape(
    client: TestClient,
) -> None:
    spec = client.get("/openapi.json").json()

    assert {"HTTPBearer", "APIKeyHeader"} <= set(spec["components"]["securitySchemes"])
    missing = []
    for path, method, op in operations(spec):
        wanted = {"401", "403", "404", "429"}
        if "application/json" in op.get("requestBody", {}).get("content", {}):
            wanted |= {"400", "413"}
        missing += [(method, path, status) for status in wanted - set(op["responses"])]
        for status, response in op["responses"].items():
            if status[0] in "45":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
        assert "Retry-After" in op["responses"]["429"]["headers"]
    assert missing == []


def test_public_routes_take_no_credential_and_the_rest_need_one(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()

    assert {} in spec["paths"]["/v1/products"]["get"]["security"]
    assert {} not in spec["paths"]["/v1/orders"]["post"]["security"]
    assert {"HTTPBearer": []} in spec["paths"]["/v1/orders"]["post"]["security"]


@pytest.mark.parametrize(
    ("kind", "fields"), [("foot", set()), ("face", {"skin_type"}), ("body", {"height_cm"})]
)
def test_the_scan_routes_declare_their_multipart_body(
    client: TestClient, kind: str, fields: set[str]
) -> None:
    body = client.get("/openapi.json").json()["paths"][f"/v1/scan/{kind}"]["post"]["requestBody"]

    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["image"] == schema["properties"]["image"] | {
        "type": "string",
        "format": "binary",
    }
    assert {"image", "user_id"} | fields <= set(schema["properties"])
    assert "image" in schema["required"]


def test_no_parameter_admits_null_since_a_query_or_header_is_left_out_instead(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()

    nullable = [
        (method, path, parameter["name"])
        for path, method, op in operations(spec)
        for parameter in op.get("parameters", [])
        if {"type": "null"} in parameter["schema"].get("anyOf", [])
    ]
    assert nullable == []
    [amount] = [p for p in spec["paths"]["/v1/products"]["get"]["parameters"] if p["name"] == "max_price_inr"]
    assert amount["schema"] | {"description": None, "title": None} == {
        "type": "number",
        "minimum": 0,
        "maximum": 999999999999.99,
        "description": None,
        "title": None,
    }


def test_the_values_the_api_checks_against_data_are_listed(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    order = schemas["PlaceOrderBody"]["properties"]
    assert order["payment_method"]["enum"] == ["cod"]  # the running app's gateway
    assert {"mumbai", "delhi", "panaji"} <= set(order["region"]["enum"])
    assert set(schemas["ThreadCreate"]["properties"]["graph"]["enum"]) == {"chat", "checkout", "sitegen"}
    assert schemas["OtpRequest"]["properties"]["phone"]["pattern"].startswith("^")
