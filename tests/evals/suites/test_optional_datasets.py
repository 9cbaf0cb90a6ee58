"""Without the shared data, the suites whose other parts are the project's own still run those parts and say
which were skipped: retrieval keeps the KB questions, explanations the decision and demo price notes, intent
the Hinglish sets; pricing, which has nothing of its own, is skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals.runner.records import SuiteRecord
from evals.runner.run import RunOptions, run_suite
from evals.suites import registry


@pytest.fixture(autouse=True)
def no_shared_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAKKA_SHARED_DATA", str(tmp_path / "empty"))


def smoke(name: str, scratch: Path) -> tuple[SuiteRecord, list[dict[str, Any]]]:
    suite = registry.load(name).suite
    assert suite is not None
    return run_suite(suite, RunOptions(suites=[name], smoke=True), scratch)


def test_retrieval_runs_the_kb_questions_and_notes_that_esci_was_skipped(tmp_path: Path) -> None:
    record, items = smoke("retrieval", tmp_path)

    assert record.status == "passed", (record.reason, record.notes)
    assert list(record.skipped_parts) == ["esci"]
    assert record.skipped_parts["esci"].startswith("ESCI product search skipped")
    assert record.metric("kb/hit@5") is not None and record.metric("kb/hit@5").value is not None  # type: ignore[union-attr]
    assert record.metric("esci/ndcg@10") is None
    assert not [note for note in record.notes if "not measured" in note]
    assert {row["dataset"] for row in items} == {"kb"}
    assert list(record.datasets) == ["kb-questions"]


def test_explanations_run_offline_and_note_the_skipped_held_out_listings(tmp_path: Path) -> None:
    record, items = smoke("explanations", tmp_path)

    assert record.status == "passed", (record.reason, record.notes)
    assert set(record.skipped_parts) == {"mercari", "thredup"}
    assert all(record.metric(name) for name in ("decision/number_support_rate", "pricing/items"))
    assert {row["graph"] for row in items} == {"decision", "pricing"}
    assert all(not str(row["id"]).startswith(("mercari", "thredup")) for row in items)


def test_intent_runs_the_hinglish_sets_without_webshop(tmp_path: Path) -> None:
    record, _ = smoke("intent", tmp_path)

    assert record.status == "passed", (record.reason, record.notes)
    assert list(record.skipped_parts) == ["webshop"]
    assert record.metric("holdout/field_accuracy") is not None
    assert record.metric("webshop/attribute_recall") is None


def test_pricing_without_either_dataset_is_skipped_with_both_named(tmp_path: Path) -> None:
    record, _ = smoke("pricing", tmp_path)

    assert record.status == "skipped"
    assert "mercari" in record.reason and "thredup" in record.reason
