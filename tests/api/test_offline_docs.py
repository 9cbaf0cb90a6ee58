"""The API's documentation works with no network: /docs (Swagger UI) and /redoc load every script, stylesheet
and icon from the app itself, and no page the API serves points a browser at another host."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)

DOC_PAGES = ["/docs", "/redoc", "/docs/oauth2-redirect"]
# What a browser fetches: src/href attributes, ReDoc's spec-url, Swagger UI's `url:` option, CSS url().
REFERENCE = re.compile(
    r"""(?:\b(?:src|href|spec-url)\s*=\s*["']([^"']+)["'])|(?:\burl:\s*["']([^"']+)["'])|(?:url\(\s*["']?([^"')]+))"""
)
OUTSIDE_URL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)


def references(text: str) -> list[str]:
    return [next(group for group in match.groups() if group) for match in REFERENCE.finditer(text)]


def fetched_assets(client: TestClient, page: str) -> dict[str, str]:
    """Every asset `page` references, fetched the way a browser would (CSS references followed too)."""
    seen: dict[str, str] = {}
    pending = [(page, reference) for reference in references(client.get(page).text)]
    while pending:
        base, reference = pending.pop()
        if reference.startswith(("data:", "#")):
            continue
        assert not OUTSIDE_URL.match(reference), f"{base} references {reference}, on another host"
        path = urlsplit(urljoin(f"http://testserver{base}", reference)).path
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, f"{base} references {path}, which answers {response.status_code}"
        seen[path] = response.headers["content-type"]
        if "css" in seen[path]:
            pending.extend((path, nested) for nested in references(response.text))
    return seen


@pytest.mark.parametrize("page", DOC_PAGES)
def test_doc_pages_load_every_asset_from_the_app(client: TestClient, page: str) -> None:
    response = client.get(page)

    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert not OUTSIDE_URL.search(response.text), OUTSIDE_URL.findall(response.text)
    fetched_assets(client, page)


def test_swagger_ui_loads_its_bundle_and_the_spec_from_the_app(client: TestClient) -> None:
    assets = fetched_assets(client, "/docs")

    assert {"/static-offline-docs/swagger-ui-bundle.js", "/static-offline-docs/swagger-ui.css"} <= set(assets)
    assert "/openapi.json" in assets
    # The online validator badge would send the spec's address to swagger.io.
    assert '"validatorUrl": null' in client.get("/docs").text


def test_redoc_loads_its_script_and_no_web_fonts(client: TestClient) -> None:
    assets = fetched_assets(client, "/redoc")

    assert "/static-offline-docs/redoc.standalone.js" in assets
    assert "fonts.googleapis.com" not in client.get("/redoc").text


def test_no_page_the_api_serves_at_a_fixed_path_references_another_host(client: TestClient) -> None:
    """Every GET route without path parameters (the API's own from its schema, the doc pages), as served."""
    schema = client.get("/openapi.json").json()
    api_paths = [path for path, methods in schema["paths"].items() if "get" in methods and "{" not in path]
    page_paths = [
        route.path
        for route in client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and "GET" in (route.methods or ()) and "{" not in route.path
    ]
    assert set(DOC_PAGES) | {"/openapi.json"} <= set(page_paths)
    assert "/health" in api_paths

    for path in [*page_paths, *api_paths]:
        body = client.get(path).text
        assert not OUTSIDE_URL.search(body), f"{path}: {OUTSIDE_URL.findall(body)}"
