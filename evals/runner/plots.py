"""Draw a suite's plots (evals/runner/suite.Plot) with matplotlib into PNG bytes, off-screen: a bare Figure,
no pyplot, so no GUI backend and no global figure state."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from evals.runner.suite import Plot

SIZE = (6.0, 3.6)
DPI = 96


def png(plot: Plot) -> bytes:
    figure = Figure(figsize=SIZE, dpi=DPI)
    axes = figure.subplots()
    {"reliability": _reliability, "histogram": _histogram, "bars": _bars}[plot.kind](axes, plot)
    axes.set_title(plot.title, fontsize=10)
    axes.set_xlabel(plot.xlabel)
    axes.set_ylabel(plot.ylabel)
    figure.tight_layout()
    return _encoded(figure)


def _encoded(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _curves(plot: Plot) -> dict[str, dict[str, list[float]]]:
    curves: dict[str, dict[str, list[float]]] = {}
    for key, values in plot.series.items():
        label, _, field = key.rpartition(":")
        curves.setdefault(label, {})[field] = values
    return curves


def _reliability(axes: Axes, plot: Plot) -> None:
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfect")
    for label, curve in _curves(plot).items():
        sizes = [10 + 60 * c / max(max(curve.get("count", [1])), 1) for c in curve.get("count", [])] or None
        axes.plot(curve["confidence"], curve["observed"], marker="o", markersize=3, label=label or "observed")
        if sizes:
            axes.scatter(curve["confidence"], curve["observed"], s=sizes, alpha=0.3)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.legend(fontsize=8)


def _histogram(axes: Axes, plot: Plot) -> None:
    every = [value for values in plot.series.values() for value in values]
    if not every:
        return
    largest = max(len(values) for values in plot.series.values())
    edges = np.histogram_bin_edges(every, bins=min(30, max(5, largest // 5)))  # one set of bins for all
    for label, values in plot.series.items():
        if values:
            axes.hist(values, bins=edges, alpha=0.6, label=label)
    if len(plot.series) > 1:
        axes.legend(fontsize=8)


def _bars(axes: Axes, plot: Plot) -> None:
    main = [key for key in plot.series if not key.endswith((":low", ":high"))]
    width = 0.8 / max(len(main), 1)
    positions = range(len(plot.labels))
    for index, key in enumerate(main):
        values = plot.series[key]
        low, high = plot.series.get(f"{key}:low"), plot.series.get(f"{key}:high")
        errors = None
        if low is not None and high is not None:
            errors = [
                [max(v - lo, 0) for v, lo in zip(values, low, strict=True)],
                [max(hi - v, 0) for v, hi in zip(values, high, strict=True)],
            ]
        axes.bar(
            [p + index * width for p in positions], values, width=width, yerr=errors, capsize=2, label=key
        )
    axes.set_xticks([p + width * (len(main) - 1) / 2 for p in positions])
    axes.set_xticklabels(plot.labels, rotation=30, ha="right", fontsize=8)
    if len(main) > 1:
        axes.legend(fontsize=8)
