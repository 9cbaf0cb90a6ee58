"""`pakka models status|invoke`: the router as seen from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agents.cli import models_app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "PAKKA_MODEL_TIERS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.chdir(tmp_path)


def test_status_lists_every_tier_with_its_state() -> None:
    result = runner.invoke(models_app, ["status", "--json"])

    assert result.exit_code == 0, result.output
    tiers = json.loads(result.output)["tiers"]
    assert [row["state"] for row in tiers] == ["no credentials"] * 4 + ["available"]
    assert tiers[-1]["tier"] == "rules"


def test_invoke_prints_the_answering_tier_attempts_latency_and_cost() -> None:
    result = runner.invoke(models_app, ["invoke", "Nike running shoes under 4000", "--json"])

    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert {"tier", "text", "attempts", "latency_ms", "cost_usd"} <= set(summary)
    assert summary["tier"] == "rules"
    assert "running shoes" in summary["text"] and "₹4,000" in summary["text"]
    assert [attempt["error"] for attempt in summary["attempts"]] == ["NoCredentials"] * 4 + [None]
    assert set(summary["attempts"][0]) == {"tier", "error", "latency_ms"}
    assert summary["cost_usd"] == 0.0


def test_invoke_with_no_working_tier_exits_non_zero_with_the_attempts(tmp_path: Path) -> None:
    result = runner.invoke(
        models_app, ["invoke", "hi", "--json", "--tiers", f"llamacpp:{tmp_path / 'x.gguf'}"]
    )

    assert result.exit_code == 1
    error = json.loads(result.output)["error"]
    assert error["code"] == "MODEL_UNAVAILABLE"
    assert error["attempts"][0]["error"] == "ModelFileMissing"


def test_an_invalid_tier_list_is_a_usage_error() -> None:
    result = runner.invoke(models_app, ["status", "--tiers", "openai:gpt-4"])

    assert result.exit_code == 2
