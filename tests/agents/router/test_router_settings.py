"""Tier lists from settings, and the credentials check that never waits on instance metadata."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from agents.router import build_router
from agents.router.credentials import AwsCredentials
from agents.router.spec import TierSpec, parse_tier, parse_tiers
from core.settings import DEFAULT_MODEL_TIERS, Settings


def test_tier_entries_parse_into_kind_and_target() -> None:
    assert parse_tier("bedrock:apac.amazon.nova-lite-v1:0") == TierSpec(
        "bedrock", "apac.amazon.nova-lite-v1:0"
    )
    assert parse_tier(" llamacpp:/models/smol.gguf ") == TierSpec("llamacpp", "/models/smol.gguf")
    assert parse_tier("rules").name == "rules"


@pytest.mark.parametrize("entry", ["bedrock", "bedrock:", "openai:gpt", "rules:extra", ""])
def test_malformed_tier_entries_are_rejected(entry: str) -> None:
    with pytest.raises(ValueError, match="bad model tier"):
        parse_tier(entry)


def test_a_tier_listed_twice_is_rejected() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        parse_tiers(["rules", "rules"])


def test_the_environment_lists_tiers_separated_by_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAKKA_MODEL_TIERS", "bedrock:meta.llama3-8b-instruct-v1:0, llamacpp:/m.gguf,rules")

    assert Settings(_env_file=None).model_tiers == [
        "bedrock:meta.llama3-8b-instruct-v1:0",
        "llamacpp:/m.gguf",
        "rules",
    ]


def test_default_tiers_are_four_bedrock_models_then_rules() -> None:
    kinds = [parse_tier(entry).kind for entry in DEFAULT_MODEL_TIERS]

    assert kinds == ["bedrock", "bedrock", "bedrock", "bedrock", "rules"]


def test_a_local_tier_whose_model_file_is_missing_is_reported_and_skipped(tmp_path: Path) -> None:
    missing = tmp_path / "absent.gguf"
    router = build_router(Settings(_env_file=None, model_tiers=[f"llamacpp:{missing}", "rules"]))

    answer = router.invoke("hello")

    assert router.status()[0]["state"] == "unavailable (ModelFileMissing)"
    assert answer.response_metadata["pakka"]["attempts"][0]["error"] == "ModelFileMissing"


class _MetadataService(BaseHTTPRequestHandler):
    """Answers every instance-metadata request with 404 and counts them."""

    requests: ClassVar[list[str]] = []

    def _refuse(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = _refuse

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def metadata_endpoint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """A machine with no credentials whose instance-metadata service is a counting server on loopback."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_EC2_METADATA_DISABLED",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    _MetadataService.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _MetadataService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}/")
    try:
        yield _MetadataService.requests
    finally:
        server.shutdown()
        server.server_close()


def test_the_credentials_check_never_asks_instance_metadata_by_default(metadata_endpoint: list[str]) -> None:
    credentials = AwsCredentials()

    assert not credentials.status().available
    assert metadata_endpoint == []


def test_instance_metadata_is_asked_only_when_settings_allow_it(metadata_endpoint: list[str]) -> None:
    credentials = AwsCredentials(use_instance_metadata=True)

    assert not credentials.status().available
    assert metadata_endpoint != []


def test_the_credentials_answer_is_cached(metadata_endpoint: list[str]) -> None:
    credentials = AwsCredentials(use_instance_metadata=True)
    credentials.status()
    asked = len(metadata_endpoint)

    credentials.status()

    assert len(metadata_endpoint) == asked


def test_environment_credentials_make_bedrock_tiers_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")

    status = AwsCredentials().status()

    assert status.available
    assert status.method == "env"
