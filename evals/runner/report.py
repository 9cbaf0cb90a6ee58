"""report.html: one self-contained page per run (metric tables, plots as PNG data URIs, and against a
baseline run the deltas with their intervals)."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from evals.runner.compare import Delta, compare
from evals.runner.plots import png
from evals.runner.records import REPORT, RunRecord, SuiteRecord, read_items, read_record, run_dir
from evals.runner.suite import Plot

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem}
td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}
.skipped{color:#8a6d00}.failed,.worse,.missing{color:#b00020;font-weight:bold}.better{color:#1b5e20}
.plots img{max-width:32rem;margin:.25rem}
code{font-size:.9em}
"""


def number(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}g}"


def shown_value(value: float | None, note: str = "") -> str:
    """A metric's value, or for one without a value "not judged: <why>" (its note)."""
    if value is not None:
        return number(value)
    return f"not judged: {note.removeprefix('not judged: ') or 'no value'}"


def interval(low: float | None, high: float | None) -> str:
    return "" if low is None or high is None else f"[{number(low)}, {number(high)}]"


def data_uri(plot: Plot) -> str:
    return "data:image/png;base64," + base64.b64encode(png(plot)).decode("ascii")


def _suite_section(suite: SuiteRecord) -> str:
    e = html.escape
    parts = [
        f'<h2 id="{e(suite.name)}">{e(suite.name)} <small class="{suite.status}">{suite.status}</small></h2>'
    ]
    if suite.description:
        parts.append(f"<p>{e(suite.description)}</p>")
    if suite.reason:
        parts.append(f'<p class="{suite.status}">{e(suite.reason)}</p>')
    if suite.metrics:
        rows = "".join(
            f"<tr><td>{e(m.name)}</td><td>{e(shown_value(m.value, m.note))}</td>"
            f"<td>{interval(m.low, m.high)}</td>"
            f"<td>{'' if m.n is None else m.n}</td><td>{e(m.direction.value if m.direction else '')}</td>"
            f"<td>{number(m.tolerance)}</td>"
            f"<td>{e(m.description if m.value is None else m.note or m.description)}</td></tr>"
            for m in suite.metrics
        )
        parts.append(
            "<table><tr><th>metric</th><th>value</th><th>95% interval</th><th>n</th><th>better</th>"
            f"<th>tolerance</th><th>note</th></tr>{rows}</table>"
        )
    if suite.datasets:
        parts.append(
            "<p>datasets: "
            + ", ".join(f"{e(name)} <code>{e(h[:19])}</code>" for name, h in suite.datasets.items())
            + f"; {suite.items} items; {suite.seconds:.1f} s</p>"
        )
    if suite.skipped_parts:
        parts.append(f'<p class="skipped">partial run: {len(suite.skipped_parts)} part(s) skipped</p>')
    if suite.notes:
        parts.append("<ul>" + "".join(f"<li>{e(note)}</li>" for note in suite.notes) + "</ul>")
    if suite.plots:
        images = "".join(
            f'<img alt="{e(plot.title)}" title="{e(plot.title)}" src="{data_uri(plot)}">'
            for plot in suite.plots
        )
        parts.append(f'<div class="plots">{images}</div>')
    return "\n".join(parts)


def deltas_table(deltas: list[Delta]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(d.suite)}</td><td>{e(d.metric)}</td><td>{number(d.baseline)}</td><td>{number(d.current)}</td>"
        f"<td>{number(d.delta)}</td><td>{interval(d.low, d.high)}</td><td>{e(d.interval_label)}</td>"
        f'<td>{number(d.tolerance)}</td><td class="{d.verdict}">{d.verdict}</td><td>{e(d.note)}</td></tr>'
        for d in deltas
    )
    return (
        "<table><tr><th>suite</th><th>metric</th><th>baseline</th><th>this run</th><th>delta</th>"
        "<th>~95% interval</th><th>interval</th><th>tolerance</th><th>verdict</th><th>note</th></tr>"
        f"{rows}</table><p>interval: paired, a bootstrap of the per-item differences over the items both "
        "runs share; independent, the two runs' intervals combined as if unrelated.</p>"
    )


def render(
    record: RunRecord,
    baseline: RunRecord | None = None,
    items: Iterable[Mapping[str, Any]] | None = None,
    baseline_items: Iterable[Mapping[str, Any]] | None = None,
) -> str:
    """The page; with both runs' items.jsonl rows the deltas' intervals are paired where they can be."""
    e = html.escape
    head = (
        f"<p>commit <code>{e(record.git_commit or 'unknown')}</code>"
        f"{' (uncommitted changes)' if record.git_dirty else ''}, tier <code>{e(record.tier)}</code>, "
        f"started {e(record.started_at)}, {record.seconds:.1f} s"
        f"{', limit ' + str(record.limit) if record.limit is not None else ''}"
        f"{', smoke profile' if record.smoke else ''}"
        + (
            ", settings overridden: "
            + ", ".join(f"<code>{e(k)}={e(v)}</code>" for k, v in record.overrides.items())
            if record.overrides
            else ""
        )
        + "</p>"
    )
    summary = "".join(
        f'<tr><td><a href="#{e(s.name)}">{e(s.name)}</a></td><td class="{s.status}">{s.status}'
        f"{' (partial)' if s.skipped_parts else ''}</td><td>{len(s.metrics)}</td><td>{s.items}</td>"
        f"<td>{s.seconds:.1f}</td></tr>"
        for s in record.suites
    )
    sections = [
        f"<h1>pakka eval run {e(record.run_id)}</h1>",
        head,
        "<table><tr><th>suite</th><th>status</th><th>metrics</th><th>items</th><th>seconds</th></tr>"
        f"{summary}</table>",
    ]
    timed = [s for s in record.suites if s.status != "skipped"]
    if timed:
        seconds = Plot.bars(
            "Seconds per suite", [s.name for s in timed], {"seconds": [s.seconds for s in timed]}
        )
        sections.append(f'<div class="plots"><img alt="{e(seconds.title)}" src="{data_uri(seconds)}"></div>')
    if baseline is not None:
        sections.append(f"<h2>Against baseline {e(baseline.run_id)}</h2>")
        sections.append(deltas_table(compare(baseline, record, baseline_items, items)))
    sections += [_suite_section(suite) for suite in record.suites]
    body = "\n".join(sections)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>pakka eval {e(record.run_id)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def write_report(directory: Path, record: RunRecord, baseline: Path | None = None) -> Path:
    """report.html of the run in `directory`, against the run in `baseline` (a folder or results.json)."""
    path = run_dir(directory) / REPORT
    if baseline is None:
        page = render(record)
    else:
        page = render(record, read_record(baseline), read_items(directory), read_items(baseline))
    path.write_text(page, encoding="utf-8")
    return path
