"""`pakka eval`: offline eval runs. List the suites, run them into records, compare two runs (the regression
gate) and redraw a run's report. How to write a suite: evals/runner/suite.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from core.cli_support import console, error_console

if TYPE_CHECKING:
    from evals.runner.records import RunRecord

eval_app = typer.Typer(
    help="Offline eval runs: suites, records, reports and regression gates.", no_args_is_help=True
)

DEFAULT_OUT = Path(".pakka/evals/runs")


@eval_app.command("list")
def list_suites(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON document instead of a table.")] = False,
) -> None:
    """The suites: what each measures, its datasets (and whether they are here) and its metrics."""
    from evals.suites import registry

    rows = []
    for name in registry.SUITES:
        loaded = registry.load(name)
        suite = loaded.suite
        if suite is None:
            rows.append({"name": name, "error": loaded.error})
            continue
        rows.append(
            {
                "name": name,
                "description": suite.description,
                "datasets": [
                    {
                        "name": d.name,
                        "path": str(d.resolve()),
                        "present": d.present(),
                        "optional": d.optional,
                        "part": d.part,
                    }
                    for d in suite.datasets
                ],
                "metrics": [
                    {"name": m.name, "better": m.direction.value, "tolerance": m.tolerance}
                    for m in suite.metrics
                ],
            }
        )
    if as_json:
        console.print_json(json.dumps(rows))
        return
    table = Table(title="pakka eval suites", show_lines=True)
    for column in ("suite", "measures", "datasets", "metrics (better, tolerance)"):
        table.add_column(column, overflow="fold")
    for row in rows:
        if "error" in row:
            table.add_row(escape(row["name"]), f"[red]{escape(row['error'] or '')}[/red]", "", "")
            continue
        datasets = "\n".join(
            escape(d["name"])
            + (" (optional)" if d["optional"] else "")
            + ("" if d["present"] else " [yellow](missing)[/yellow]")
            for d in row["datasets"]
        )
        metrics = "\n".join(
            f"{escape(m['name'])} ({m['better']}, {m['tolerance']:g})" for m in row["metrics"]
        )
        table.add_row(escape(row["name"]), escape(row["description"]), datasets or "-", metrics)
    console.print(table)


def _overrides(values: list[str]) -> dict[str, str]:
    parsed = {}
    for value in values:
        key, sep, setting = value.partition("=")
        if not sep or not key:
            raise typer.BadParameter(
                f"{value!r}: expected KEY=VALUE (a field of core/settings.py)", param_hint="--set"
            )
        parsed[key.strip()] = setting
    return parsed


@eval_app.command("run")
def run_suites(
    suites: Annotated[
        list[str] | None, typer.Argument(help="Suite names (`pakka eval list`); none with --smoke: all.")
    ] = None,
    tier: Annotated[
        str,
        typer.Option(
            help="Model tier(s) the graphs use (PAKKA_MODEL_TIERS syntax); 'configured': the environment's."
        ),
    ] = "rules",
    limit: Annotated[
        int | None, typer.Option(min=1, help="At most this many items per suite (or per dataset).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Runs are written to OUT/<run-id>/.")] = DEFAULT_OUT,
    as_json: Annotated[bool, typer.Option("--json", help="Print results.json instead of tables.")] = False,
    smoke: Annotated[
        bool, typer.Option("--smoke", help="A tiny profile of each suite (what CI runs).")
    ] = False,
    setting: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a setting for this run: KEY=VALUE (e.g. embedding_model=none)."),
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="A run folder: the report shows the deltas against it (no gate).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap and of any sampling.")] = 0,
    run_id: Annotated[
        str | None, typer.Option(help="The run's folder name (default: time and process).")
    ] = None,
    judge_timeout: Annotated[
        float | None,
        typer.Option(
            min=1,
            help="Seconds per call of a model tier judging explanations (ragas); default: model_timeout_s. "
            "A local llama.cpp judge needs minutes.",
        ),
    ] = None,
) -> None:
    """Run suites into a record: results.json, items.jsonl and report.html under OUT/<run-id>/."""
    from evals.runner import progress
    from evals.runner.report import write_report
    from evals.runner.run import RunOptions, run
    from evals.suites import registry

    names = list(suites or [])
    if not names and not smoke:
        raise typer.BadParameter("name at least one suite (or 'all', or --smoke)", param_hint="SUITES")
    if not names or names == ["all"]:
        names = list(registry.SUITES)
    unknown = [name for name in names if name not in registry.SUITES]
    if unknown:
        raise typer.BadParameter(
            f"unknown suite(s) {unknown}; known: {', '.join(registry.SUITES)}", param_hint="SUITES"
        )
    options = RunOptions(
        suites=names,
        tier=tier,
        limit=limit,
        smoke=smoke,
        seed=seed,
        overrides=_overrides(setting or []),
        out=out,
        show_progress=not as_json and progress.enabled(),
        run_id=run_id,
        judge_timeout_s=judge_timeout,
    )
    try:
        record, directory = run(options)
    except FileExistsError as error:
        error_console.print(f"[red]{escape(str(error))}: that run id is taken; choose another --run-id[/red]")
        raise typer.Exit(code=2) from error
    except ValueError as error:
        error_console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(code=2) from error
    try:
        report = write_report(directory, record, baseline)
    except FileNotFoundError as error:
        error_console.print(f"[red]--baseline: {escape(str(error))}[/red]")
        raise typer.Exit(code=2) from error
    if as_json:
        console.print_json(record.model_dump_json())
    else:
        _print_run(record)
        console.print(f"run: {escape(str(directory))}  report: {escape(str(report))}")
    if any(suite.status == "failed" for suite in record.suites):
        raise typer.Exit(code=1)


def _print_run(record: RunRecord) -> None:
    from evals.runner.report import interval, shown_value

    for suite in record.suites:
        style = {"passed": "green", "skipped": "yellow", "failed": "red"}[suite.status]
        partial = f", {len(suite.skipped_parts)} part(s) skipped" if suite.skipped_parts else ""
        title = (
            f"{escape(suite.name)}: [{style}]{suite.status}[/{style}] "
            f"({suite.items} items, {suite.seconds:.1f} s{partial})"
        )
        if not suite.metrics:
            console.print(title + (f" {escape(suite.reason)}" if suite.reason else ""))
            continue
        table = Table(title=title, title_justify="left")
        for column in ("metric", "value", "95% interval", "n", "better", "note"):
            table.add_column(column, overflow="fold")
        for metric in suite.metrics:
            table.add_row(
                escape(metric.name),
                escape(shown_value(metric.value, metric.note)),
                interval(metric.low, metric.high),
                "" if metric.n is None else str(metric.n),
                metric.direction.value if metric.direction else "",
                "" if metric.value is None else escape(metric.note),
            )
        console.print(table)
        for note in suite.notes:
            console.print(f"  {escape(note)}")


@eval_app.command("compare")
def compare_runs(
    baseline: Annotated[Path, typer.Argument(help="The baseline run's folder (or its results.json).")],
    current: Annotated[Path, typer.Argument(help="The run to judge.")],
    as_json: Annotated[bool, typer.Option("--json", help="The deltas as JSON.")] = False,
    allow_mismatch: Annotated[
        bool,
        typer.Option(
            "--allow-mismatch",
            help="Gate runs made with another --smoke or --limit, or on other datasets, instead of refusing.",
        ),
    ] = False,
) -> None:
    """Deltas of every metric against a baseline run; exits 1 when one is worse than its tolerance, 2 when
    the runs are not comparable (another --smoke or --limit, other dataset contents; a different tier is
    only reported)."""
    from dataclasses import asdict

    from evals.runner.compare import compare, failed, mismatches
    from evals.runner.records import read_items, read_record
    from evals.runner.report import interval, number

    try:
        before, after = read_record(baseline), read_record(current)
    except FileNotFoundError as error:
        error_console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(code=2) from error
    differences = mismatches(before, after)
    if differences:
        error_console.print("[yellow]the runs differ:[/yellow]")
        for difference in differences:
            error_console.print(f"  {escape(str(difference))}")
    refusing = [d.what for d in differences if d.refused]
    if refusing and not allow_mismatch:
        error_console.print(
            f"[red]not comparable: the runs differ in {escape(', '.join(refusing))}; rerun one like the "
            "other, or pass --allow-mismatch to gate them anyway[/red]"
        )
        raise typer.Exit(code=2)
    deltas = compare(before, after, read_items(baseline), read_items(current))
    if as_json:
        console.print_json(json.dumps([asdict(delta) for delta in deltas]))
    else:
        table = Table(title=escape(f"{current} against {baseline}"), title_justify="left")
        for column in (
            "suite",
            "metric",
            "baseline",
            "this run",
            "delta",
            "~95% interval",
            "interval",
            "tolerance",
            "verdict",
            "note",
        ):
            table.add_column(column, overflow="fold")
        for delta in deltas:
            colour = {"worse": "red", "missing": "red", "better": "green"}.get(delta.verdict, "")
            table.add_row(
                escape(delta.suite),
                escape(delta.metric),
                number(delta.baseline),
                number(delta.current),
                number(delta.delta),
                interval(delta.low, delta.high),
                delta.interval_label,
                number(delta.tolerance),
                f"[{colour}]{delta.verdict}[/{colour}]" if colour else delta.verdict,
                escape(delta.note),
            )
        console.print(table)
    if failed(deltas):
        bad = [f"{d.suite}/{d.metric}" for d in deltas if d.fails]
        error_console.print(f"[red]worse than tolerance: {escape(', '.join(bad))}[/red]")
        raise typer.Exit(code=1)


@eval_app.command("report")
def report_run(
    run: Annotated[Path, typer.Argument(help="A run's folder (or its results.json).")],
    baseline: Annotated[Path | None, typer.Option(help="Show the deltas against this run.")] = None,
) -> None:
    """(Re)write a run's report.html from its results.json, optionally against a baseline run."""
    from evals.runner.records import read_record
    from evals.runner.report import write_report

    try:
        report = write_report(run, read_record(run), baseline)
    except FileNotFoundError as error:
        error_console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(code=2) from error
    console.print(escape(str(report)))
