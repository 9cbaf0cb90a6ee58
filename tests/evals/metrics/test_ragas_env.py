"""ragas is imported one way: its usage analytics off before it loads; and the suites run async code the same
way whether or not an event loop is already running."""

from __future__ import annotations

import asyncio
import os

import pytest

from evals.metrics.ragas_env import import_ragas, ragas_unavailable, run_sync
from tests.conftest import unless_installed


@unless_installed(ragas_unavailable() is not None, "ragas (dev extra) is not installed")
def test_importing_ragas_turns_its_usage_analytics_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAGAS_DO_NOT_TRACK", "false")

    ragas = import_ragas()

    assert os.environ["RAGAS_DO_NOT_TRACK"] == "true"
    assert ragas.__name__ == "ragas"


async def answer() -> int:
    await asyncio.sleep(0)
    return 42


def test_a_coroutine_runs_to_its_result_from_sync_code_and_from_inside_a_running_loop() -> None:
    async def inside() -> int:
        return run_sync(answer())

    assert run_sync(answer()) == 42
    assert asyncio.run(inside()) == 42
