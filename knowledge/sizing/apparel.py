"""Apparel fit: the probability that each size of a brand's chart fits a measured body, for a fit preference.

Chart rows give the BODY measurements a size is cut for, in the chart's own fit type. A shopper who wants
a looser fit than the brand cuts needs a body that is smaller than the row's range by the difference in
ease, so each row's range is shifted by (brand ease - preferred ease) before the Gaussian model is applied.
Dimensions are treated as independent; only the dimensions both measured and charted count.
"""

from __future__ import annotations

from functools import lru_cache

import yaml
from pydantic import BaseModel, ConfigDict, Field

from core.errors import InvalidInput
from knowledge.data import DATA_DIR
from knowledge.sizing.charts import ApparelChart, ApparelRow, ChartLibrary, FitType, Gender, curated_library
from knowledge.sizing.probability import probability_within

FIT_TYPES_FILE = DATA_DIR / "apparel" / "fit_types.yaml"
BETWEEN_SIZES_RATIO = 0.6  # the runner-up this close to the best: the body is between two sizes
MIN_SHOWN_PROBABILITY = 0.01
GARMENT_BY_SUBCATEGORY = {
    "t-shirts": "tops",
    "shirts": "tops",
    "dresses": "tops",
    "blazers": "tops",
    "sweatshirts": "tops",
    "jeans": "bottoms",
    "trousers": "bottoms",
    "track pants": "bottoms",
    "palazzos": "bottoms",
    "kurtas": "ethnic",
    "ethnic sets": "ethnic",
    "ethnic jackets": "ethnic",
}
_EASE_DIMENSION = {"chest_cm": "chest_ease_cm", "waist_cm": "waist_ease_cm", "hip_cm": "hip_ease_cm"}


class Measurement(BaseModel):
    """A body circumference or length in cm with its standard uncertainty."""

    model_config = ConfigDict(frozen=True)

    value_cm: float = Field(gt=20, lt=250)
    sigma_cm: float = Field(gt=0, le=20)


class FitTypeEase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: FitType
    chest_ease_cm: tuple[float, float]
    waist_ease_cm: tuple[float, float]
    hip_ease_cm: tuple[float, float]
    source: str = Field(min_length=3)

    def middle(self, ease_dimension: str) -> float:
        low, high = getattr(self, ease_dimension)
        return float(low + high) / 2


class ApparelSizeFit(BaseModel):
    size: str
    probability: float
    fit_type: str = Field(
        description="How this size would wear on this body: tight, slim, regular, relaxed, oversized"
    )
    dimension_probabilities: dict[str, float]
    row_id: str
    letter: str | None
    numeric: str | None
    india: str | None


class ApparelFit(BaseModel):
    brand: str | None
    garment: str
    chart_id: str
    chart_kind: str
    brand_fit_type: FitType
    fit_preference: FitType
    low_confidence: bool
    dimensions_used: list[str]
    sizes: list[ApparelSizeFit]
    recommended: list[str]
    between_sizes: bool
    rows_used: list[str]


@lru_cache(maxsize=1)
def fit_types() -> dict[str, FitTypeEase]:
    rows = yaml.safe_load(FIT_TYPES_FILE.read_text(encoding="utf-8"))
    return {ease.name: ease for ease in (FitTypeEase.model_validate(row) for row in rows)}


def apparel_fit(
    measurements: dict[str, Measurement],
    brand: str | None,
    category: str,
    fit_preference: FitType = "regular",
    *,
    gender: Gender = "unisex",
    library: ChartLibrary | None = None,
) -> ApparelFit:
    """Per-size probabilities for a body (chest_cm, waist_cm, hip_cm, inseam_cm) in a brand's garment group.

    `category` is a garment group (tops, bottoms, ethnic) or a catalog subcategory such as "Jeans".
    """
    garment = GARMENT_BY_SUBCATEGORY.get(category.lower(), category.lower())
    unknown = sorted(set(measurements) - {"chest_cm", "waist_cm", "hip_cm", "inseam_cm"})
    if unknown:
        raise InvalidInput(f"unknown measurements: {', '.join(unknown)}", {"field": "measurements"})
    charts = library or curated_library()
    chart = _pick(charts.apparel_charts(brand, garment) if brand else [], gender)
    low_confidence = chart is None
    if chart is None:
        standard = [
            c for c in charts.apparel if c.kind == "standard" and c.garment == _standard_garment(garment)
        ]
        chart = _pick(standard, gender)
    if chart is None:
        raise InvalidInput(f"no size chart for {garment}", {"field": "category"})
    used = [name for name in measurements if any(name in row.ranges() for row in chart.rows)]
    if not used:
        raise InvalidInput(
            f"none of the measurements given is in the {chart.name} chart",
            {"field": "measurements", "chart_dimensions": sorted(chart.rows[0].ranges())},
        )
    sizes = sorted(
        (_size_fit(chart, row, measurements, used, fit_preference) for row in chart.rows),
        key=lambda fit: -fit.probability,
    )
    between = len(sizes) > 1 and sizes[1].probability >= max(
        MIN_SHOWN_PROBABILITY, BETWEEN_SIZES_RATIO * sizes[0].probability
    )
    if between:
        order = {row.size: index for index, row in enumerate(chart.rows)}
        recommended = sorted((fit.size for fit in sizes[:2]), key=order.__getitem__)
    else:
        recommended = [sizes[0].size] if sizes[0].probability >= MIN_SHOWN_PROBABILITY else []
    return ApparelFit(
        brand=brand,
        garment=garment,
        chart_id=chart.id,
        chart_kind=chart.kind,
        brand_fit_type=chart.fit_type,
        fit_preference=fit_preference,
        low_confidence=low_confidence,
        dimensions_used=sorted(used),
        sizes=sizes,
        recommended=recommended,
        between_sizes=between,
        rows_used=[fit.row_id for fit in sizes if fit.probability >= MIN_SHOWN_PROBABILITY],
    )


def _pick(charts: list[ApparelChart], gender: Gender) -> ApparelChart | None:
    """The chart for the gender, else a unisex one, else the men's chart (the usual unisex block)."""
    for wanted in (gender, "unisex", "men", "women"):
        found = next((chart for chart in charts if chart.gender == wanted), None)
        if found is not None:
            return found
    return None


def _standard_garment(garment: str) -> str:
    return "bottoms" if garment == "bottoms" else "tops"


def _size_fit(
    chart: ApparelChart,
    row: ApparelRow,
    measurements: dict[str, Measurement],
    used: list[str],
    preference: FitType,
) -> ApparelSizeFit:
    cut, wanted = fit_types()[chart.fit_type], fit_types()[preference]
    ranges = row.ranges()
    per_dimension: dict[str, float] = {}
    for name in used:
        if name not in ranges:
            continue
        ease = _EASE_DIMENSION.get(name)
        shift = cut.middle(ease) - wanted.middle(ease) if ease else 0.0
        measured = measurements[name]
        per_dimension[name] = round(
            probability_within(
                measured.value_cm, measured.sigma_cm, ranges[name].low + shift, ranges[name].high + shift
            ),
            4,
        )
    probability = 1.0
    for value in per_dimension.values():
        probability *= value
    return ApparelSizeFit(
        size=row.size,
        probability=round(probability, 4),
        fit_type=_worn_fit(chart, row, measurements),
        dimension_probabilities=per_dimension,
        row_id=chart.row_id(row.size),
        letter=row.letter,
        numeric=row.numeric,
        india=row.india,
    )


def _worn_fit(chart: ApparelChart, row: ApparelRow, measurements: dict[str, Measurement]) -> str:
    """Garment minus body at the key dimension (chest for tops, waist for bottoms), named as a fit type."""
    ranges = row.ranges()
    key = next(
        (name for name in ("chest_cm", "waist_cm", "hip_cm") if name in ranges and name in measurements), None
    )
    if key is None:
        return chart.fit_type
    ease_dimension = _EASE_DIMENSION[key]
    garment = ranges[key].middle + fit_types()[chart.fit_type].middle(ease_dimension)
    ease = garment - measurements[key].value_cm
    types = list(fit_types().values())
    if ease < min(getattr(fit, ease_dimension)[0] for fit in types):
        return "tight"
    if ease >= max(getattr(fit, ease_dimension)[1] for fit in types):
        return "oversized"
    return min(types, key=lambda fit: abs(ease - fit.middle(ease_dimension))).name
