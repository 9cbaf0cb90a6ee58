from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import tokens_for

# The HTTP layer under test behaves the same on every store; the store-specific paths are in routes/.
pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)

HEX_ID = re.compile(r"[0-9a-f]{32}")


def log_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_a_valid_correlation_id_is_echoed_on_success_and_on_errors(client: TestClient) -> None:
    sent = {"X-Correlation-ID": "checkout-7f3a:retry.2"}

    ok = client.get("/health", headers=sent)
    missing = client.get("/v1/products/nope", headers=sent)

    assert ok.headers["X-Correlation-ID"] == "checkout-7f3a:retry.2"
    assert missing.headers["X-Correlation-ID"] == "checkout-7f3a:retry.2"
    assert missing.json()["error"]["correlation_id"] == "checkout-7f3a:retry.2"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Correlation-ID": "x" * 129},
        {"X-Correlation-ID": "has spaces"},
        {"X-Correlation-ID": "<script>"},
    ],
    ids=["absent", "too-long", "spaces", "markup"],
)
def test_a_missing_or_unsafe_correlation_id_is_replaced_by_a_fresh_one(
    client: TestClient, headers: dict[str, str]
) -> None:
    first = client.get("/health", headers=headers).headers["X-Correlation-ID"]
    second = client.get("/health", headers=headers).headers["X-Correlation-ID"]

    assert HEX_ID.fullmatch(first)
    assert HEX_ID.fullmatch(second)
    assert first != second


def test_each_request_writes_one_access_log_line_with_its_correlation_id(
    client: TestClient, json_log: io.StringIO
) -> None:
    client.get("/v1/products", params={"q": "shoe"}, headers={"X-Correlation-ID": "trace-access-1"})

    access = [line for line in log_lines(json_log) if line["logger"] == "pakka.access"]
    assert len(access) == 1
    line = access[0]
    assert line["correlation_id"] == "trace-access-1"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/v1/products", 200)
    assert line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float)
    assert line["message"] == "GET /v1/products 200"


def test_the_access_log_names_the_route_template_not_the_user_id_in_the_path(
    client: TestClient, json_log: io.StringIO
) -> None:
    client.delete("/v1/users/shopper-9431", headers=tokens_for(client).shopper("shopper-9431"))

    access = [line for line in log_lines(json_log) if line["logger"] == "pakka.access"]
    assert access[0]["path"] == "/v1/users/{user_id}"
    server_lines = [line for line in log_lines(json_log) if line["logger"].startswith("pakka")]
    assert server_lines and "shopper-9431" not in json.dumps(server_lines)


def test_logs_written_inside_a_handler_carry_the_requests_correlation_id(
    client: TestClient, json_log: io.StringIO
) -> None:
    def handler_that_logs() -> dict[str, str]:
        logging.getLogger("pakka.test").warning("inside the handler", extra={"step": "charge"})
        return {"ok": "yes"}

    client.app.add_api_route("/test/log", handler_that_logs)

    client.get("/test/log", headers={"X-Correlation-ID": "trace-handler-1"})

    inside = [line for line in log_lines(json_log) if line["logger"] == "pakka.test"]
    assert inside == [
        {
            "ts": inside[0]["ts"],
            "level": "WARNING",
            "logger": "pakka.test",
            "message": "inside the handler",
            "correlation_id": "trace-handler-1",
            "step": "charge",
        }
    ]


def test_an_unexpected_error_is_logged_with_its_traceback_and_correlation_id(
    client: TestClient, json_log: io.StringIO
) -> None:
    def crash() -> None:
        raise RuntimeError("boom")

    client.app.add_api_route("/test/crash", crash)

    response = client.get("/test/crash", headers={"X-Correlation-ID": "trace-crash-1"})

    assert response.status_code == 500
    errors = [line for line in log_lines(json_log) if line["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["correlation_id"] == "trace-crash-1"
    assert "RuntimeError: boom" in errors[0]["exc_info"]
    access = [line for line in log_lines(json_log) if line["logger"] == "pakka.access"]
    assert access[0]["status"] == 500


@pytest.fixture
def small_limit_client(start_client: Callable[..., TestClient]) -> TestClient:
    """The app with a 1 KiB body limit, signed in as shopper u1."""
    client = start_client(max_body_bytes=1024)
    client.headers.update(tokens_for(client).shopper("u1"))
    return client


def padded_order(size: int) -> bytes:
    """A valid order body padded with whitespace to `size` bytes."""
    body = json.dumps(
        {
            "region": "mumbai",
            "items": [{"product_id": "shoe-run", "size": "UK8", "quantity": 1}],
        }
    ).encode()
    return body + b" " * (size - len(body))


def chunks(body: bytes, chunk_size: int = 256) -> Iterator[bytes]:
    for start in range(0, len(body), chunk_size):
        yield body[start : start + chunk_size]


def assert_payload_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "PAYLOAD_TOO_LARGE"
    assert error["correlation_id"] == response.headers["X-Correlation-ID"]


def test_a_body_declared_larger_than_the_limit_is_413_and_never_reaches_the_route(
    small_limit_client: TestClient,
) -> None:
    response = small_limit_client.post(
        "/v1/orders", content=padded_order(1025), headers={"Content-Type": "application/json"}
    )

    assert_payload_too_large(response)
    assert small_limit_client.get("/v1/orders").json() == {"items": []}


def test_a_chunked_body_is_counted_as_it_streams_and_cut_off_at_the_limit(
    small_limit_client: TestClient,
) -> None:
    response = small_limit_client.post(
        "/v1/orders", content=chunks(padded_order(4096)), headers={"Content-Type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    assert_payload_too_large(response)
    assert small_limit_client.get("/v1/orders").json() == {"items": []}


def test_bodies_up_to_the_limit_are_accepted_declared_or_chunked(small_limit_client: TestClient) -> None:
    declared = small_limit_client.post(
        "/v1/orders", content=padded_order(1024), headers={"Content-Type": "application/json"}
    )
    chunked = small_limit_client.post(
        "/v1/orders", content=chunks(padded_order(1024)), headers={"Content-Type": "application/json"}
    )

    assert (declared.status_code, chunked.status_code) == (201, 201)
