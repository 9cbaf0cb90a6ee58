"""`pakka pricing import`, `validate` and `dead-letters` run as commands against each store."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from core.cli_support import console
from core.records.sales import DeadLetter
from core.schemas import Tenant
from core.settings import Settings
from core.storage.factory import open_store
from domain.pricing.cli import pricing_app
from tests.core.storage.factories import at

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


def import_into_resale(env: dict[str, str], history_file: Path) -> Result:
    return runner.invoke(
        pricing_app, ["import", str(history_file), "--format", "mercari", "--tenant", "resale"], env=env
    )


def test_import_loads_the_file_and_prints_what_was_skipped(
    env: dict[str, str], settings: Settings, history_file: Path
) -> None:
    result = import_into_resale(env, history_file)

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
    import_into_resale(env, history_file)

    result = runner.invoke(pricing_app, ["validate"], env=env)

    assert result.exit_code == 0, result.output
    assert "tenant resale: consistent" in result.output
    assert "sold items" in result.output


def test_validate_exits_1_when_a_tenant_is_inconsistent(
    env: dict[str, str], settings: Settings, history_file: Path
) -> None:
    import_into_resale(env, history_file)
    store = open_store(settings)
    try:
        store.sales.put_embeddings("resale", {"ghost": b"\x00\x00\x80\x3f"})
    finally:
        store.close()

    result = runner.invoke(pricing_app, ["validate", "--tenant", "resale"], env=env)

    assert result.exit_code == 1
    assert "INCONSISTENT" in result.output


def record_letters(settings: Settings, *letters: DeadLetter) -> None:
    store = open_store(settings)
    try:
        store.tenants.put(Tenant(id="demo", name="Demo"))
        for letter in letters:
            store.sales.record_dead_letter(letter)
    finally:
        store.close()


def letter(event_id: str, event_type: str, minute: int, failed_minute: int | None = None) -> DeadLetter:
    """A letter of an event that happened at 10:`minute`, failed at `at(failed_minute)` (default: minute)."""
    payload: dict[str, Any] = {
        "event_id": event_id,
        "type": event_type,
        "listing_id": "l-1",
        "occurred_at": f"2025-03-01T10:{minute:02d}:00Z",
    }
    if event_type == "product.listed":
        payload["product"] = {"title": "Kurta", "category": "women/kurtas", "condition": "good", "price": 799}
    return DeadLetter(
        tenant_id="demo",
        event_id=event_id,
        payload=payload,
        error_code="STORE_UNAVAILABLE",
        reason="DynamoDB sales.apply_event failed: ThrottlingException",
        failed_at=at(minute if failed_minute is None else failed_minute),
    )


def test_dead_letters_list_prints_each_letter_with_its_error(
    env: dict[str, str], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_letters(settings, letter("ev-1", "product.listed", 0), letter("ev-2", "product.sold", 1))
    monkeypatch.setattr(console, "_width", 200)  # a terminal wide enough to keep each cell on one line

    result = runner.invoke(pricing_app, ["dead-letters", "list"], env=env)

    assert result.exit_code == 0, result.output
    assert "ev-1" in result.output and "ev-2" in result.output
    assert result.output.count("STORE_UNAVAILABLE") == 2
    assert result.output.index("ev-2") < result.output.index("ev-1")  # newest first


def test_dead_letters_list_says_so_when_there_are_none(env: dict[str, str], settings: Settings) -> None:
    record_letters(settings)

    result = runner.invoke(pricing_app, ["dead-letters", "list"], env=env)

    assert result.exit_code == 0
    assert "no dead letters" in result.output


def test_replay_of_one_event_applies_it_and_removes_only_its_letter(
    env: dict[str, str], settings: Settings
) -> None:
    record_letters(settings, letter("ev-1", "product.listed", 0), letter("ev-2", "product.sold", 1))

    result = runner.invoke(pricing_app, ["dead-letters", "replay", "--event-id", "ev-1"], env=env)

    assert result.exit_code == 0, result.output
    assert "1 applied, 0 kept" in result.output
    store = open_store(settings)
    try:
        assert store.sales.get_listing("demo", "l-1") is not None
        assert [kept.event_id for kept in store.sales.list_dead_letters("demo")] == ["ev-2"]
    finally:
        store.close()


def test_replay_all_applies_what_it_can_and_exits_1_keeping_the_rest_with_the_new_error(
    env: dict[str, str], settings: Settings
) -> None:
    record_letters(
        settings,
        letter("ev-2", "product.sold", 5, failed_minute=1),  # failed before its listing did
        letter("ev-1", "product.listed", 2),
        letter("ev-3", "product.updated", 3),  # no product fields: invalid however often it is replayed
    )

    result = runner.invoke(pricing_app, ["dead-letters", "replay", "--all"], env=env)

    assert result.exit_code == 1
    assert "2 applied, 1 kept" in result.output
    store = open_store(settings)
    try:
        listing = store.sales.get_listing("demo", "l-1")
        assert listing is not None and listing.status == "sold"
        [kept] = store.sales.list_dead_letters("demo")
    finally:
        store.close()
    assert (kept.event_id, kept.error_code) == ("ev-3", "INVALID_EVENT")


@pytest.mark.parametrize("arguments", [[], ["--all", "--event-id", "ev-1"]])
def test_replay_needs_exactly_one_of_event_id_and_all(env: dict[str, str], arguments: list[str]) -> None:
    result = runner.invoke(pricing_app, ["dead-letters", "replay", *arguments], env=env)

    assert result.exit_code == 2
    assert "--event-id" in result.output


def test_replay_of_an_event_without_a_letter_exits_1(env: dict[str, str], settings: Settings) -> None:
    record_letters(settings, letter("ev-1", "product.listed", 0))

    result = runner.invoke(pricing_app, ["dead-letters", "replay", "--event-id", "ev-404"], env=env)

    assert result.exit_code == 1
    assert "no dead letter for event ev-404" in result.output


def test_validate_reports_listings_missing_embeddings_when_a_model_is_configured(
    env: dict[str, str], history_file: Path
) -> None:
    import_into_resale(env, history_file)

    without_model = runner.invoke(pricing_app, ["validate", "--tenant", "resale"], env=env)
    with_model = runner.invoke(
        pricing_app, ["validate", "--tenant", "resale"], env=env | {"PAKKA_EMBEDDING_MODEL": "bedrock"}
    )

    assert without_model.exit_code == 0, without_model.output
    assert "(no model configured)" in without_model.output
    assert with_model.exit_code == 1
    assert "INCONSISTENT" in with_model.output
    assert "listings without an embedding (a model is configured)" in with_model.output
