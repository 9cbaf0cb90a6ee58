"""`pakka pricing import` and `pakka pricing validate` run as commands against each store."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.pricing.cli import pricing_app
from core.settings import Settings
from core.storage.factory import open_store

runner = CliRunner()

ROWS = [
    [
        "train_id",
        "name",
        "item_condition_id",
        "category_name",
        "brand_name",
        "price",
        "shipping",
        "item_description",
    ],
    ["0", "Reds T Shirt", "3", "Men/Tops/T-shirts", "", "10.0", "1", "No description yet"],
    ["1", "Razer Keyboard", "1", "Electronics/Keyboards", "Razer", "52.0", "0", "Great keyboard"],
    ["2", "Free sticker", "2", "Other/Stickers", "", "0", "1", "Zero price"],
]


@pytest.fixture
def env(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The parametrized store as PAKKA_* variables, run from an empty directory (no stray .env)."""
    monkeypatch.chdir(tmp_path)
    names = {"data_dir", "store", "dynamodb_endpoint_url", "dynamodb_region", "dynamodb_table_prefix"}
    values = settings.model_dump(include=names)
    return {f"PAKKA_{name.upper()}": str(value) for name, value in values.items() if value is not None} | {
        "PAKKA_SEED_DEMO_DATA": "false",
        "PAKKA_EMBEDDING_MODEL": "none",
    }


@pytest.fixture
def history_file(tmp_path: Path) -> Path:
    path = tmp_path / "train.tsv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        csv.writer(stream, delimiter="\t").writerows(ROWS)
    return path


def test_import_loads_the_file_and_prints_what_was_skipped(
    env: dict[str, str], settings: Settings, history_file: Path
) -> None:
    result = runner.invoke(
        pricing_app, ["import", str(history_file), "--format", "mercari", "--tenant", "resale"], env=env
    )

    assert result.exit_code == 0, result.output
    assert "read 3, imported 2, embedded 0, skipped 1" in result.output
    assert "price is zero or negative" in result.output
    store = open_store(settings)
    try:
        assert store.sales.count_sold("resale") == 2
    finally:
        store.close()


def test_import_of_a_file_in_another_layout_exits_1_with_the_reason(
    env: dict[str, str], history_file: Path
) -> None:
    result = runner.invoke(pricing_app, ["import", str(history_file), "--format", "thredup"], env=env)

    assert result.exit_code == 1
    assert "missing columns" in result.output


def test_validate_reports_every_tenant_and_exits_0_when_consistent(
    env: dict[str, str], history_file: Path
) -> None:
    runner.invoke(
        pricing_app, ["import", str(history_file), "--format", "mercari", "--tenant", "resale"], env=env
    )

    result = runner.invoke(pricing_app, ["validate"], env=env)

    assert result.exit_code == 0, result.output
    assert "tenant resale: consistent" in result.output
    assert "sold items" in result.output


def test_validate_exits_1_when_a_tenant_is_inconsistent(
    env: dict[str, str], settings: Settings, history_file: Path
) -> None:
    runner.invoke(
        pricing_app, ["import", str(history_file), "--format", "mercari", "--tenant", "resale"], env=env
    )
    store = open_store(settings)
    try:
        store.sales.put_embeddings("resale", {"ghost": b"\x00\x00\x80\x3f"})
    finally:
        store.close()

    result = runner.invoke(pricing_app, ["validate", "--tenant", "resale"], env=env)

    assert result.exit_code == 1
    assert "INCONSISTENT" in result.output
