"""`pakka auth`: tokens an operator prints work against an API on the same data dir; merchants' API keys are
created, listed and revoked from the command line; a role granted to a phone comes with its next sign-in."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from core.logging import PakkaLogHandler
from core.settings import Settings
from tests.api.conftest import StartClient

runner = CliRunner()

pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)


@pytest.fixture(autouse=True)
def _isolated_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run from an empty directory (no stray `.env`) and drop the log handler each command installs."""
    monkeypatch.chdir(tmp_path)
    yield
    root = logging.getLogger()
    for handler in [handler for handler in root.handlers if isinstance(handler, PakkaLogHandler)]:
        root.removeHandler(handler)


def pakka(settings_env: dict[str, str], *args: str) -> str:
    result = runner.invoke(app, list(args), env=settings_env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_an_operator_token_is_accepted_by_the_api_on_the_same_data_dir(
    start_client: StartClient, settings_env: dict[str, str]
) -> None:
    client = start_client()
    printed = json.loads(
        pakka(
            settings_env,
            "auth",
            "token",
            "--tenant",
            "demo",
            "--user",
            "m1",
            "--role",
            "merchant",
            "--ttl",
            "600",
            "--json",
        )
    )

    response = client.get(
        "/v1/pricing/dead-letters", headers={"Authorization": f"Bearer {printed['access_token']}"}
    )

    assert printed["expires_in"] == 600
    assert response.status_code == 200


def test_a_plain_token_is_one_line_and_a_bad_role_is_refused(settings_env: dict[str, str]) -> None:
    token = pakka(settings_env, "auth", "token", "--tenant", "demo", "--user", "u1").strip()
    refused = runner.invoke(
        app, ["auth", "token", "--tenant", "demo", "--user", "u1", "--role", "root"], env=settings_env
    )

    assert token.count(".") == 2 and "\n" not in token
    assert refused.exit_code == 2


def test_api_keys_are_created_listed_and_revoked_from_the_command_line(
    start_client: StartClient, settings_env: dict[str, str]
) -> None:
    client = start_client()
    created = json.loads(
        pakka(settings_env, "auth", "api-key", "create", "--tenant", "demo", "--name", "sync", "--json")
    )
    key = {"X-API-Key": created["api_key"]}

    before = client.get("/v1/pricing/dead-letters", headers=key).status_code
    listed = json.loads(pakka(settings_env, "auth", "api-key", "list", "--tenant", "demo", "--json"))["items"]
    pakka(settings_env, "auth", "api-key", "revoke", created["key_id"], "--tenant", "demo")
    client.app.state.services.identity.forget_cached_sessions()  # another process: within seconds

    assert before == 200
    assert [item["name"] for item in listed] == ["sync"]
    assert client.get("/v1/pricing/dead-letters", headers=key).status_code == 401


def test_a_granted_phone_signs_in_as_a_merchant(
    start_client: StartClient,
    settings_env: dict[str, str],
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client: TestClient = start_client()
    pakka(settings_env, "auth", "grant", "--tenant", "demo", "--phone", "+919811122233", "--role", "merchant")
    caplog.set_level(logging.WARNING, logger="pakka.auth")

    client.post("/v1/auth/otp", json={"phone": "+919811122233"})
    code = caplog.records[-1].getMessage()[-6:]
    tokens = client.post("/v1/auth/token", json={"phone": "+919811122233", "code": code}).json()

    assert tokens["role"] == "merchant"
