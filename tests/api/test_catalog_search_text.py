"""Catalog search never silently answers with nothing useful: the text of `q` is read by the project's intent
parser (a price in it caps the price; Hindi and Hinglish words also search as the catalog's English), a query
with nothing to search for is a 422 that says why, and products imported with `pakka catalog import` while the
API runs are found without a restart. On the demo catalog, lexical index (PAKKA_EMBEDDING_MODEL=none)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from api.routes.products import ProductSearchParams
from core.settings import Settings
from tests.api.test_cli_commands import write_flipkart_csv
from tests.api.test_knowledge_startup import lexical, wait_until_loaded

pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)


@pytest.fixture
def demo(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(lexical(settings, seed_demo_data=True))) as client:
        wait_until_loaded(client)
        yield client


def search(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/products", params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


@pytest.mark.parametrize("query", ["😀", "!!!", "🙏🏽 ✨"])
def test_a_query_with_nothing_to_search_for_is_a_422_that_says_why(demo: TestClient, query: str) -> None:
    response = demo.get("/v1/products", params={"q": query})

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert "no letters or digits" in str(error)


@pytest.mark.parametrize(
    "query", ["running shoes under 3000", "running shoes 3 hazaar tak", "running shoes ₹3,000 se kam"]
)
def test_a_price_in_the_text_caps_the_price(demo: TestClient, query: str) -> None:
    page = search(demo, q=query, page_size=50)

    assert page["total"] > 0
    assert all(Decimal(str(item["price_inr"])) <= 3000 for item in page["items"])
    assert all("Running" in item["name"] or "Running" in item["subcategory"] for item in page["items"][:3])
    uncapped = search(demo, q="running shoes", page_size=50)
    assert any(Decimal(str(item["price_inr"])) > 3000 for item in uncapped["items"])


def test_the_lower_of_a_stated_price_and_max_price_inr_wins(settings: Settings) -> None:
    assert (
        ProductSearchParams(q="shoes under 3000", max_price_inr=Decimal(2000)).to_query().max_price_inr
        == 2000
    )
    assert (
        ProductSearchParams(q="shoes under 3000", max_price_inr=Decimal(5000)).to_query().max_price_inr
        == 3000
    )
    assert ProductSearchParams(q="under 3000").to_query().text is None


@pytest.mark.parametrize("query", ["चप्पल", "chappal"])
def test_chappal_in_devanagari_or_latin_finds_sandals_and_chappals(demo: TestClient, query: str) -> None:
    page = search(demo, q=query, page_size=5)

    names = [item["name"] for item in page["items"]]
    assert names, "nothing found"
    assert all("Chappal" in name or "Sandal" in name for name in names), names


def test_products_imported_while_the_api_runs_are_searchable_without_a_restart(
    demo: TestClient, settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    catalog = write_flipkart_csv(tmp_path / "flipkart.csv")
    imported_id = "fk-SRTEH2FF9KEDEFGF"

    def found() -> list[str]:
        return [item["id"] for item in search(demo, q="alisha cycling shorts")["items"]]

    assert imported_id not in found()

    imported = CliRunner().invoke(
        cli, ["catalog", "import", str(catalog), "--format", "flipkart", "--tenant", "demo"], env=settings_env
    )
    assert imported.exit_code == 0, imported.output

    deadline = time.monotonic() + 120
    while imported_id not in found() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert found()[:1] == [imported_id]


def test_imported_products_have_a_size_and_stock_so_they_can_be_ordered(
    demo: TestClient, settings_env: dict[str, str], tmp_path: Path
) -> None:
    catalog = write_flipkart_csv(tmp_path / "flipkart.csv")
    imported = CliRunner().invoke(
        cli, ["catalog", "import", str(catalog), "--format", "flipkart", "--stock", "7"], env=settings_env
    )
    assert imported.exit_code == 0, imported.output
    assert 'got "One Size"' in imported.output

    product = demo.get("/v1/products/fk-SRTEH2FF9KEDEFGF").json()
    stock = demo.get("/v1/inventory/fk-SRTEH2FF9KEDEFGF").json()["items"]

    assert product["sizes"] == ["One Size"] and product["attributes"]["sizes_assumed"] is True
    assert {(row["size"], row["available"]) for row in stock} == {("One Size", 7)}
    assert {row["region"] for row in stock} >= {"mumbai", "delhi", "bengaluru"}
