"""The smoke profile of every suite, as CI runs it (`pakka eval run --smoke`): each suite runs its tiny
profile or skips for a missing dataset, none fails, the report's plots decode, and a run on a broken model
tier is flagged by the gate against it.

Wall time: the smoke run is about 45 s of CPU; this file took 1 min 49 s of wall time (the smoke run itself
89 s) on the shared 2-core development machine at a load average of 6.5-7 (3.5 minutes at a load average of
12). Suites whose shared data is absent skip with the reason, or run their own parts and note the skipped
ones (optional datasets), so this also runs in a fresh clone."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from api.cli import app
from evals.suites import registry

runner = CliRunner()
BROKEN_TIER = "llamacpp:/nonexistent/model.gguf"
"""A tier that cannot start: the chat graph has no model at all."""


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eval-runs")
    result = runner.invoke(app, ["eval", "run", "--smoke", "--out", str(out), "--run-id", "smoke", "--json"])
    assert result.exit_code == 0, result.output
    return out


def suites(run: Path) -> dict[str, dict]:
    return {s["name"]: s for s in json.loads((run / "results.json").read_text())["suites"]}


def test_every_suite_runs_its_smoke_profile_or_skips_for_missing_data(runs: Path) -> None:
    found = suites(runs / "smoke")

    assert set(found) == set(registry.SUITES)
    for name, suite in found.items():
        assert suite["status"] in ("passed", "skipped"), (name, suite["reason"], suite["notes"])
        if suite["status"] == "skipped":
            assert suite["reason"].startswith("dataset missing"), (name, suite["reason"])
        else:
            assert any(m["value"] is not None for m in suite["metrics"]), name
    for own in ("chat", "retrieval", "explanations", "intent", "sitegen"):  # the project's own data suffices
        assert found[own]["status"] == "passed", (own, found[own]["reason"])


def test_the_smoke_report_shows_every_suite_with_plots_that_decode(runs: Path) -> None:
    page = (runs / "smoke" / "report.html").read_text()

    for name in registry.SUITES:
        assert f'id="{name}"' in page
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert images
    for encoded in images:
        image = Image.open(io.BytesIO(base64.b64decode(encoded)))
        image.load()
        darkest, lightest = image.convert("L").getextrema()
        assert image.width > 100 and lightest - darkest > 100


def test_a_run_on_a_broken_model_tier_fails_the_gate(runs: Path) -> None:
    degraded = runner.invoke(
        app,
        [
            "eval",
            "run",
            "chat",
            "--smoke",
            "--tier",
            BROKEN_TIER,
            "--out",
            str(runs),
            "--run-id",
            "broken",
            "--json",
        ],
    )
    assert degraded.exit_code == 0, degraded.output

    compared = runner.invoke(app, ["eval", "compare", str(runs / "smoke"), str(runs / "broken"), "--json"])

    assert compared.exit_code == 1
    assert "tier: baseline rules, this run " + BROKEN_TIER in compared.stderr  # reported, not refused
    deltas = json.loads(compared.stdout)
    worse = {d["metric"] for d in deltas if d["verdict"] == "worse"}
    assert "pass^1/all" in worse
