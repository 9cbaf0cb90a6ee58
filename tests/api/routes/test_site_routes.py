"""The site wizard over HTTP, on the rules tier with the real validators (html-validate, axe-core in
Chromium): POST /v1/sites -> the review interrupt -> approve through the thread endpoints -> a validated
draft served under /sites/{id}/ -> publish -> the products are searchable in the new tenant and an order for
one of them is CONFIRMED; the owner is the tenant's merchant."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.settings import Settings
from domain.sites.browser import find_chromium, find_html_validate
from tests.api.conftest import seed_catalog, store_of, tokens_for
from tests.api.sse import parse_sse
from tests.conftest import unless_installed

pytestmark = unless_installed(
    find_chromium() is None or find_html_validate() is None,
    "needs Debian's chromium and npm's html-validate (scripts/test.sh installs both)",
)

OWNER = "owner-1"
KIRANA = (
    "Sharma Kirana, fresh vegetables and daily groceries in Indore, home delivery in 2 hours, UPI and cash"
)


@pytest.fixture
def client(sqlite_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_settings)) as started:
        seed_catalog(store_of(started.app), sqlite_settings.default_tenant)
        yield started


def wait_for(client: TestClient, site_id: str, headers: dict[str, str], statuses: set[str]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        view = client.get(f"/v1/sites/{site_id}", headers=headers).json()
        if view["status"] in statuses:
            return view
        assert view["status"] not in {"FAILED", "REJECTED"}, view
        time.sleep(0.2)
    raise AssertionError(f"site {site_id} never reached {statuses}")


def test_wizard_review_publish_search_and_order(client: TestClient) -> None:
    tokens = tokens_for(client)
    owner = tokens.shopper(OWNER)
    created = client.post("/v1/sites", json={"description": KIRANA, "phone": "98270 12345"}, headers=owner)
    assert created.status_code == 202, created.text
    site_id, thread_id = created.json()["site_id"], created.json()["thread_id"]

    view = wait_for(client, site_id, owner, {"AWAITING_REVIEW"})
    question = view["pending_interrupt"]
    assert question["action_requests"][0]["name"] == "review_site"
    assert view["sector"] == "grocery" and view["sector_confidence"] >= 0.9

    answer = client.post(
        f"/v1/threads/{thread_id}/resume/stream",
        json={"interrupt_id": question["id"], "decisions": [{"type": "approve"}]},
        headers=owner,
    )
    events = parse_sse(answer.text)
    assert [name for name, _ in events][-1] == "done"
    assert {"node": "validate"} in [data for name, data in events if name == "progress"]
    assert [data for name, data in events if name == "result"][-1]["status"] == "DRAFT"

    view = client.get(f"/v1/sites/{site_id}", headers=owner).json()
    assert view["status"] == "DRAFT"
    validation = view["validation"]
    assert validation["passed"] and validation["complete"], validation["findings"]
    assert validation["conformance_errors"] == 0 and validation["axe_serious_or_critical"] == 0
    assert sorted(view["screenshots"]) == sorted(
        f"/sites/{site_id}/screenshots/{page}-{width}.png"
        for page in ("index", "products")
        for width in (390, 1280)
    )

    home = client.get(f"/sites/{site_id}/")
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    assert home.headers["cache-control"] == "no-cache" and "Sharma Kirana" in home.text
    css = client.get(f"/sites/{site_id}/style.css")
    assert css.headers["content-type"].startswith("text/css")
    assert (
        client.get(f"/sites/{site_id}/style.css", headers={"If-None-Match": css.headers["etag"]}).status_code
        == 304
    )
    shot = client.get(view["screenshots"][0])
    assert shot.headers["content-type"] == "image/png" and shot.content.startswith(b"\x89PNG")
    assert client.get(f"/sites/{site_id}/../secrets").status_code == 404
    assert client.get(f"/v1/sites/{site_id}", headers=tokens.shopper("someone-else")).status_code == 404

    published = client.post(f"/v1/sites/{site_id}/publish", headers=owner)
    assert published.status_code == 200, published.text
    tenant_id = published.json()["tenant_id"]
    assert published.json()["status"] == "PUBLISHED"
    assert client.get(f"/sites/{site_id}/index.html").headers["cache-control"] == "public, max-age=300"

    found = client.get(
        "/v1/products", params={"q": "basmati", "region": "indore"}, headers={"X-Tenant-ID": tenant_id}
    )
    assert found.status_code == 200, found.text
    product = found.json()["items"][0]
    assert product["name"] == "Basmati Rice" and product["brand"] == "Sharma Kirana"

    shopper = tokens.shopper("buyer-1", tenant_id=tenant_id)
    order = client.post(
        "/v1/orders",
        json={
            "items": [{"product_id": product["id"], "size": product["sizes"][0], "quantity": 2}],
            "region": "indore",
            "payment_method": "cod",
        },
        headers={**shopper, "Idempotency-Key": "site-order-1"},
    )
    assert order.status_code == 201, order.text
    assert order.json()["status"] == "CONFIRMED"

    services = client.app.state.services
    assert services.identity.role_of(tenant_id, OWNER).value == "merchant"
    merchant_orders = client.get(
        "/v1/orders", params={"user_id": "buyer-1"}, headers=tokens.merchant(tenant_id, OWNER)
    )
    assert merchant_orders.status_code == 200, merchant_orders.text
