"""Footwear fit: the probability that each size of a brand fits a measured foot.

How shoes fit: a size is made on a last of one length, and fits every foot that leaves a toe allowance
between `ToeAllowance.min_mm` and `max_mm` in it (knowledge/data/footwear/toe_allowance.yaml, with its
sources). A chart row gives the foot lengths the size is designed for (its last length less the chart's own
`toe_allowance_mm`, +- a quarter size); the range it FITS is wider, so neighbouring sizes overlap as they do
in life: a foot fits two neighbouring half sizes, and a foot between two whole sizes can wear either.

The measurement model: the true foot length is Normal(measured length, sigma). A size fits when the true
length lies in the size's fitting range AND the foot's width-to-length ratio lies in the range of the
width fitting (the chart's, or the product's own). Length and width are treated as independent.
"""

from __future__ import annotations

import math
from functools import lru_cache

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.errors import InvalidInput
from knowledge.data import DATA_DIR
from knowledge.sizing.charts import ChartLibrary, FootwearChart, FootwearRow, curated_library
from knowledge.sizing.probability import probability_within

WIDTH_FITTINGS_FILE = DATA_DIR / "footwear" / "width_fittings.yaml"
TOE_ALLOWANCE_FILE = DATA_DIR / "footwear" / "toe_allowance.yaml"
FITS_WELL = 0.8
"""A size this likely to fit on length needs no second opinion: the foot is not between sizes."""
BETWEEN_SIZES_SHARE = 0.3  # below FITS_WELL, two sizes each this likely on length: the foot is between them
MIN_SHOWN_PROBABILITY = 0.01
TOE_ALLOWANCE_CITATION = "fit:toe-allowance"
"""The citation id of the toe allowance a size's fitting range comes from (its sources: `toe_allowance()`)."""


class WidthFitting(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    ratio_min: float = Field(gt=0, lt=1)
    ratio_max: float = Field(gt=0, lt=1)
    uk_letters: list[str]
    source: str = Field(min_length=3)


class AllowanceSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=3)
    url: str = Field(pattern=r"^https?://\S+$")
    note: str = Field(min_length=3)


class ToeAllowance(BaseModel):
    """The room in front of the toes (mm) with which a shoe still fits, and where those numbers come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_mm: float = Field(gt=0, lt=40)
    ideal_mm: float = Field(gt=0, lt=40)
    max_mm: float = Field(gt=0, lt=40)
    sources: list[AllowanceSource] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> ToeAllowance:
        if not self.min_mm < self.ideal_mm < self.max_mm:
            raise ValueError("the toe allowance needs min_mm < ideal_mm < max_mm")
        return self


def distance_from_design(length_mm: float, foot_min_mm: float, foot_max_mm: float) -> float:
    """How far (mm) a foot is from the middle of the lengths a size is designed for (ties between sizes go to
    the nearer one)."""
    return abs(length_mm - (foot_min_mm + foot_max_mm) / 2)


class SizeFit(BaseModel):
    """One size of the chart: how likely it fits, and the chart row behind the number (for citations)."""

    size: str
    probability: float
    length_probability: float
    row_id: str
    foot_min_mm: float = Field(description="The foot lengths the chart row is designed for (its middle half)")
    foot_max_mm: float
    fit_min_mm: float = Field(description="The shortest foot this size fits (the largest toe allowance)")
    fit_max_mm: float = Field(description="The longest foot this size fits (the smallest toe allowance)")
    uk: float
    eu: float
    us_men: float
    us_women: float
    india: float
    mondopoint: int

    def distance_from_design(self, length_mm: float) -> float:
        return distance_from_design(length_mm, self.foot_min_mm, self.foot_max_mm)


class FootwearFit(BaseModel):
    brand: str | None
    chart_id: str
    chart_kind: str
    chart_source: str
    low_confidence: bool = Field(description="True when the brand has no chart and the standard one was used")
    width_fitting: str
    width_ratio: float | None
    width_probability: float | None = Field(description="None when no width was measured")
    sizes: list[SizeFit] = Field(description="Every size of the chart, most likely fit first")
    recommended: list[str] = Field(description="The best size, or the two sizes a foot falls between")
    between_sizes: bool
    rows_used: list[str] = Field(description="Row ids of the sizes with a real chance of fitting")


@lru_cache(maxsize=1)
def width_fittings() -> dict[str, WidthFitting]:
    rows = yaml.safe_load(WIDTH_FITTINGS_FILE.read_text(encoding="utf-8"))
    return {fitting.name: fitting for fitting in (WidthFitting.model_validate(row) for row in rows)}


@lru_cache(maxsize=1)
def toe_allowance() -> ToeAllowance:
    """The curated toe allowance (knowledge/data/footwear/toe_allowance.yaml), read once."""
    return ToeAllowance.model_validate(yaml.safe_load(TOE_ALLOWANCE_FILE.read_text(encoding="utf-8")))


def fitting_range(chart: FootwearChart, row: FootwearRow, allowance: ToeAllowance) -> tuple[float, float]:
    """(shortest, longest) foot the size fits: the row's last length (the middle of its designed range plus
    the chart's own toe allowance) less the largest and the smallest allowance that still fits."""
    last_mm = (row.foot_min_mm + row.foot_max_mm) / 2 + chart.toe_allowance_mm
    return round(last_mm - allowance.max_mm, 1), round(last_mm - allowance.min_mm, 1)


def footwear_fit(
    length_mm: float,
    width_mm: float | None,
    sigma_mm: float,
    brand: str | None = None,
    *,
    library: ChartLibrary | None = None,
    width_fitting: str | None = None,
    width_sigma_mm: float | None = None,
) -> FootwearFit:
    """Per-size fit probabilities for a foot against the brand's chart (standard chart for unknown brands).

    `width_fitting` names the product's own fitting when it differs from the chart's (a wide style of a
    standard brand); `width_sigma_mm` is the width's own uncertainty (the length's when not given)."""
    check_measurements(length_mm, width_mm, sigma_mm)
    charts = library or curated_library()
    chart = charts.footwear_chart(brand)
    low_confidence = chart is None
    if chart is None:
        chart = standard_chart(charts)
    fitting = width_fitting if width_fitting in width_fittings() else chart.width_fitting
    width_ratio, width_probability = width_fit(length_mm, width_mm, sigma_mm, width_sigma_mm, fitting)
    width_factor = 1.0 if width_probability is None else width_probability
    allowance = toe_allowance()
    sizes = sorted(
        (_size_fit(chart, row, allowance, length_mm, sigma_mm, width_factor) for row in chart.rows),
        key=lambda fit: (-fit.probability, fit.distance_from_design(length_mm)),
    )
    by_length = sorted(sizes, key=lambda fit: (-fit.length_probability, fit.distance_from_design(length_mm)))
    best = by_length[0]
    between = (
        len(by_length) > 1
        and best.length_probability < FITS_WELL
        and by_length[1].length_probability >= BETWEEN_SIZES_SHARE
    )
    if between:
        recommended = [fit.size for fit in sorted(by_length[:2], key=lambda fit: fit.foot_min_mm)]
    else:
        recommended = [best.size] if best.length_probability >= MIN_SHOWN_PROBABILITY else []
    return FootwearFit(
        brand=brand,
        chart_id=chart.id,
        chart_kind=chart.kind,
        chart_source=chart.source_url or chart.source,
        low_confidence=low_confidence,
        width_fitting=fitting,
        width_ratio=width_ratio,
        width_probability=width_probability,
        sizes=sizes,
        recommended=recommended,
        between_sizes=between,
        rows_used=[fit.row_id for fit in sizes if fit.length_probability >= MIN_SHOWN_PROBABILITY],
    )


def standard_sizes(length_mm: float, *, library: ChartLibrary | None = None) -> FootwearRow | None:
    """The standard chart row (UK, US, EU, India, Mondopoint) whose range holds this foot length."""
    chart = standard_chart(library or curated_library())
    return next((row for row in chart.rows if row.foot_min_mm <= length_mm < row.foot_max_mm), None)


def standard_chart(charts: ChartLibrary) -> FootwearChart:
    """The library's standard chart (UK, US, EU, India, Mondopoint), or InvalidInput where none is loaded."""
    if charts.standard_footwear is None:
        raise InvalidInput("no standard footwear chart is loaded")
    return charts.standard_footwear


def check_measurements(length_mm: float, width_mm: float | None, sigma_mm: float) -> None:
    """InvalidInput for a foot no chart can be read for: a length outside 80-400 mm, an implausible width, or
    an uncertainty outside (0, 30] mm."""
    if not 80 <= length_mm <= 400 or not math.isfinite(length_mm):
        raise InvalidInput(f"foot length {length_mm} mm is outside 80-400 mm", {"field": "length_mm"})
    if width_mm is not None and not 0.2 * length_mm <= width_mm <= 0.7 * length_mm:
        raise InvalidInput(
            f"foot width {width_mm} mm is implausible for a {length_mm} mm foot", {"field": "width_mm"}
        )
    if not 0 < sigma_mm <= 30:
        raise InvalidInput(
            f"measurement uncertainty {sigma_mm} mm must be above 0 and at most 30 mm", {"field": "sigma_mm"}
        )


def width_fit(
    length_mm: float,
    width_mm: float | None,
    sigma_mm: float,
    width_sigma_mm: float | None,
    fitting_name: str,
) -> tuple[float | None, float | None]:
    """The width ratio and the chance it suits the fitting; sigma of the ratio by error propagation."""
    if width_mm is None:
        return None, None
    fitting = width_fittings()[fitting_name]
    ratio = width_mm / length_mm
    ratio_sigma = ratio * math.hypot((width_sigma_mm or sigma_mm) / width_mm, sigma_mm / length_mm)
    return round(ratio, 4), round(
        probability_within(ratio, ratio_sigma, fitting.ratio_min, fitting.ratio_max), 4
    )


def _size_fit(
    chart: FootwearChart,
    row: FootwearRow,
    allowance: ToeAllowance,
    length_mm: float,
    sigma_mm: float,
    width_factor: float,
) -> SizeFit:
    fit_min, fit_max = fitting_range(chart, row, allowance)
    length_probability = probability_within(length_mm, sigma_mm, fit_min, fit_max)
    return SizeFit(
        size=row.size,
        probability=round(length_probability * width_factor, 4),
        length_probability=round(length_probability, 4),
        row_id=chart.row_id(row.size),
        foot_min_mm=row.foot_min_mm,
        foot_max_mm=row.foot_max_mm,
        fit_min_mm=fit_min,
        fit_max_mm=fit_max,
        uk=row.uk,
        eu=row.eu,
        us_men=row.us_men,
        us_women=row.us_women,
        india=row.india,
        mondopoint=row.mondopoint,
    )
