"""Rate limits: token buckets per principal, per client address, scans per shopper and codes per phone,
answering 429 RATE_LIMITED with Retry-After; in-process by default, shared by every API process through a real
redis-server (started here on a free loopback port) when PAKKA_REDIS_URL is set."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from fastapi.testclient import TestClient

from core.errors import RateLimited
from core.ratelimit import Limit, LocalBuckets, RateLimits, RedisBuckets
from core.settings import Settings
from tests.api.conftest import StartClient, tokens_for
from tests.api.routes.photos import plain_png
from tests.conftest import free_port, missing_tool


@pytest.fixture
def settings(sqlite_settings: Settings) -> Settings:
    """The limits behave the same on every store: SQLite only."""
    return sqlite_settings


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Debian's redis-server on a free loopback port for the session (scripts/test.sh installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing_tool("redis-server is not installed (scripts/test.sh installs Debian's redis-server)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_gives_its_burst_then_one_token_per_interval() -> None:
    clock = Clock()
    buckets = LocalBuckets(clock=clock)
    limit = Limit.per(60, 60, burst=3)  # one a second, three at once

    first = [buckets.take("k", limit) for _ in range(4)]
    clock.now += 0.5
    half = buckets.take("k", limit)
    clock.now += 0.6
    refilled = buckets.take("k", limit)

    assert first[:3] == [0.0, 0.0, 0.0]
    assert first[3] == pytest.approx(1.0)
    assert 0 < half <= 1.0
    assert refilled == 0.0
    assert buckets.take("other", limit) == 0.0


def test_anonymous_callers_get_429_with_retry_after_in_the_error_shape(start_client: StartClient) -> None:
    client = start_client(rate_limits_enabled=True, rate_limit_anonymous_burst=3)

    statuses = [client.get("/v1/products").status_code for _ in range(4)]
    refused = client.get("/v1/products")

    assert statuses == [200, 200, 200, 429]
    error = refused.json()["error"]
    assert error["code"] == "RATE_LIMITED"
    assert int(refused.headers["Retry-After"]) == error["details"]["retry_after_s"] >= 1
    assert error["correlation_id"] == refused.headers["X-Correlation-ID"]


def test_each_signed_in_principal_has_its_own_bucket(start_client: StartClient) -> None:
    client = start_client(rate_limits_enabled=True, rate_limit_burst=2, rate_limit_anonymous_burst=1)
    tokens = tokens_for(client)

    u1 = [client.get("/v1/orders", headers=tokens.shopper("u1")).status_code for _ in range(3)]
    u2 = client.get("/v1/orders", headers=tokens.shopper("u2")).status_code

    assert (u1, u2) == ([200, 200, 429], 200)


def test_bad_credentials_are_charged_to_the_address(start_client: StartClient) -> None:
    client = start_client(rate_limits_enabled=True, rate_limit_anonymous_burst=2)
    forged = {"Authorization": "Bearer not.a.token"}

    statuses = [client.get("/v1/products", headers=forged).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]


def test_a_shopper_gets_five_scans_an_hour(start_client: StartClient) -> None:
    client = start_client(rate_limits_enabled=True)
    shopper = tokens_for(client).shopper("u1")
    client.post("/v1/consent", json={"granted": True}, headers=shopper)
    photo = {"image": ("p.png", plain_png(b"limits", width=64, height=48), "image/png")}

    statuses = [client.post("/v1/scan/foot", files=photo, headers=shopper).status_code for _ in range(6)]

    assert statuses[:5] == [422] * 5  # measured (and rejected: no sheet in the photo) ...
    assert statuses[5] == 429  # ... then the hourly budget is spent


def test_turning_limits_off_lets_everything_through(start_client: StartClient) -> None:
    client = start_client(rate_limits_enabled=False, rate_limit_anonymous_burst=1)

    assert {client.get("/v1/products").status_code for _ in range(5)} == {200}


def test_redis_buckets_are_one_bucket_for_every_limiter(redis_url: str) -> None:
    key = f"shared-{time.monotonic_ns()}"
    first, second = RedisBuckets(redis_url), RedisBuckets(redis_url)
    limit = Limit.per(1, 3600, burst=2)
    try:
        waits = [first.take(key, limit), second.take(key, limit), first.take(key, limit)]
    finally:
        first.close()
        second.close()

    assert waits[:2] == [0.0, 0.0]
    assert waits[2] == pytest.approx(3600, rel=0.01)


def test_an_unreachable_redis_lets_requests_through(settings: Settings) -> None:
    limits = RateLimits(
        settings.model_copy(update={"rate_limits_enabled": True}),
        RedisBuckets(f"redis://127.0.0.1:{free_port()}/0", socket_timeout_s=0.2),
    )
    try:
        for _ in range(30):
            limits.for_address("10.1.2.3")
    except RateLimited:  # pragma: no cover - the assertion below says what went wrong
        pytest.fail("an outage of the limiter refused a request")
    finally:
        limits.close()


def test_two_api_processes_share_one_limit_through_redis(
    start_client: StartClient,
    settings: Settings,
    settings_env: dict[str, str],
    redis_url: str,
    tmp_path: Path,
) -> None:
    limits = {
        "rate_limits_enabled": True,
        "rate_limit_burst": 4,
        "rate_limit_per_minute": 1,
        "redis_url": redis_url,
    }
    in_process = start_client(**limits)
    shopper = tokens_for(in_process).shopper(f"u-{time.monotonic_ns()}")
    port = free_port()
    env = os.environ | settings_env | {f"PAKKA_{name.upper()}": str(value) for name, value in limits.items()}
    with (tmp_path / "serve.log").open("w") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("pakka")),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env | {"PAKKA_SEED_DEMO_DATA": "false"},
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            other = f"http://127.0.0.1:{port}"
            wait_until_serving(other, server)
            statuses = []
            for turn in range(6):
                if turn % 2:
                    statuses.append(httpx.get(f"{other}/v1/orders", headers=shopper, timeout=30).status_code)
                else:
                    statuses.append(in_process.get("/v1/orders", headers=shopper).status_code)
        finally:
            server.terminate()
            server.wait(timeout=60)

    assert statuses == [200, 200, 200, 200, 429, 429]


def wait_until_serving(base_url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            httpx.get(f"{base_url}/health", timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("pakka serve did not answer")


def test_the_in_process_test_client_is_limited_too(start_client: StartClient) -> None:
    client: TestClient = start_client(rate_limits_enabled=True, rate_limit_anonymous_burst=1)

    assert [client.get("/health").status_code for _ in range(2)] == [200, 429]
