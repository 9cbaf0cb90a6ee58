"""A new user's first try: the sample photos pakka ships scan to their true sizes, `pakka samples` copies them
out, and `pakka demo` walks through sign-in, consent, a foot scan, recommendations and an order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.demo_cli import SAMPLES, sample_path
from tools.vision.body import measure_body
from tools.vision.foot import measure_foot
from tools.vision.image import decode_image


def test_the_sample_foot_photo_scans_to_its_true_size() -> None:
    scan = measure_foot(decode_image(sample_path("foot-on-a4.jpg").read_bytes()))

    assert abs(scan.length_mm - 262.0) <= 2 * scan.length_sigma_mm + 1
    assert abs(scan.width_mm - 100.0) <= 2 * scan.width_sigma_mm + 1


def test_the_sample_body_photo_scans() -> None:
    scan = measure_body(decode_image(sample_path("body-front.jpg").read_bytes()), 170.24)

    assert {"chest", "waist", "hip"} <= set(scan.measurements)


def test_samples_copies_the_photos_and_says_how_to_scan_them(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["samples", str(tmp_path / "out")])

    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == sorted(SAMPLES)
    assert "/v1/scan/foot" in result.output


@pytest.mark.integration
def test_demo_walks_from_sign_in_to_an_order(tmp_path: Path) -> None:
    pakka = Path(sys.executable).with_name("pakka")
    result = subprocess.run(
        [str(pakka), "demo"], cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    for step in ("Sign in", "consent", "Scan a foot", "Recommendations", "Order the first one"):
        assert step in result.stdout
    assert "CONFIRMED" in result.stdout
