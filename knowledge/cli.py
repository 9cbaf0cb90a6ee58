"""`pakka size ...` and `import-chart`: typer sub-apps that api/cli.py mounts.

`chart_import` can also be registered on another group, e.g. `kb_app.command("import-chart")(chart_import)`.

Merchant charts live in `<PAKKA_DATA_DIR>/charts/{footwear,apparel}` and override curated charts of the
same brand, so a chart imported with `import-chart` is used by `size foot` and `size body` straight away.

`size foot` computes exactly what the API's recommendations compute for a foot
(`knowledge.sizing.footwear.footwear_fit`, the same charts): the only input a person types that the API
measures is the uncertainty. A photo scan (`POST /v1/scan/foot`) reports its own `length_sigma_mm`; a length
stored without one is taken as right to ±DEFAULT_SIGMA_MM, and so is a length typed here unless
`--sigma-mm` says otherwise. Both defaults are this one constant (a test keeps the decision graph's equal).

The sizing modules load only when a size command runs, so `pakka kb ...` (which mounts `import-chart`) and
`pakka --help` do not pay for them.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, cast

import typer
from rich.markup import escape
from rich.table import Table

from core.cli_support import console, id_column, print_error
from core.errors import PakkaError

if TYPE_CHECKING:
    from knowledge.sizing.charts import ChartLibrary
    from knowledge.sizing.footwear import FootwearFit

size_app = typer.Typer(help="Size recommendations from measurements.", no_args_is_help=True)
chart_app = typer.Typer(help="Manage brand size charts.", no_args_is_help=True)
DataDir = Annotated[Path | None, typer.Option(help="Merchant data directory (default PAKKA_DATA_DIR).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (errors too) instead of text.")]

DEFAULT_SIGMA_MM = 3.0
"""Uncertainty (1 sd) of a foot length that comes without its own: about what a tape measure at home gives.
The decision graph assumes the same for stored lengths without one (graphs.decision.UNKNOWN_SIGMA_MM)."""
FOOT_LENGTH_MM = (80.0, 400.0)
WIDTH_SHARE_OF_LENGTH = (0.2, 0.7)
MAX_SIGMA_MM = 30.0
"""The bounds footwear_fit checks (a test keeps these equal to what it refuses): checked here first so that
every problem is reported at once, not only the first."""


def merchant_charts_dir(data_dir: Path | None) -> Path:
    if data_dir is not None:
        return data_dir / "charts"
    from core.settings import Settings

    return Settings().data_dir / "charts"


def chart_library(data_dir: Path | None) -> ChartLibrary:
    """Curated charts, overridden by the merchant's imported ones."""
    from knowledge.sizing.charts import CHARTS_DIR, ChartLibrary

    return ChartLibrary.from_dirs(CHARTS_DIR, merchant_charts_dir(data_dir))


def foot_problems(
    length_mm: float, width_mm: float | None, sigma_mm: float, width_sigma_mm: float | None
) -> list[str]:
    """Every reason these measurements cannot be sized, one line each (empty when they can)."""
    problems = []
    low, high = FOOT_LENGTH_MM
    if not math.isfinite(length_mm) or not low <= length_mm <= high:
        problems.append(
            f"--length-mm: {length_mm:g} mm is not a foot length (between {low:g} and {high:g} mm)"
        )
    if width_mm is not None:
        if not math.isfinite(width_mm) or width_mm <= 0:
            problems.append(f"--width-mm: {width_mm:g} mm must be a positive width")
        elif math.isfinite(length_mm) and low <= length_mm <= high:
            narrowest, widest = (share * length_mm for share in WIDTH_SHARE_OF_LENGTH)
            if not narrowest <= width_mm <= widest:
                problems.append(
                    f"--width-mm: {width_mm:g} mm is implausible for a {length_mm:g} mm foot "
                    f"(between {narrowest:.0f} and {widest:.0f} mm)"
                )
    for option, sigma in (("--sigma-mm", sigma_mm), ("--width-sigma-mm", width_sigma_mm)):
        if sigma is not None and (not math.isfinite(sigma) or not 0 < sigma <= MAX_SIGMA_MM):
            problems.append(f"{option}: {sigma:g} mm must be above 0 and at most {MAX_SIGMA_MM:g} mm")
    return problems


@size_app.command("foot")
def size_foot(
    length_mm: Annotated[float, typer.Option(help="Foot length, heel to longest toe, in mm.")],
    width_mm: Annotated[float | None, typer.Option(help="Forefoot width in mm.")] = None,
    brand: Annotated[str | None, typer.Option(help="Brand; unknown brands use the standard chart.")] = None,
    sigma_mm: Annotated[
        float,
        typer.Option(
            help="Uncertainty of the length (1 sd) in mm: a photo scan reports its own (length_sigma_mm); "
            "the default is what the API assumes for a length without one."
        ),
    ] = DEFAULT_SIGMA_MM,
    width_sigma_mm: Annotated[
        float | None, typer.Option(help="Uncertainty of the width (1 sd) in mm (default: --sigma-mm).")
    ] = None,
    as_json: JsonFlag = False,
    data_dir: DataDir = None,
) -> None:
    """Print the probability that each size fits this foot (what the API's recommendations compute)."""
    from knowledge.sizing.footwear import footwear_fit

    problems = foot_problems(length_mm, width_mm, sigma_mm, width_sigma_mm)
    if problems:
        _fail_with("INVALID_INPUT", "these measurements cannot be sized", problems, as_json)
    try:
        fit = footwear_fit(
            length_mm,
            width_mm,
            sigma_mm,
            brand,
            library=chart_library(data_dir),
            width_sigma_mm=width_sigma_mm,
        )
    except PakkaError as error:
        _fail(error, as_json)
    if as_json:
        typer.echo(fit.model_dump_json(indent=2))
        return
    console.print(_foot_table(fit, length_mm, width_mm))
    console.print(_verdict(fit.recommended, fit.between_sizes, fit.low_confidence, brand))
    width = "" if width_mm is None else f", width {width_mm:g} ± {width_sigma_mm or sigma_mm:g} mm"
    console.print(
        f"[dim]Assumed: length {length_mm:g} ± {sigma_mm:g} mm (1 sd){width}. A photo scan reports its own "
        f"uncertainty; pass it as --sigma-mm to get the API's numbers.[/dim]"
    )


def _foot_table(fit: FootwearFit, length_mm: float, width_mm: float | None) -> Table:
    chart = f"{fit.brand} chart" if fit.brand and not fit.low_confidence else "Standard chart"
    foot = f"{length_mm:g} mm" + (f" x {width_mm:g} mm" if width_mm is not None else "")
    table = Table(
        title=f"{escape(chart)}: which size fits a {foot} foot",
        caption=escape(f"chart {fit.chart_id} ({fit.chart_kind}; {fit.chart_source})"),
    )
    for column in ("size", "fit probability", "EU", "US men", "US women", "foot mm"):
        table.add_column(column)
    id_column(table, "row")
    for size in fit.sizes:
        if size.length_probability >= 0.01:
            table.add_row(
                size.size,
                f"{size.probability:.0%}",
                f"{size.eu:g}",
                f"{size.us_men:g}",
                f"{size.us_women:g}",
                f"{size.foot_min_mm:g}-{size.foot_max_mm:g}",
                size.row_id,
            )
    return table


@size_app.command("body")
def size_body(
    category: Annotated[str, typer.Option(help="tops, bottoms, ethnic or a subcategory such as Jeans.")],
    brand: Annotated[str | None, typer.Option(help="Brand; unknown brands use the standard chart.")] = None,
    chest_cm: Annotated[float | None, typer.Option(help="Chest or bust in cm.")] = None,
    waist_cm: Annotated[float | None, typer.Option(help="Waist in cm.")] = None,
    hip_cm: Annotated[float | None, typer.Option(help="Hip in cm.")] = None,
    inseam_cm: Annotated[float | None, typer.Option(help="Inseam in cm.")] = None,
    sigma_cm: Annotated[float, typer.Option(help="Measurement uncertainty (1 sd) in cm.")] = 2.0,
    fit: Annotated[str, typer.Option(help="Preferred fit: slim, regular or relaxed.")] = "regular",
    gender: Annotated[str, typer.Option(help="men, women or unisex.")] = "unisex",
    as_json: JsonFlag = False,
    data_dir: DataDir = None,
) -> None:
    """Print the probability that each apparel size fits these body measurements."""
    from knowledge.sizing.apparel import Measurement, apparel_fit
    from knowledge.sizing.charts import FitType, Gender

    given = {"chest_cm": chest_cm, "waist_cm": waist_cm, "hip_cm": hip_cm, "inseam_cm": inseam_cm}
    if fit not in ("slim", "regular", "relaxed"):
        raise typer.BadParameter("must be slim, regular or relaxed", param_hint="--fit")
    if gender not in ("men", "women", "unisex"):
        raise typer.BadParameter("must be men, women or unisex", param_hint="--gender")
    try:
        measurements = {
            name: Measurement(value_cm=value, sigma_cm=sigma_cm)
            for name, value in given.items()
            if value is not None
        }
        result = apparel_fit(
            measurements,
            brand,
            category,
            cast(FitType, fit),
            gender=cast(Gender, gender),
            library=chart_library(data_dir),
        )
    except PakkaError as error:
        _fail(error, as_json)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    chart = f"{result.brand} chart" if result.brand and not result.low_confidence else "Standard chart"
    table = Table(
        title=escape(f"{chart}: {result.garment}, {result.brand_fit_type} cut"),
        caption=escape(f"chart {result.chart_id}"),
    )
    for column in ("size", "fit probability", "wears", "India"):
        table.add_column(column)
    id_column(table, "row")
    for size in result.sizes:
        if size.probability >= 0.01:
            table.add_row(size.size, f"{size.probability:.0%}", size.fit_type, size.india or "", size.row_id)
    console.print(table)
    console.print(_verdict(result.recommended, result.between_sizes, result.low_confidence, brand))


@chart_app.callback()
def charts() -> None:
    """Manage brand size charts (the format is in knowledge/data/charts/FORMAT.md)."""


@chart_app.command("import-chart")
def chart_import(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Chart YAML/JSON.")
    ],
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Validate a size chart (see knowledge/data/charts/FORMAT.md) and store it for the merchant."""
    from knowledge.sizing.charts import import_chart

    try:
        stored = import_chart(file, merchant_charts_dir(data_dir))
    except PakkaError as error:
        _fail(error, as_json)
    typer.echo(f"imported {stored}")


def _verdict(recommended: list[str], between: bool, low_confidence: bool, brand: str | None) -> str:
    if not recommended:
        text = "No size in this chart is likely to fit."
    elif between:
        text = f"Between sizes: {' and '.join(recommended)}."
    else:
        text = f"Best size: {recommended[0]}."
    if low_confidence:
        text += (
            f" (No chart for {brand}: standard chart, lower confidence.)"
            if brand
            else " (No brand given: standard chart.)"
        )
    return text


def _fail(error: PakkaError, as_json: bool) -> NoReturn:
    details = dict(error.details)
    problems = [str(problem) for problem in details.pop("problems", [])]
    _fail_with(error.code, error.message, problems, as_json, details)


def _fail_with(
    code: str, message: str, problems: list[str], as_json: bool, details: dict[str, object] | None = None
) -> NoReturn:
    """Exit 2 (bad input) after printing the error: for people, or as JSON under --json."""
    print_error(code, message, problems, as_json=as_json, details=details)
    raise typer.Exit(code=2)
