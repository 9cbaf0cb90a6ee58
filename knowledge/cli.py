"""`pakka size ...` and `import-chart`: typer sub-apps that api/cli.py mounts.

`chart_import` can also be registered on another group, e.g. `kb_app.command("import-chart")(chart_import)`.

Merchant charts live in `<PAKKA_DATA_DIR>/charts/{footwear,apparel}` and override curated charts of the
same brand, so a chart imported with `import-chart` is used by `size foot` and `size body` straight away.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn, cast

import typer
from rich.console import Console
from rich.table import Table

from core.errors import PakkaError
from core.settings import Settings
from knowledge.sizing.apparel import Measurement, apparel_fit
from knowledge.sizing.charts import CHARTS_DIR, ChartLibrary, FitType, Gender, import_chart
from knowledge.sizing.footwear import footwear_fit

size_app = typer.Typer(help="Size recommendations from measurements.", no_args_is_help=True)
chart_app = typer.Typer(help="Manage brand size charts.", no_args_is_help=True)
DataDir = Annotated[Path | None, typer.Option(help="Merchant data directory (default PAKKA_DATA_DIR).")]


def merchant_charts_dir(data_dir: Path | None) -> Path:
    return (data_dir or Settings().data_dir) / "charts"


def chart_library(data_dir: Path | None) -> ChartLibrary:
    """Curated charts, overridden by the merchant's imported ones."""
    return ChartLibrary.from_dirs(CHARTS_DIR, merchant_charts_dir(data_dir))


@size_app.command("foot")
def size_foot(
    length_mm: Annotated[float, typer.Option(help="Foot length, heel to longest toe, in mm.")],
    width_mm: Annotated[float | None, typer.Option(help="Forefoot width in mm.")] = None,
    brand: Annotated[str | None, typer.Option(help="Brand; unknown brands use the standard chart.")] = None,
    sigma_mm: Annotated[float, typer.Option(help="Measurement uncertainty (1 sd) in mm.")] = 3.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Print the probability that each size fits this foot."""
    try:
        fit = footwear_fit(length_mm, width_mm, sigma_mm, brand, library=chart_library(data_dir))
    except PakkaError as error:
        _fail(error)
    if as_json:
        typer.echo(fit.model_dump_json(indent=2))
        return
    table = Table(title=f"{fit.brand or 'Standard'} ({fit.chart_kind} chart {fit.chart_id})")
    for column in ("size", "fit probability", "EU", "US men", "US women", "foot mm", "row"):
        table.add_column(column)
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
    console = Console()
    console.print(table)
    console.print(_verdict(fit.recommended, fit.between_sizes, fit.low_confidence))


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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Print the probability that each apparel size fits these body measurements."""
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
        _fail(error)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    table = Table(
        title=f"{result.brand or 'Standard'} {result.garment} ({result.brand_fit_type} cut, "
        f"chart {result.chart_id})"
    )
    for column in ("size", "fit probability", "wears", "India", "row"):
        table.add_column(column)
    for size in result.sizes:
        if size.probability >= 0.01:
            table.add_row(size.size, f"{size.probability:.0%}", size.fit_type, size.india or "", size.row_id)
    console = Console()
    console.print(table)
    console.print(_verdict(result.recommended, result.between_sizes, result.low_confidence))


@chart_app.callback()
def charts() -> None:
    """Manage brand size charts (the format is in knowledge/data/charts/FORMAT.md)."""


@chart_app.command("import-chart")
def chart_import(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Chart YAML/JSON.")
    ],
    data_dir: DataDir = None,
) -> None:
    """Validate a size chart (see knowledge/data/charts/FORMAT.md) and store it for the merchant."""
    try:
        stored = import_chart(file, merchant_charts_dir(data_dir))
    except PakkaError as error:
        _fail(error)
    typer.echo(f"imported {stored}")


def _verdict(recommended: list[str], between: bool, low_confidence: bool) -> str:
    if not recommended:
        text = "No size in this chart is likely to fit."
    elif between:
        text = f"Between sizes: {' and '.join(recommended)}."
    else:
        text = f"Best size: {recommended[0]}."
    return text + (" (No chart for this brand: standard chart, lower confidence.)" if low_confidence else "")


def _fail(error: PakkaError) -> NoReturn:
    problems = error.details.get("problems", [])
    typer.echo(
        json.dumps({"error": {"code": error.code, "message": error.message, "problems": problems}}), err=True
    )
    raise typer.Exit(code=2)
