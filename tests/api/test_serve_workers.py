"""`pakka serve --workers 2` on a fresh data directory: what the processes would race for is prepared once
(the graphs' long-term store, the knowledge index), both log as `pakka serve` does, and a recommendation is
answered the same whichever process takes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core.privacy import BIOMETRIC, ScanKind, store_attributes
from core.records.identity import Role
from core.schemas import ConsentRecord
from core.settings import Settings
from graphs.services import Services
from tests.api.test_cli_commands import SQLITE_ONLY, wait_for_health

FOOT = {"length_mm": 258.0, "width_mm": 98.0, "length_sigma_mm": 1.2, "width_sigma_mm": 1.5}


def knowledge_ready(log_path: Path, workers: int, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while log_path.read_text().count("knowledge base ready") < workers:
        assert time.monotonic() < deadline, "the workers' knowledge bases did not open"
        time.sleep(0.2)


@pytest.mark.integration
@SQLITE_ONLY
def test_two_workers_share_the_port_and_answer_recommendations_alike(
    tmp_path: Path, settings: Settings, settings_env: dict[str, str], unused_tcp_port: int
) -> None:
    from core.catalog.demo import seed_demo_data

    services = Services.open(settings)
    try:
        seed_demo_data(services.store, "demo")
        services.store.consent.record(
            ConsentRecord(tenant_id="demo", user_id="u-1", consent_type=BIOMETRIC, granted=True)
        )
        store_attributes(services.store, "demo", "u-1", ScanKind.FOOT, FOOT)
        token, _ = services.identity.operator_token("demo", "u-1", Role.SHOPPER)
    finally:
        services.close()
    pakka = Path(sys.executable).with_name("pakka")
    log_path = tmp_path / "serve.log"
    base_url = f"http://127.0.0.1:{unused_tcp_port}"
    env = (
        os.environ
        | settings_env
        | {
            "PAKKA_RATE_LIMITS_ENABLED": "false",
            "PAKKA_MODEL_TIERS": "rules",
            "PAKKA_EMBEDDING_MODEL": "none",
        }
    )
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(pakka), "serve", "--host", "127.0.0.1", "--port", str(unused_tcp_port), "--workers", "2"],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_health(base_url, server)
            knowledge_ready(log_path, workers=2)  # answers cite its guides once it is open
            with httpx.Client(base_url=base_url, timeout=120) as http:
                answers = [
                    http.post(
                        "/v1/recommendations",
                        json={"category": "footwear", "region": "mumbai"},
                        headers={"Authorization": f"Bearer {token}", "Connection": "close"},
                    )
                    for _ in range(6)
                ]
        finally:
            server.terminate()
            server.wait(timeout=60)

    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    started = [line for line in lines if line.get("message") == "api started"]
    assert len(started) == 2
    access = [line for line in lines if line.get("path") == "/v1/recommendations"]
    assert len(access) == 6
