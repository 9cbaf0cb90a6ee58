"""Every failure answers in one shape, `{"error": {code, message, details, correlation_id}}`, and bad input is
always a 4xx, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from api.errors import STATUS_BY_ERROR
from core.errors import PakkaError, StoreUnavailable
from tests.api.conftest import Tokens
from tools.vision.errors import ScanRejected

# The HTTP layer under test behaves the same on every store; the store-specific paths are in routes/.
pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)

VALID_ORDER: dict[str, Any] = {
    "region": "mumbai",
    "payment_method": "cod",
    "items": [{"product_id": "shoe-run", "size": "UK8", "quantity": 1}],
}


def order_with(**changes: Any) -> dict[str, Any]:
    return VALID_ORDER | changes


def line_with(**changes: Any) -> dict[str, Any]:
    return order_with(items=[VALID_ORDER["items"][0] | changes])


def assert_error_shape(response: Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details", "correlation_id"}
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["details"], dict)
    assert error["correlation_id"] == response.headers["X-Correlation-ID"]
    return error


BAD_ORDERS: list[Any] = [
    pytest.param({"content": b'{"region": "mumbai", "items": ['}, 400, "MALFORMED_JSON", id="malformed-json"),
    pytest.param({"content": b'{"region": "\xff"}'}, 400, "MALFORMED_JSON", id="not-utf8"),
    pytest.param({"content": b'{"region": "mumbai",}'}, 400, "MALFORMED_JSON", id="trailing-comma"),
    pytest.param({"content": b"{'region': 'mumbai'}"}, 400, "MALFORMED_JSON", id="single-quotes"),
    pytest.param({"json": ["not", "an", "object"]}, 422, "VALIDATION_ERROR", id="array-body"),
    pytest.param({"content": b""}, 422, "VALIDATION_ERROR", id="empty-body"),
    pytest.param({"json": line_with(quantity="two")}, 422, "VALIDATION_ERROR", id="quantity-not-a-number"),
    pytest.param({"json": line_with(quantity=True)}, 422, "VALIDATION_ERROR", id="quantity-true"),
    pytest.param({"json": line_with(quantity="1")}, 422, "VALIDATION_ERROR", id="quantity-a-string"),
    pytest.param({"json": line_with(quantity=1.0)}, 422, "VALIDATION_ERROR", id="quantity-a-float"),
    pytest.param({"json": order_with(items="shoe-run")}, 422, "VALIDATION_ERROR", id="items-not-a-list"),
    pytest.param({"json": order_with(user_id=42)}, 422, "VALIDATION_ERROR", id="user-id-not-a-string"),
    pytest.param({"json": line_with(quantity=-1)}, 422, "VALIDATION_ERROR", id="negative-quantity"),
    pytest.param({"json": line_with(quantity=0)}, 422, "VALIDATION_ERROR", id="zero-quantity"),
    pytest.param({"json": line_with(quantity=21)}, 422, "VALIDATION_ERROR", id="quantity-over-20"),
    pytest.param({"json": order_with(items=[])}, 422, "VALIDATION_ERROR", id="no-items"),
    pytest.param({"json": order_with(region="Mumbai City")}, 422, "VALIDATION_ERROR", id="bad-region"),
    pytest.param({"json": order_with(region="atlantis")}, 422, "INVALID_INPUT", id="unknown-region"),
    pytest.param({"json": order_with(coupon="FREE")}, 422, "VALIDATION_ERROR", id="unknown-field"),
    pytest.param({"json": line_with(product_id="no-such-shoe")}, 404, "NOT_FOUND", id="unknown-product"),
    pytest.param({"json": line_with(size="UK12")}, 422, "INVALID_INPUT", id="unknown-size"),
    pytest.param({"json": order_with(payment_method="bitcoin")}, 422, "INVALID_INPUT", id="unknown-payment"),
    pytest.param(
        {"json": VALID_ORDER, "headers": {"Idempotency-Key": "k" * 256}},
        422,
        "VALIDATION_ERROR",
        id="long-key",
    ),
    pytest.param(
        {"json": VALID_ORDER, "headers": {"X-Tenant-ID": "Not A Tenant"}},
        422,
        "VALIDATION_ERROR",
        id="bad-tenant",
    ),
    pytest.param(
        {"content": json.dumps(VALID_ORDER), "headers": {"Content-Type": "text/plain"}},
        422,
        "VALIDATION_ERROR",
        id="not-json-content-type",
    ),
]


@pytest.mark.parametrize(("request_kwargs", "status", "code"), BAD_ORDERS)
def test_bad_order_requests_get_a_4xx_in_the_error_shape(
    client: TestClient, auth: Tokens, request_kwargs: dict[str, Any], status: int, code: str
) -> None:
    kwargs = dict(request_kwargs)
    kwargs["headers"] = auth.shopper("u1") | kwargs.get("headers", {})
    if "content" in kwargs:
        kwargs["headers"] = {"Content-Type": "application/json"} | kwargs["headers"]

    response = client.post("/v1/orders", **kwargs)

    assert_error_shape(response, status, code)
    assert client.get("/v1/orders", headers=auth.shopper("u1")).json() == {"items": []}


def test_malformed_json_reports_where_parsing_stopped(client: TestClient, auth: Tokens) -> None:
    response = client.post(
        "/v1/orders", content=b'{"region": }', headers={"Content-Type": "application/json"} | auth.shopper()
    )

    error = assert_error_shape(response, 400, "MALFORMED_JSON")
    assert error["details"]["position"] == 11


def test_validation_errors_list_each_field_without_echoing_input(client: TestClient, auth: Tokens) -> None:
    response = client.post(
        "/v1/orders", json=line_with(quantity=-1, size="UK 8 \u0000"), headers=auth.shopper("u1")
    )

    error = assert_error_shape(response, 422, "VALIDATION_ERROR")
    fields = {tuple(item["loc"]): item for item in error["details"]["errors"]}
    assert set(fields) == {("body", "items", "0", "quantity"), ("body", "items", "0", "size")}
    assert all(set(item) == {"loc", "message", "type"} for item in fields.values())


def test_unknown_route_is_404_and_wrong_method_is_405(client: TestClient) -> None:
    assert_error_shape(client.get("/v1/nothing-here"), 404, "NOT_FOUND")
    not_allowed = client.delete("/v1/products")
    assert_error_shape(not_allowed, 405, "METHOD_NOT_ALLOWED")
    assert not_allowed.headers["Allow"] == "GET"


class UnmappedError(PakkaError):
    code = "SOMETHING_ODD"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (cls("refused", {"why": "test"}), status)
        for cls, status in STATUS_BY_ERROR.items()
        if cls
        not in {StoreUnavailable, ScanRejected}  # ScanRejected(reason, message, suggestions): scan tests
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_domain_errors_map_to_their_status_and_keep_code_and_details(
    client: TestClient, error: PakkaError, status: int
) -> None:
    def fail() -> None:
        raise error

    client.app.add_api_route("/test/fail", fail)

    body = assert_error_shape(client.get("/test/fail"), status, error.code)
    assert (body["message"], body["details"]) == ("refused", {"why": "test"})


def test_store_outage_is_503_without_the_backend_message(client: TestClient) -> None:
    def fail() -> None:
        raise StoreUnavailable("connection to 10.0.0.7:5432 refused", {"host": "10.0.0.7"})

    client.app.add_api_route("/test/fail", fail)

    error = assert_error_shape(client.get("/test/fail"), 503, "STORE_UNAVAILABLE")
    assert "10.0.0.7" not in json.dumps(error)


@pytest.mark.parametrize("exception", [RuntimeError("password=hunter2"), UnmappedError("password=hunter2")])
def test_unexpected_exceptions_are_500_internal_without_internals(
    client: TestClient, exception: Exception
) -> None:
    def crash() -> None:
        raise exception

    client.app.add_api_route("/test/crash", crash)

    response = client.get("/test/crash")

    error = assert_error_shape(response, 500, "INTERNAL")
    assert "hunter2" not in response.text
    assert error["details"] == {}
