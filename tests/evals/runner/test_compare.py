"""The gate: a metric fails when it moves in its bad direction by more than its tolerance, and a gated metric
the baseline had and the new run lacks fails too."""

from __future__ import annotations

from evals.runner.compare import compare, delta_of, failed, mismatches
from evals.runner.records import MetricRecord, RunRecord, SuiteRecord
from evals.runner.suite import Direction


def metric(
    value: float | None, direction: Direction | None = Direction.HIGHER, tolerance: float = 0.02
) -> MetricRecord:
    return MetricRecord(
        name="m",
        value=value,
        low=None if value is None else value - 0.01,
        high=None if value is None else value + 0.01,
        direction=direction,
        tolerance=tolerance if direction else None,
    )


def test_higher_is_better_metrics_fail_only_beyond_their_tolerance() -> None:
    assert delta_of("s", metric(0.80), metric(0.79)).verdict == "ok"
    assert delta_of("s", metric(0.80), metric(0.77)).verdict == "worse"
    assert delta_of("s", metric(0.80), metric(0.85)).verdict == "better"


def test_lower_is_better_metrics_fail_when_they_rise() -> None:
    lower = Direction.LOWER

    assert delta_of("s", metric(0.50, lower), metric(0.55, lower)).verdict == "worse"
    assert delta_of("s", metric(0.50, lower), metric(0.40, lower)).verdict == "better"


def test_a_delta_has_an_interval_from_both_runs() -> None:
    delta = delta_of("s", metric(0.80), metric(0.70))

    assert delta.delta is not None and abs(delta.delta + 0.10) < 1e-9
    assert delta.low is not None and delta.high is not None
    assert delta.low < delta.delta < delta.high


def test_ungated_metrics_never_fail_and_a_lost_gated_metric_does() -> None:
    assert delta_of("s", metric(0.9, None), metric(0.1, None)).verdict == "ungated"
    assert delta_of("s", metric(0.9), None).verdict == "missing"
    assert delta_of("s", None, metric(0.5)).verdict == "new"


def test_a_metric_without_a_value_is_unjudged_with_its_reason_and_never_fails() -> None:
    unjudged = metric(None).model_copy(update={"note": "not judged: no model tier is configured"})

    dropped = delta_of("s", metric(0.9), unjudged)
    gained = delta_of("s", unjudged, metric(0.9))

    assert [dropped.verdict, gained.verdict] == ["unjudged", "unjudged"]
    assert not dropped.fails and not gained.fails
    assert dropped.note == "this run: not judged: no model tier is configured"
    assert gained.note.startswith("baseline: not judged")
    assert dropped.delta is None and dropped.low is None


def test_a_gated_value_lost_for_any_reason_but_not_being_judged_is_missing_and_fails() -> None:
    no_items = metric(None).model_copy(update={"note": "no items"})

    lost = delta_of("s", metric(0.9), no_items)

    assert lost.verdict == "missing" and lost.fails
    assert lost.note == "this run: no value (no items)"


def test_a_value_neither_run_has_loses_nothing_and_one_only_this_run_has_is_new() -> None:
    no_items = metric(None).model_copy(update={"note": "no items"})

    assert delta_of("s", no_items, no_items).verdict == "ungated"
    assert delta_of("s", no_items, metric(0.9)).verdict == "new"
    assert not delta_of("s", no_items, no_items).fails


def _run(status: str, value: float | None) -> RunRecord:
    metrics = [] if value is None else [metric(value)]
    suite = SuiteRecord(name="toy", status=status, metrics=metrics)  # type: ignore[arg-type]
    return RunRecord(
        run_id="r",
        started_at="",
        git_commit=None,
        git_dirty=None,
        tier="rules",
        limit=None,
        smoke=False,
        seed=0,
        suites=[suite],
        seconds=0.0,
    )


def test_a_suite_that_failed_in_the_new_run_fails_the_gate() -> None:
    deltas = compare(_run("passed", 0.8), _run("failed", None))

    assert [d.verdict for d in deltas] == ["missing"]
    assert failed(deltas)


def test_a_suite_the_baseline_did_not_run_is_not_judged() -> None:
    assert compare(_run("skipped", None), _run("passed", 0.8)) == []


def test_a_run_whose_judged_metrics_were_not_judged_passes_the_gate() -> None:
    unjudged = _run("passed", 0.8)
    unjudged.suites[0].metrics[0].value = None
    unjudged.suites[0].metrics[0].note = "not judged: no model tier"

    deltas = compare(_run("passed", 0.8), unjudged)

    assert [d.verdict for d in deltas] == ["unjudged"]
    assert not failed(deltas)


def test_a_run_whose_gated_metric_lost_its_value_fails_the_gate() -> None:
    empty = _run("passed", 0.8)
    empty.suites[0].metrics[0].value = None
    empty.suites[0].metrics[0].note = "no items"

    deltas = compare(_run("passed", 0.8), empty)

    assert [d.verdict for d in deltas] == ["missing"]
    assert failed(deltas)


def test_runs_of_another_profile_or_other_data_are_mismatched_and_another_tier_only_reported() -> None:
    baseline = _run("passed", 0.8)
    baseline.suites[0].datasets = {"answers": "sha256:aaa", "extra": "sha256:eee"}
    current = _run("passed", 0.8).model_copy(update={"smoke": True, "limit": 5, "tier": "bedrock:x"})
    current.suites[0].datasets = {"answers": "sha256:bbb"}

    found = {m.what: m for m in mismatches(baseline, current)}

    assert list(found) == ["smoke", "limit", "tier", "dataset toy/answers", "dataset toy/extra"]
    assert [m.what for m in found.values() if not m.refused] == ["tier"]
    assert str(found["limit"]) == "limit: baseline None, this run 5"
    assert (found["dataset toy/extra"].baseline, found["dataset toy/extra"].current) == (
        "sha256:eee",
        "absent",
    )
    assert mismatches(baseline, baseline) == []


def test_datasets_of_a_suite_that_did_not_run_in_both_are_not_compared() -> None:
    baseline = _run("passed", 0.8)
    baseline.suites[0].datasets = {"answers": "sha256:aaa"}

    assert mismatches(baseline, _run("skipped", None)) == []
