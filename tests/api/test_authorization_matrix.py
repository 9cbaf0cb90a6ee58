"""Who may call what: every route of the app's route table, called by every kind of caller, answers as its
access rule says (api/auth.py). A route missing from `SPECIMENS` fails here, and a route without an access
rule cannot even be mounted (`check_every_route_has_access`).

Callers: no token; shopper u1 (whose order, thread and data the requests name); shopper u2 naming u1's;
the demo shop's merchant; another shop's merchant (its token with `X-Tenant-ID: demo`); an admin; an expired
token; and an access token whose sign-in was revoked (sign-out)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.auth import Access, api_routes, route_access
from tests.api.conftest import OTHER_TENANT, Tokens, seed_other_tenant, store_of, tokens_for
from tests.api.routes.photos import plain_png

pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)

ALLOWED = "allowed"
"""Not refused by authorization (nor a 5xx): what the route then answers depends on the specimen (200, 404,
422, or a 401/403 of its own such as a wrong login code or missing consent)."""
REFUSALS = {
    401: {"UNAUTHENTICATED", "TOKEN_EXPIRED", "INVALID_TOKEN", "SESSION_ENDED", "INVALID_API_KEY"},
    403: {"FORBIDDEN", "TENANT_MISMATCH"},
}


def refused(status: int, code: str | None) -> bool:
    return code in REFUSALS.get(status, set())


@dataclass(frozen=True)
class Specimen:
    """A request to one route, acting on shopper u1's data. `other_shopper`: what shopper u2 gets for it
    (403: it names u1; 404: u1's record is hidden from u2; ALLOWED: it names nobody else)."""

    path: str
    kwargs: Callable[[dict[str, str]], dict[str, Any]]
    other_shopper: int | str = 403


def body(payload: Any) -> Callable[[dict[str, str]], dict[str, Any]]:
    return lambda ids: {"json": payload}


def nothing(ids: dict[str, str]) -> dict[str, Any]:
    return {}


def photo_form(**fields: str) -> Callable[[dict[str, str]], dict[str, Any]]:
    return lambda ids: {
        "files": {"image": ("p.png", plain_png(b"matrix", width=64, height=48), "image/png")},
        "data": {"user_id": "u1", **fields},
    }


def sales_file(ids: dict[str, str]) -> dict[str, Any]:
    header = "train_id\tname\titem_condition_id\tcategory_name\tbrand_name\tprice"
    data = f"{header}\n1\tKurta\t3\twomen/kurtas\tFabindia\t12\n".encode()
    return {"params": {"format": "mercari"}, "files": {"file": ("sales.tsv", data)}}


ORDER = {
    "user_id": "u1",
    "region": "mumbai",
    "items": [{"product_id": "shoe-run", "size": "UK8", "quantity": 1}],
}
EVENT = {
    "event_id": "ev-matrix",
    "type": "product.listed",
    "listing_id": "l-matrix",
    "occurred_at": "2025-03-01T10:00:00Z",
    "product": {
        "title": "Kurta",
        "category": "women/kurtas",
        "brand": "Fabindia",
        "condition": "good",
        "price": 899,
    },
}
LISTING = {"title": "Levi's 511 jeans", "category": "men/jeans", "brand": "Levi's", "condition": "good"}

SPECIMENS: dict[tuple[str, str], Specimen] = {
    ("GET", "/health"): Specimen("/health", nothing, ALLOWED),
    ("POST", "/v1/auth/otp"): Specimen("/v1/auth/otp", body({"phone": "+919876543210"}), ALLOWED),
    ("POST", "/v1/auth/token"): Specimen(
        "/v1/auth/token", body({"phone": "+919876543210", "code": "000000"}), ALLOWED
    ),
    ("POST", "/v1/auth/refresh"): Specimen(
        "/v1/auth/refresh", body({"refresh_token": "demo.unknown.token"}), ALLOWED
    ),
    ("POST", "/v1/auth/logout"): Specimen(
        "/v1/auth/logout", body({"refresh_token": "demo.unknown.token"}), ALLOWED
    ),
    ("POST", "/v1/auth/api-keys"): Specimen("/v1/auth/api-keys", body({"name": "matrix"})),
    ("GET", "/v1/auth/api-keys"): Specimen("/v1/auth/api-keys", nothing),
    ("DELETE", "/v1/auth/api-keys/{key_id}"): Specimen("/v1/auth/api-keys/nokey", nothing),
    ("GET", "/v1/products"): Specimen("/v1/products", nothing, ALLOWED),
    ("GET", "/v1/products/{product_id}"): Specimen("/v1/products/shoe-run", nothing, ALLOWED),
    ("GET", "/v1/inventory/{product_id}"): Specimen("/v1/inventory/shoe-run", nothing, ALLOWED),
    ("POST", "/v1/orders"): Specimen("/v1/orders", body(ORDER)),
    ("GET", "/v1/orders"): Specimen("/v1/orders", lambda ids: {"params": {"user_id": "u1"}}),
    ("GET", "/v1/orders/{order_id}"): Specimen("/v1/orders/{order}", nothing, 404),
    ("POST", "/v1/orders/{order_id}/cancel"): Specimen("/v1/orders/{order}/cancel", nothing, 404),
    ("POST", "/v1/consent"): Specimen("/v1/consent", body({"user_id": "u1", "granted": True})),
    ("POST", "/v1/feedback"): Specimen(
        "/v1/feedback",
        body({"user_id": "u1", "product_id": "shoe-run", "size": "UK8", "outcome": "kept", "fit": "fit"}),
    ),
    ("DELETE", "/v1/users/{user_id}"): Specimen("/v1/users/u1", nothing),
    ("GET", "/v1/users/{user_id}"): Specimen("/v1/users/u1", nothing),
    ("POST", "/v1/scan/foot"): Specimen("/v1/scan/foot", photo_form()),
    ("POST", "/v1/scan/face"): Specimen("/v1/scan/face", photo_form()),
    ("POST", "/v1/scan/body"): Specimen("/v1/scan/body", photo_form(height_cm="170")),
    ("POST", "/v1/scan/{kind}/check"): Specimen("/v1/scan/foot/check", photo_form()),
    ("POST", "/v1/recommendations"): Specimen(
        "/v1/recommendations", body({"user_id": "u1", "category": "footwear"})
    ),
    ("POST", "/v1/recommendations/stream"): Specimen(
        "/v1/recommendations/stream", body({"user_id": "u1", "category": "footwear"})
    ),
    ("POST", "/v1/pricing/events"): Specimen("/v1/pricing/events", body(EVENT)),
    ("GET", "/v1/pricing/dead-letters"): Specimen("/v1/pricing/dead-letters", nothing),
    ("POST", "/v1/pricing/dead-letters/{letter_id}/replay"): Specimen(
        "/v1/pricing/dead-letters/dlq-none/replay", nothing
    ),
    ("POST", "/v1/pricing/import"): Specimen("/v1/pricing/import", sales_file),
    ("POST", "/v1/pricing/suggest"): Specimen("/v1/pricing/suggest", body(LISTING)),
    ("POST", "/v1/pricing/suggest/stream"): Specimen("/v1/pricing/suggest/stream", body(LISTING)),
    ("POST", "/v1/threads"): Specimen("/v1/threads", body({"graph": "checkout", "user_id": "u1"})),
    ("POST", "/v1/threads/{thread_id}/runs/stream"): Specimen(
        "/v1/threads/{thread}/runs/stream", body({"input": {}, "user_id": "u1"})
    ),
    ("POST", "/v1/threads/{thread_id}/resume/stream"): Specimen(
        "/v1/threads/{thread}/resume/stream",
        body({"interrupt_id": "nope", "decisions": [{"type": "approve"}], "user_id": "u1"}),
    ),
    ("GET", "/v1/threads/{thread_id}"): Specimen(
        "/v1/threads/{thread}", lambda ids: {"params": {"user_id": "u1"}}
    ),
    ("DELETE", "/v1/threads/{thread_id}"): Specimen(
        "/v1/threads/{thread}", lambda ids: {"params": {"user_id": "u1"}}
    ),
    ("POST", "/v1/sites"): Specimen("/v1/sites", body({}), ALLOWED),
    ("GET", "/v1/sites"): Specimen("/v1/sites", nothing, ALLOWED),
    ("GET", "/v1/sites/{site_id}"): Specimen("/v1/sites/site-none", nothing, ALLOWED),
    ("POST", "/v1/sites/{site_id}/publish"): Specimen("/v1/sites/site-none/publish", nothing, ALLOWED),
    ("GET", "/sites/{site_id}"): Specimen("/sites/site-none", nothing, ALLOWED),
    ("GET", "/sites/{site_id}/"): Specimen("/sites/site-none/", nothing, ALLOWED),
    ("GET", "/sites/{site_id}/{path:path}"): Specimen("/sites/site-none/index.html", nothing, ALLOWED),
}

CALLERS = [
    "anonymous",
    "shopper_self",
    "shopper_other",
    "merchant_own",
    "merchant_other_tenant",
    "admin",
    "expired",
    "revoked",
]


def expected(access: Access, caller: str, specimen: Specimen) -> int | str:
    if caller in {"expired", "revoked"}:
        return 401
    if caller == "merchant_other_tenant":
        return 403  # TENANT_MISMATCH, on every route
    if access is Access.PUBLIC or caller == "admin":
        return ALLOWED
    if caller == "anonymous":
        return 401
    if caller == "shopper_self":
        return 403 if access is Access.MERCHANT else ALLOWED
    if caller == "shopper_other":
        return 403 if access is Access.MERCHANT else specimen.other_shopper
    assert caller == "merchant_own"
    return 403 if access is Access.SHOPPER else ALLOWED


class CodeCatcher:
    """An OTP sender that keeps the last code (to sign a shopper in, then out)."""

    code = ""

    def send(self, phone: str, code: str, *, ttl_s: int) -> None:
        self.code = code


def revoked_session(client: TestClient) -> dict[str, str]:
    """The access token of a sign-in that was then signed out."""
    identity = client.app.state.services.identity
    catcher = CodeCatcher()
    identity.sender = catcher
    identity.request_code("demo", "+919812345678")
    pair = identity.sign_in("demo", "+919812345678", catcher.code)
    identity.logout(pair.refresh_token)
    return {"Authorization": f"Bearer {pair.access_token}"}


def caller_headers(client: TestClient, tokens: Tokens, caller: str) -> dict[str, str]:
    return {
        "anonymous": {},
        "shopper_self": tokens.shopper("u1"),
        "shopper_other": tokens.shopper("u2"),
        "merchant_own": tokens.merchant(),
        "merchant_other_tenant": tokens.merchant(OTHER_TENANT) | {"X-Tenant-ID": "demo"},
        "admin": tokens.admin(),
        "expired": tokens.as_("u1", ttl_s=-60),
        "revoked": revoked_session(client) if caller == "revoked" else {},
    }[caller]


def error_code(text: str) -> str | None:
    try:
        return str(json.loads(text)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def u1_records(client: TestClient, tokens: Tokens) -> dict[str, str]:
    """An order and a thread of shopper u1, for the routes that read them by id."""
    u1 = tokens.shopper("u1")
    order = client.post("/v1/orders", json=ORDER, headers=u1)
    thread = client.post("/v1/threads", json={"graph": "checkout"}, headers=u1)
    assert (order.status_code, thread.status_code) == (201, 201), (order.text, thread.text)
    return {"order": order.json()["id"], "thread": thread.json()["thread_id"]}


def test_every_route_is_in_the_matrix_with_one_access_rule(client: TestClient) -> None:
    routes = {
        (method, route.path): route for route in api_routes(client.app.routes) for method in route.methods
    }

    assert sorted(set(routes) - set(SPECIMENS)) == [], "add these routes to SPECIMENS"
    assert sorted(set(SPECIMENS) - set(routes)) == [], "these routes are gone"
    assert all(len(route_access(route)) == 1 for route in routes.values())


@pytest.mark.parametrize("caller", CALLERS)
def test_each_route_answers_each_caller_as_its_access_rule_says(
    client: TestClient, json_log: io.StringIO, caller: str
) -> None:
    seed_other_tenant(store_of(client.app))
    tokens = tokens_for(client)
    ids = u1_records(client, tokens)
    headers = caller_headers(client, tokens, caller)
    client.headers.pop("Authorization", None)

    mismatches = []
    for route in api_routes(client.app.routes):
        [access] = route_access(route)
        for method in sorted(route.methods):
            specimen = SPECIMENS[(method, route.path)]
            want = expected(access, caller, specimen)
            kwargs = specimen.kwargs(ids)
            kwargs["headers"] = kwargs.get("headers", {}) | headers
            response = client.request(method, specimen.path.format(**ids), **kwargs)
            got = response.status_code
            code = error_code(response.text)
            if want == ALLOWED:
                ok = got < 500 and not refused(got, code)
            else:
                ok = got == want and (want == 404 or refused(got, code))
            if not ok:
                mismatches.append((method, route.path, want, got, code))

    assert mismatches == []
