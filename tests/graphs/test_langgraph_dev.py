"""`langgraph dev` runs pakka's graphs with no code of ours in between: the LangGraph CLI's in-memory server
loads langgraph.json, lists the registered graphs as assistants, and streams a `decision` run for a shopper
whose measurements are stored, with the services opened from the same PAKKA_* settings."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client

from core.catalog.demo import seed_demo_data
from core.privacy import BIOMETRIC, ScanKind, record_consent, store_attributes
from core.settings import Settings
from graphs.registry import GRAPHS
from graphs.services import Services
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
READY_WITHIN_S = 240
FOOT = {"length_mm": 262.0, "width_mm": 99.0, "length_sigma_mm": 1.3, "width_sigma_mm": 1.5}
DECISION_NODES = ["scan", "retrieve", "candidates", "score", "filter", "explain"]

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`langgraph dev` on a free loopback port, in a temp dir (its .langgraph_api/ lands there), over a store
    with the demo catalog and one shopper with a stored foot scan."""
    workdir = tmp_path_factory.mktemp("langgraph-dev")
    env = {
        **os.environ,
        "PAKKA_DATA_DIR": str(workdir / "data"),
        "PAKKA_MODEL_TIERS": "rules",
        "PAKKA_EMBEDDING_MODEL": "none",
        "PAKKA_LOG_JSON": "false",
        "LANGSMITH_TRACING": "false",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    }
    settings = Settings(data_dir=workdir / "data", model_tiers=["rules"], _env_file=None)
    services = Services.open(settings)
    try:
        seed_demo_data(services.store, "demo")
        record_consent(services.store, "demo", "u-1", BIOMETRIC, granted=True, pseudonyms=services.pseudonyms)
        store_attributes(services.store, "demo", "u-1", ScanKind.FOOT, FOOT)
    finally:
        services.close()
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("langgraph")),
        "dev",
        "--no-browser",
        "--no-reload",
        "--port",
        str(port),
        "--config",
        str(ROOT / "langgraph.json"),
    ]
    log_path = workdir / "dev.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(server, url, log_path)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_until_ready(server: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"langgraph dev exited ({server.returncode}):\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/ok", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"langgraph dev not ready after {READY_WITHIN_S} s:\n{log_path.read_text()[-4000:]}")


def test_the_server_lists_every_registered_graph_as_an_assistant(dev_server: str) -> None:
    async def graphs() -> set[str]:
        found = await get_client(url=dev_server).assistants.search()
        return {assistant["graph_id"] for assistant in found}

    assert asyncio.run(graphs()) == set(GRAPHS)


def test_a_decision_run_streams_every_node_and_recommends_from_stored_measurements(dev_server: str) -> None:
    async def run() -> list[Any]:
        client = get_client(url=dev_server)
        thread = await client.threads.create()
        return [
            part
            async for part in client.runs.stream(
                thread["thread_id"],
                "decision",
                input={"user_id": "u-1", "category": "footwear"},
                context={"tenant_id": "demo", "user_id": "u-1"},
                stream_mode="updates",
            )
        ]

    parts = asyncio.run(run())

    updates = [part.data for part in parts if part.event == "updates"]
    assert [node for update in updates for node in update] == DECISION_NODES
    result = updates[-1]["explain"]["result"]
    assert result["recommendations"], result
    assert all(item["confidence"] >= 0.75 for item in result["recommendations"])
