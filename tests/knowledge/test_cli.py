"""`pakka size foot|body` and `import-chart`, run through typer's CLI runner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from core.errors import InvalidInput
from graphs.decision import UNKNOWN_SIGMA_MM
from knowledge.cli import DEFAULT_SIGMA_MM, chart_app, foot_problems, size_app
from knowledge.sizing.footwear import footwear_fit

runner = CliRunner()


def test_size_foot_json_lists_every_size_with_probabilities(tmp_path: Path) -> None:
    result = runner.invoke(
        size_app,
        [
            "foot",
            "--length-mm",
            "266.7",
            "--width-mm",
            "104",
            "--brand",
            "Sprintara",
            "--sigma-mm",
            "2",
            "--json",
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    fit = json.loads(result.stdout)
    assert fit["recommended"] == ["UK 7.5"]
    assert fit["chart_id"] == "sprintara"
    assert fit["sizes"][0]["row_id"] == "chart:sprintara:uk-7-5"
    assert 0 < fit["sizes"][0]["probability"] <= 1


def test_size_foot_table_names_the_best_size_and_low_confidence(tmp_path: Path) -> None:
    result = runner.invoke(
        size_app, ["foot", "--length-mm", "266.7", "--brand", "Unknown Co", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "Best size: UK 8." in result.stdout
    assert "lower confidence" in result.stdout


def test_size_foot_rejects_implausible_input_with_a_json_error_under_json(tmp_path: Path) -> None:
    result = runner.invoke(size_app, ["foot", "--length-mm", "20", "--json", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert json.loads(result.stderr)["error"]["code"] == "INVALID_INPUT"


def test_size_foot_reports_every_problem_at_once_in_words(tmp_path: Path) -> None:
    result = runner.invoke(
        size_app,
        ["foot", "--length-mm", "20", "--width-mm", "-5", "--sigma-mm", "0", "--data-dir", str(tmp_path)],
    )

    assert result.exit_code == 2
    assert not result.stderr.lstrip().startswith("{")
    assert "error: these measurements cannot be sized" in result.stderr
    for option in ("--length-mm", "--width-mm", "--sigma-mm"):
        assert f"- {option}:" in result.stderr


def test_a_negative_width_is_flagged_even_when_the_length_is_fine(tmp_path: Path) -> None:
    result = runner.invoke(
        size_app, ["foot", "--length-mm", "262", "--width-mm", "-5", "--json", "--data-dir", str(tmp_path)]
    )

    assert result.exit_code == 2
    assert json.loads(result.stderr)["error"]["problems"] == ["--width-mm: -5 mm must be a positive width"]


@pytest.mark.parametrize(
    ("length", "width", "sigma"),
    [(262, None, 3), (20, None, 3), (401, None, 3), (262, 40, 3), (262, 200, 3), (262, 98, 0), (262, 98, 31),
     (80, 16, 0.1), (400, 280, 30), (262, -5, 3), (262, 52.4, 3), (262, 183.4, 3)],
)  # fmt: skip
def test_the_cli_refuses_exactly_what_footwear_fit_refuses(
    length: float, width: float | None, sigma: float
) -> None:
    """The CLI checks first to report every problem; it must never refuse what the API's sizing accepts."""
    try:
        footwear_fit(length, width, sigma)
    except InvalidInput:
        refused = True
    else:
        refused = False

    assert bool(foot_problems(length, width, sigma, None)) == refused


def test_size_foot_assumes_the_uncertainty_the_decision_graph_assumes() -> None:
    assert DEFAULT_SIGMA_MM == UNKNOWN_SIGMA_MM


def test_size_foot_gives_the_api_numbers_for_a_scan_and_prints_what_it_assumed(tmp_path: Path) -> None:
    """A scan of 262.7 +- 1.3 mm: the CLI with that uncertainty prints the fit footwear_fit gives the API."""
    api_fit = footwear_fit(262.7, None, 1.3, "Sprintara")
    result = runner.invoke(
        size_app,
        [
            "foot",
            "--length-mm",
            "262.7",
            "--sigma-mm",
            "1.3",
            "--brand",
            "Sprintara",
            "--data-dir",
            str(tmp_path),
        ],
    )

    assert result.exit_code == 0, result.output
    best = api_fit.sizes[0]
    assert re.search(rf"{best.size}\s+│\s+{best.probability:.0%}", result.stdout)
    assert "Sprintara chart: which size fits a 262.7 mm foot" in result.stdout
    assert "Assumed: length 262.7 ± 1.3 mm (1 sd)" in result.stdout


def test_size_body_json_for_a_slim_brand(tmp_path: Path) -> None:
    result = runner.invoke(
        size_app,
        [
            "body",
            "--category",
            "Shirts",
            "--brand",
            "Sutra Studio",
            "--chest-cm",
            "94",
            "--waist-cm",
            "80",
            "--gender",
            "men",
            "--json",
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    fit = json.loads(result.stdout)
    assert fit["recommended"] == ["M", "L"]
    assert fit["between_sizes"] is True


def test_size_body_rejects_an_unknown_fit(tmp_path: Path) -> None:
    result = runner.invoke(
        size_app,
        ["body", "--category", "tops", "--chest-cm", "94", "--fit", "baggy", "--data-dir", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "slim, regular or relaxed" in result.output


def test_an_imported_chart_is_used_by_size_foot(tmp_path: Path) -> None:
    chart = {
        "id": "acme",
        "name": "Acme",
        "kind": "sample",
        "brand": "Acme",
        "source": "measured in store",
        "category": "footwear",
        "toe_allowance_mm": 12,
        "rows": [
            {
                "size": "UK 8",
                "uk": 8,
                "us_men": 9,
                "us_women": 10,
                "eu": 42,
                "india": 8,
                "mondopoint": 265,
                "foot_min_mm": 255,
                "foot_max_mm": 275,
                "source": "measured in store",
            }
        ],
    }
    source = tmp_path / "acme.yaml"
    source.write_text(yaml.safe_dump(chart), encoding="utf-8")
    imported = runner.invoke(chart_app, ["import-chart", str(source), "--data-dir", str(tmp_path / "data")])
    assert imported.exit_code == 0, imported.output
    assert (tmp_path / "data" / "charts" / "footwear" / "acme.yaml").exists()
    result = runner.invoke(
        size_app,
        ["foot", "--length-mm", "265", "--brand", "Acme", "--json", "--data-dir", str(tmp_path / "data")],
    )
    assert json.loads(result.stdout)["chart_id"] == "acme"


def test_import_chart_reports_every_problem_and_exits_2(tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text(
        yaml.safe_dump(
            {
                "id": "Bad Id",
                "name": "x",
                "kind": "sample",
                "source": "x",
                "category": "footwear",
                "toe_allowance_mm": 12,
                "rows": [],
            }
        ),
        encoding="utf-8",
    )
    result = runner.invoke(chart_app, ["import-chart", str(source), "--json", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    problems = json.loads(result.stderr)["error"]["problems"]
    assert any(problem.startswith("id:") for problem in problems)
    assert any(problem.startswith("rows:") for problem in problems)


def test_piped_tables_keep_ids_whole_and_the_title_reads_well(tmp_path: Path) -> None:
    """Not a terminal (the runner's output is not one): no ellipsis in any id, however wide the table."""
    result = runner.invoke(size_app, ["foot", "--length-mm", "262", "--data-dir", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "chart:standard:uk-7-5" in result.stdout
    assert "…" not in result.stdout
    assert "Standard chart: which size fits a 262 mm foot" in result.stdout
    assert "(No brand given: standard chart.)" in result.stdout
