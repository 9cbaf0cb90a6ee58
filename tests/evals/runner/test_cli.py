"""`pakka eval` on a toy suite (no shared data): list, run into a record, report with images that decode,
compare that flags a run made worse by a setting, and the skips and failures that stay inside their suite."""

from __future__ import annotations

import base64
import io
import json
import re
import sys
import types
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from api.cli import app
from evals.runner.suite import (
    Dataset,
    Direction,
    MetricSpec,
    MetricValue,
    Plot,
    RunContext,
    Suite,
    SuiteOutcome,
)
from evals.suites import registry

runner = CliRunner()


def toy_run(ctx: RunContext) -> SuiteOutcome:
    """Right on every item unless the lexical-only setting is on, then right on a third: a stand-in for a
    retriever switched off."""
    from evals.runner.stats import mean_metric

    rows = ctx.limited(ctx.path("answers").read_text().split(), smoke=30)
    degraded = ctx.settings.embedding_model == "none"
    right = [float(not degraded or index % 3 == 0) for index, _ in enumerate(rows)]
    return SuiteOutcome(
        metrics=[
            mean_metric("accuracy", right, ctx.seed),
            mean_metric("latency_ms", [5.0] * len(rows)),
            mean_metric("accuracy[by mode]", right, ctx.seed),
            MetricValue(name="judged[ragas]", value=None, n=0, note="not judged: no model tier [rules]"),
        ],
        notes=["a note about tier[rules]/accuracy"],
        items=[{"answer": answer, "right": bool(ok)} for answer, ok in zip(rows, right, strict=True)],
        plots=[
            Plot.reliability("Reliability", [(0.2, 0.25, 10), (0.8, 0.7, 20)]),
            Plot.histogram("Latency", {"ms": [4.0, 5.0, 6.0, 5.5]}, xlabel="ms"),
            Plot.bars("By category", ["a", "b"], {"accuracy": [0.5, 0.9]}),
        ],
    )


def broken_run(ctx: RunContext) -> SuiteOutcome:
    raise RuntimeError("this suite is broken")


TOY = Suite(
    name="toy",
    description="A toy suite.",
    datasets=(Dataset("answers", "toy/answers.txt"),),
    metrics=(
        MetricSpec("accuracy", Direction.HIGHER, 0.05),
        MetricSpec("latency_ms", Direction.LOWER, 1.0),
        MetricSpec("accuracy[by mode]", Direction.HIGHER, 0.05),
        MetricSpec("judged[ragas]", Direction.HIGHER, 0.05),
    ),
    run=toy_run,
)


def partial_run(ctx: RunContext) -> SuiteOutcome:
    """Measures `extra/...` only when its optional dataset is here."""
    from evals.runner.stats import point_metric

    metrics = [
        point_metric("answers/count", float(len(ctx.path("answers").read_text().split()))),
        point_metric("answers/judge_timeout_s", ctx.judge_timeout_s),
    ]
    if ctx.has("extra"):
        metrics.append(point_metric("extra/count", 1.0))
    return SuiteOutcome(metrics=metrics)


PARTIAL = Suite(
    name="partial",
    description="One required dataset and one optional one nobody has.",
    datasets=(
        Dataset("answers", "toy/answers.txt"),
        Dataset("extra", "no/extra.csv", optional=True, part="the extra part"),
    ),
    metrics=(
        MetricSpec("answers/count", Direction.HIGHER, 0.0),
        MetricSpec("extra/count", Direction.HIGHER, 0.0),
    ),
    run=partial_run,
)
ABSENT = Suite(
    name="absent",
    description="Needs data nobody has.",
    datasets=(Dataset("nothing", "no/such/file.csv"),),
    metrics=(MetricSpec("accuracy", Direction.HIGHER, 0.05),),
    run=toy_run,
)
BROKEN = Suite(name="broken", description="Raises.", datasets=(), metrics=(), run=broken_run)


@pytest.fixture(autouse=True)
def toy_suites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    (shared / "toy").mkdir(parents=True)
    (shared / "toy" / "answers.txt").write_text(" ".join(f"answer{i}" for i in range(60)))
    monkeypatch.setenv("PAKKA_SHARED_DATA", str(shared))
    module = types.ModuleType("toy_eval_suites")
    module.TOY, module.ABSENT, module.BROKEN = TOY, ABSENT, BROKEN  # type: ignore[attr-defined]
    module.PARTIAL = PARTIAL  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "toy_eval_suites", module)
    for name in ("toy", "absent", "broken", "partial"):
        monkeypatch.setitem(registry.SUITES, name, f"toy_eval_suites:{name.upper()}")
    monkeypatch.setitem(registry.SUITES, "unloadable", "no_such_module_anywhere:SUITE")


def run_eval(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["eval", *args])
    return result.exit_code, result.output


def test_list_shows_each_suite_its_datasets_and_metrics_and_why_one_cannot_load() -> None:
    code, output = run_eval("list", "--json")

    assert code == 0, output
    rows = {row["name"]: row for row in json.loads(output)}
    assert rows["toy"]["datasets"][0]["present"] is True
    assert rows["absent"]["datasets"][0]["present"] is False
    assert {"name": "accuracy", "better": "higher", "tolerance": 0.05} in rows["toy"]["metrics"]
    assert "no_such_module_anywhere" in rows["unloadable"]["error"]
    assert set(registry.SUITES) <= set(rows)


def test_a_run_is_a_record_with_metrics_intervals_items_hashes_and_settings(tmp_path: Path) -> None:
    code, output = run_eval(
        "run", "toy", "absent", "--out", str(tmp_path / "runs"), "--run-id", "first", "--json"
    )

    assert code == 0, output
    folder = tmp_path / "runs" / "first"
    results = json.loads((folder / "results.json").read_text())
    toy = next(suite for suite in results["suites"] if suite["name"] == "toy")
    accuracy = next(metric for metric in toy["metrics"] if metric["name"] == "accuracy")
    assert toy["status"] == "passed" and accuracy["value"] == 1.0 and accuracy["n"] == 60
    assert accuracy["low"] is not None and accuracy["direction"] == "higher" and accuracy["tolerance"] == 0.05
    assert toy["datasets"]["answers"].startswith("sha256:")
    assert results["tier"] == "rules" and results["settings"]["model_tiers"] == ["rules"]
    assert re.fullmatch(r"[0-9a-f]{40}", results["git_commit"] or "0" * 40)
    absent = next(suite for suite in results["suites"] if suite["name"] == "absent")
    assert absent["status"] == "skipped" and "no/such/file.csv" in absent["reason"]
    items = [json.loads(line) for line in (folder / "items.jsonl").read_text().splitlines()]
    assert len(items) == 60 and items[0] == {"suite": "toy", "answer": "answer0", "right": True}


def test_limit_and_smoke_shrink_a_suite(tmp_path: Path) -> None:
    code, output = run_eval(
        "run", "toy", "--limit", "7", "--out", str(tmp_path), "--run-id", "small", "--json"
    )

    assert code == 0, output
    assert len((tmp_path / "small" / "items.jsonl").read_text().splitlines()) == 7


def test_the_printed_tables_keep_metric_names_whole(tmp_path: Path) -> None:
    code, output = run_eval("run", "toy", "--out", str(tmp_path), "--run-id", "printed")

    assert code == 0, output
    assert "accuracy[by mode]" in output  # brackets are not read as rich markup
    assert "a note about tier[rules]/accuracy" in output


def test_compare_prints_bracketed_metric_names_in_its_table_and_its_verdict(tmp_path: Path) -> None:
    out = str(tmp_path)
    run_eval("run", "toy", "--out", out, "--run-id", "a", "--set", "embedding_model=local")
    run_eval("run", "toy", "--out", out, "--run-id", "b", "--set", "embedding_model=none")

    code, output = run_eval("compare", str(tmp_path / "a"), str(tmp_path / "b"))

    assert code == 1
    assert "worse than tolerance: toy/accuracy, toy/accuracy[by mode]" in " ".join(output.split())
    assert "[by" in output and "[ragas]" in output


def test_a_metric_without_a_value_shows_as_not_judged_and_never_gates(tmp_path: Path) -> None:
    out = str(tmp_path)
    code, printed = run_eval("run", "toy", "--out", out, "--run-id", "a")
    run_eval("run", "toy", "--out", out, "--run-id", "b")

    compared, table = run_eval("compare", str(tmp_path / "a"), str(tmp_path / "b"), "--json")

    assert code == 0, printed
    assert "not judged: no model tier [rules]" in " ".join(printed.split())
    assert compared == 0, table
    (judged,) = [d for d in json.loads(table) if d["metric"] == "judged[ragas]"]
    assert judged["verdict"] == "unjudged" and "no model tier [rules]" in judged["note"]
    page = (tmp_path / "a" / "report.html").read_text()
    assert "not judged: no model tier [rules]" in page


def test_a_missing_optional_dataset_skips_its_part_and_says_so(tmp_path: Path) -> None:
    code, output = run_eval("run", "partial", "--out", str(tmp_path), "--run-id", "p", "--json")

    assert code == 0, output
    (suite,) = json.loads((tmp_path / "p" / "results.json").read_text())["suites"]
    assert suite["status"] == "passed"
    assert [m["name"] for m in suite["metrics"]] == ["answers/count", "answers/judge_timeout_s"]
    assert list(suite["skipped_parts"]) == ["extra"]
    assert suite["notes"] == [suite["skipped_parts"]["extra"]]  # not also "declared ... not measured"
    assert suite["skipped_parts"]["extra"].startswith("the extra part skipped: dataset extra:")
    assert list(suite["datasets"]) == ["answers"]
    assert "partial" in (tmp_path / "p" / "report.html").read_text()


def test_the_judge_timeout_option_reaches_the_suites(tmp_path: Path) -> None:
    code, output = run_eval(
        "run", "partial", "--judge-timeout", "600", "--out", str(tmp_path), "--run-id", "j", "--json"
    )

    assert code == 0, output
    results = json.loads((tmp_path / "j" / "results.json").read_text())
    (suite,) = results["suites"]
    assert results["judge_timeout_s"] == 600.0
    assert {m["name"]: m["value"] for m in suite["metrics"]}["answers/judge_timeout_s"] == 600.0


def test_list_marks_optional_datasets() -> None:
    code, output = run_eval("list", "--json")

    assert code == 0, output
    extra = {row["name"]: row for row in json.loads(output)}["partial"]["datasets"][1]
    assert extra == {
        "name": "extra",
        "path": extra["path"],
        "present": False,
        "optional": True,
        "part": "the extra part",
    }


def test_the_report_is_one_page_whose_plots_decode(tmp_path: Path) -> None:
    run_eval("run", "toy", "--out", str(tmp_path), "--run-id", "reported")

    page = (tmp_path / "reported" / "report.html").read_text()

    assert "accuracy" in page and "95% interval" in page
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 4  # the suite's three and the seconds per suite
    for encoded in images:
        image = Image.open(io.BytesIO(base64.b64decode(encoded)))
        image.load()
        assert image.width > 100 and image.height > 100
        darkest, lightest = image.convert("L").getextrema()
        assert lightest - darkest > 100  # drawn on, not a blank canvas


def test_compare_passes_an_equal_run_and_fails_one_made_worse_by_a_setting(tmp_path: Path) -> None:
    out = str(tmp_path)
    run_eval("run", "toy", "--out", out, "--run-id", "baseline", "--set", "embedding_model=local")
    run_eval("run", "toy", "--out", out, "--run-id", "same", "--set", "embedding_model=local")
    run_eval("run", "toy", "--out", out, "--run-id", "lexical", "--set", "embedding_model=none")

    same_code, same_output = run_eval("compare", str(tmp_path / "baseline"), str(tmp_path / "same"))
    worse_code, worse_output = run_eval(
        "compare", str(tmp_path / "baseline"), str(tmp_path / "lexical"), "--json"
    )

    assert same_code == 0, same_output
    assert worse_code == 1
    deltas = {d["metric"]: d for d in json.loads(worse_output.split("worse than tolerance")[0])}
    assert deltas["accuracy"]["verdict"] == "worse" and deltas["latency_ms"]["verdict"] == "ok"
    assert deltas["accuracy"]["low"] < deltas["accuracy"]["delta"] < deltas["accuracy"]["high"] < 0


def test_compare_refuses_runs_of_another_profile_unless_allowed_and_reports_another_tier(
    tmp_path: Path,
) -> None:
    out = str(tmp_path)
    run_eval("run", "toy", "--out", out, "--run-id", "full")
    run_eval("run", "toy", "--out", out, "--run-id", "limited", "--limit", "10")
    run_eval("run", "toy", "--out", out, "--run-id", "tiered", "--tier", "rules,rules")

    refused, refusal = run_eval("compare", str(tmp_path / "full"), str(tmp_path / "limited"))
    allowed, gated = run_eval(
        "compare", str(tmp_path / "full"), str(tmp_path / "limited"), "--allow-mismatch", "--json"
    )
    tiered, reported = run_eval("compare", str(tmp_path / "full"), str(tmp_path / "tiered"))

    assert refused == 2
    assert (
        "limit: baseline None, this run 10" in refusal
        and "not comparable: the runs differ in limit;" in refusal
    )
    assert allowed == 0, gated
    assert "limit: baseline None, this run 10" in gated and '"verdict": "ok"' in gated
    assert tiered == 0, reported
    assert "tier: baseline rules, this run rules,rules" in reported and "not comparable" not in reported


def test_compare_refuses_runs_over_other_data(tmp_path: Path) -> None:
    out = str(tmp_path)
    run_eval("run", "toy", "--out", out, "--run-id", "before")
    answers = tmp_path / "shared" / "toy" / "answers.txt"
    answers.write_text(answers.read_text() + " answer60")
    run_eval("run", "toy", "--out", out, "--run-id", "after")

    code, output = run_eval("compare", str(tmp_path / "before"), str(tmp_path / "after"))

    assert code == 2
    assert "dataset toy/answers: baseline sha256:" in output and "not comparable" in output


def test_report_redraws_a_run_against_a_baseline(tmp_path: Path) -> None:
    out = str(tmp_path)
    run_eval("run", "toy", "--out", out, "--run-id", "a", "--set", "embedding_model=local")
    run_eval("run", "toy", "--out", out, "--run-id", "b", "--set", "embedding_model=none")

    code, output = run_eval("report", str(tmp_path / "b"), "--baseline", str(tmp_path / "a"))

    assert code == 0, output
    page = (tmp_path / "b" / "report.html").read_text()
    assert "Against baseline a" in page and 'class="worse">worse' in page


def test_a_failing_suite_is_recorded_and_fails_the_command_without_stopping_the_others(
    tmp_path: Path,
) -> None:
    code, output = run_eval(
        "run", "broken", "toy", "unloadable", "--out", str(tmp_path), "--run-id", "r", "--json"
    )

    assert code == 1
    suites = {s["name"]: s for s in json.loads((tmp_path / "r" / "results.json").read_text())["suites"]}
    assert suites["broken"]["status"] == "failed" and "this suite is broken" in suites["broken"]["reason"]
    assert suites["unloadable"]["status"] == "failed"
    assert suites["toy"]["status"] == "passed"


def test_unknown_suites_and_settings_are_refused(tmp_path: Path) -> None:
    assert run_eval("run", "nope", "--out", str(tmp_path))[0] == 2
    assert run_eval("run", "toy", "--set", "no_such_setting=1", "--out", str(tmp_path))[0] == 2
    assert run_eval("compare", str(tmp_path / "missing"), str(tmp_path / "missing"))[0] == 2
