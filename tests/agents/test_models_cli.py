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


@pytest.mark.parametrize(
    "tiers",
    [
        None,
        "rules",
        "llamacpp:smollm2,rules",
        "llamacpp:/nowhere/model.gguf,bedrock:apac.amazon.nova-lite-v1:0,rules",
    ],
)
def test_status_without_building_the_router_equals_a_fresh_routers(tiers: str | None) -> None:
    """`models status` answers from settings alone (no LangChain, boto3 or llama.cpp imported): the same
    rows a router built from those settings reports before its first call."""
    from agents.router import build_router
    from agents.router.status import configured_status
    from core.settings import Settings

    settings = Settings(model_tiers=tiers.split(","), _env_file=None) if tiers else Settings(_env_file=None)

    assert configured_status(settings) == build_router(settings).status()


def test_status_starts_without_the_heavy_stack() -> None:
    """A fresh interpreter runs `pakka models status` without importing LangChain, boto3 or the router."""
    import subprocess
    import sys

    code = (
        "import sys; from typer.testing import CliRunner; from api.cli import app; "
        "result = CliRunner().invoke(app, ['models', 'status', '--json']); assert result.exit_code == 0; "
        "print(sorted(m for m in ('langchain_core', 'boto3', 'agents.router.router', 'langgraph') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "[]"


def test_credentials_found_by_botocore_are_never_missed_by_the_shortcut(tmp_path: Path) -> None:
    """With a credentials file, the shortcut defers to botocore; with nothing at all, both say none."""
    from agents.router.credentials import AwsCredentials, credential_sources_exist

    assert not credential_sources_exist()
    assert AwsCredentials().status().available is False
    assert AwsCredentials()._resolve()[1].available is False

    credentials = tmp_path / "credentials"
    credentials.write_text("[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
        assert credential_sources_exist()
        assert AwsCredentials().status().available is True
