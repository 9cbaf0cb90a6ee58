from __future__ import annotations

import csv
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.cli import app
from core.logging import PakkaLogHandler
from core.settings import Settings
from core.storage.factory import open_store
from graphs.registry import GRAPHS

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run from an empty directory (no stray `.env`) and drop the log handler each command installs."""
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    level = root.level
    yield
    for handler in [h for h in root.handlers if isinstance(h, PakkaLogHandler)]:
        root.removeHandler(handler)
    root.setLevel(level)


def product_count(settings: Settings, tenant_id: str) -> int:
    store = open_store(settings)
    try:
        return store.products.count(tenant_id) if store.tenants.get(tenant_id) else 0
    finally:
        store.close()


# Seeding the demo catalog runs on SQLite only: the commands' part is backend-neutral, and writing the 14k
# demo stock rows into moto takes minutes (tests/core/catalog/test_demo.py seeds both backends).
SQLITE_ONLY = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_db_init_creates_the_store_and_seeds_the_demo_catalog_once(
    settings: Settings, settings_env: dict[str, str]
) -> None:
    first = runner.invoke(app, ["db", "init"], env=settings_env)
    seeded = product_count(settings, "demo")
    second = runner.invoke(app, ["db", "init"], env=settings_env)

    assert first.exit_code == 0, first.output
    assert "seeded the demo catalog" in first.output
    assert seeded > 0
    assert second.exit_code == 0, second.output
    assert "already exists" in second.output
    assert product_count(settings, "demo") == seeded


def test_db_init_without_demo_leaves_the_store_empty(
    settings: Settings, settings_env: dict[str, str]
) -> None:
    result = runner.invoke(app, ["db", "init", "--no-demo"], env=settings_env)

    assert result.exit_code == 0, result.output
    assert "is ready" in result.output
    assert product_count(settings, "demo") == 0


FLIPKART_COLUMNS = [
    "uniq_id", "product_name", "pid", "retail_price", "discounted_price", "is_FK_Advantage_product",
    "product_rating", "overall_rating", "brand", "product_category_tree", "image", "description",
    "product_specifications", "product_url",
]  # fmt: skip

FLIPKART_ROWS = [
    {
        "pid": "SRTEH2FF9KEDEFGF",
        "product_name": "Alisha Solid Women's Cycling Shorts",
        "retail_price": "999",
        "discounted_price": "379",
        "brand": "Alisha",
        "product_category_tree": '["Clothing >> Women\'s Clothing >> Shorts"]',
    },
    {
        "pid": "PSOEH3ZYDMSYARJ5",
        "product_name": "Sicons All Purpose Arnica Dog Shampoo",
        "retail_price": "220",
        "discounted_price": "210",
        "brand": "Sicons",
        "product_category_tree": '["Pet Supplies >> Grooming >> Skin & Coat Care >> Shampoo"]',
    },
    {
        "pid": "SBEEH3QGU7MFYJFY",
        "product_name": "FabHomeDecor Fabric Double Sofa Bed",
        "retail_price": "32157",
        "discounted_price": "22646",
        "brand": "FabHomeDecor",
        "product_category_tree": '["Furniture >> Living Room Furniture >> Sofa Beds & Futons"]',
    },
    {
        "pid": "SHOEH4GRSUBJGZXE",
        "product_name": "AW Bellies",
        "retail_price": "",
        "discounted_price": "",
        "brand": "AW",
        "product_category_tree": '["Footwear >> Women\'s Footwear >> Ballerinas"]',
    },
]


def write_flipkart_csv(path: Path) -> Path:
    """Three importable rows and one without any price, in the Flipkart export's column layout."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FLIPKART_COLUMNS, restval="")
        writer.writeheader()
        for number, row in enumerate(FLIPKART_ROWS):
            writer.writerow(row | {"uniq_id": f"u{number}", "product_rating": "No rating available"})
    return path


def test_catalog_import_loads_a_flipkart_file_and_reports_skips(
    tmp_path: Path, settings: Settings, settings_env: dict[str, str]
) -> None:
    catalog = write_flipkart_csv(tmp_path / "flipkart.csv")

    result = runner.invoke(
        app, ["catalog", "import", str(catalog), "--format", "flipkart", "--tenant", "shop"], env=settings_env
    )

    assert result.exit_code == 0, result.output
    assert "flipkart import into tenant shop: read 4, imported 3, skipped 1" in result.output
    assert "missing_price │    1" in result.output
    assert product_count(settings, "shop") == 3


def test_catalog_import_honours_limit(
    tmp_path: Path, settings: Settings, settings_env: dict[str, str]
) -> None:
    catalog = write_flipkart_csv(tmp_path / "flipkart.csv")

    result = runner.invoke(
        app, ["catalog", "import", str(catalog), "--format", "flipkart", "--limit", "2"], env=settings_env
    )

    assert result.exit_code == 0, result.output
    assert product_count(settings, "demo") == 2


@pytest.mark.parametrize(
    "arguments",
    [
        ["catalog", "import", "missing.csv", "--format", "flipkart"],
        ["catalog", "import", "{catalog}", "--format", "amazon"],
        ["catalog", "import", "{catalog}", "--format", "flipkart", "--tenant", "Bad Tenant"],
        ["catalog", "import", "{catalog}", "--format", "flipkart", "--limit", "0"],
    ],
    ids=["missing-file", "unknown-format", "bad-tenant", "zero-limit"],
)
def test_catalog_import_rejects_bad_arguments_with_usage_errors(
    tmp_path: Path, settings_env: dict[str, str], arguments: list[str]
) -> None:
    catalog = write_flipkart_csv(tmp_path / "flipkart.csv")

    result = runner.invoke(app, [arg.format(catalog=catalog) for arg in arguments], env=settings_env)

    assert result.exit_code == 2


def test_catalog_import_of_a_file_that_is_not_a_flipkart_csv_fails_cleanly(
    tmp_path: Path, settings_env: dict[str, str]
) -> None:
    not_a_catalog = tmp_path / "notes.csv"
    not_a_catalog.write_text("title,price\nkurta,499\n", encoding="utf-8")

    result = runner.invoke(
        app, ["catalog", "import", str(not_a_catalog), "--format", "flipkart"], env=settings_env
    )

    assert result.exit_code == 1
    error = result.output[result.output.index("error: ") :]
    assert error.startswith("error: not a Flipkart catalog CSV (INVALID_INPUT)")
    assert "missing_columns" in error
    assert "{" not in error.splitlines()[0], "the error is words, not JSON"


@pytest.mark.integration
@SQLITE_ONLY
def test_serve_starts_the_api_with_the_demo_catalog(
    tmp_path: Path, settings_env: dict[str, str], unused_tcp_port: int
) -> None:
    pakka = Path(sys.executable).with_name("pakka")
    log_path = tmp_path / "serve.log"
    base_url = f"http://127.0.0.1:{unused_tcp_port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(pakka), "serve", "--host", "127.0.0.1", "--port", str(unused_tcp_port)],
            env=os.environ | settings_env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            health = wait_for_health(base_url, server)
            products = httpx.get(
                f"{base_url}/v1/products", headers={"X-Correlation-ID": "serve-check-1"}, timeout=60
            )
        finally:
            server.terminate()
            server.wait(timeout=60)

    assert (health["status"], health["store"], health["checkpointer"]) == ("ok", "sqlite", "sqlite")
    assert products.json()["total"] > 0
    lines = [json.loads(line) for line in log_path.read_text().splitlines()]
    access = [line for line in lines if line.get("correlation_id") == "serve-check-1"]
    assert [(line["path"], line["status"]) for line in access] == [("/v1/products", 200)]


def wait_for_health(base_url: str, server: subprocess.Popen[bytes]) -> dict[str, str]:
    """Polls /health until the server answers; fails if the process exits first."""
    while server.poll() is None:
        try:
            response = httpx.get(f"{base_url}/health", timeout=60)
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        body: dict[str, str] = response.json()
        return body
    raise AssertionError(f"pakka serve exited with {server.returncode} before answering /health")


def test_graphs_lists_the_registry_with_what_keeps_threads() -> None:
    result = runner.invoke(app, ["graphs", "--json"])

    assert result.exit_code == 0, result.output
    rows = {row["graph"]: row for row in json.loads(result.output)["graphs"]}
    assert set(rows) == set(GRAPHS)
    assert rows["checkout"]["keeps_threads"] is True
    assert "category" in rows["decision"]["input"]
