"""Scores one garment for one body: the most likely size on the brand's chart, how it would wear, and why.

The body scan stores circumferences in cm (`chest`, `waist`, `hip`, `inseam`, each with a `<name>_sigma`);
knowledge.sizing.apparel turns them into a probability per chart size. Learned size offsets shift the body
along the chart, as for shoes: a garment that runs small by one size is sized as if the body were one chart
step larger in every dimension. The attribute similarity is how close the chosen size would wear to the
shopper's preferred fit (tight < slim < regular < relaxed < oversized): the one they asked for, else
regular."""

from __future__ import annotations

import statistics
from typing import Any

from pydantic import ValidationError

from core.errors import InvalidInput
from core.schemas import Product
from domain.decision.calibration import IsotonicCalibration, PlattCalibration
from domain.decision.confidence import ConfidenceFactors
from domain.decision.feedback import SizeAdjustment
from domain.decision.filtering import ScoredCandidate, StockCheck
from domain.decision.footwear import chart_brand_reliability
from knowledge.sizing.apparel import ApparelFit, ApparelSizeFit, Measurement, apparel_fit
from knowledge.sizing.charts import ApparelChart, ChartLibrary, FitType, Gender, curated_library

SCANNED_DIMENSIONS = {"chest": "chest_cm", "waist": "waist_cm", "hip": "hip_cm", "inseam": "inseam_cm"}
"""Stored body attribute -> the chart dimension it is measured against."""
UNKNOWN_SIGMA_CM = 3.0
"""Assumed uncertainty of stored body measurements that predate sigmas."""
PREFERRED_FIT: FitType = "regular"
WEAR_ORDER = ("tight", "slim", "regular", "relaxed", "oversized")
MIN_NOTED_OFFSET = 0.25
GENDERS: tuple[Gender, ...] = ("men", "women", "unisex")

BodyMeasurements = dict[str, Measurement]


def body_measurements(attributes: dict[str, Any]) -> BodyMeasurements:
    """The chart-comparable measurements of a body scan (empty when it holds none usable)."""
    found: BodyMeasurements = {}
    for name, dimension in SCANNED_DIMENSIONS.items():
        value = attributes.get(name)
        if value is None:
            continue
        try:
            found[dimension] = Measurement(
                value_cm=value, sigma_cm=attributes.get(f"{name}_sigma") or UNKNOWN_SIGMA_CM
            )
        except ValidationError:
            continue
    return found


def _chart_steps(chart: ApparelChart) -> dict[str, float]:
    """The median difference between neighbouring sizes in each charted dimension: one size step, in cm."""
    steps: dict[str, float] = {}
    for dimension in SCANNED_DIMENSIONS.values():
        middles = [row.ranges()[dimension].middle for row in chart.rows if dimension in row.ranges()]
        pairs = zip(middles, middles[1:], strict=False)
        rises = [later - earlier for earlier, later in pairs if later > earlier]
        if rises:
            steps[dimension] = statistics.median(rises)
    return steps


def _shifted(body: BodyMeasurements, steps: dict[str, float], size_steps: float) -> BodyMeasurements:
    return {
        name: Measurement(value_cm=value.value_cm + size_steps * steps.get(name, 0), sigma_cm=value.sigma_cm)
        for name, value in body.items()
    }


class ApparelFits:
    """The chart fits of one body, computed once per (brand, garment, gender, offset) and shared by every
    garment with the same ones."""

    def __init__(
        self,
        body: BodyMeasurements,
        library: ChartLibrary | None = None,
        preferred_fit: FitType | None = None,
    ) -> None:
        self.body = body
        self.preferred_fit: FitType = preferred_fit or PREFERRED_FIT
        self._library = library or curated_library()
        self._charts = {chart.id: chart for chart in self._library.apparel}
        self._fits: dict[tuple[str, str, str, float], ApparelFit | None] = {}

    def chart(self, chart_id: str) -> ApparelChart:
        return self._charts[chart_id]

    def fit(self, brand: str, garment: str, gender: Gender, size_steps: float) -> ApparelFit | None:
        """The fit, or None when no chart covers the garment or none of the body's dimensions."""
        key = (brand, garment, gender, size_steps)
        if key not in self._fits:
            self._fits[key] = self._compute(brand, garment, gender, size_steps)
        return self._fits[key]

    def _compute(self, brand: str, garment: str, gender: Gender, size_steps: float) -> ApparelFit | None:
        try:
            fit = self._apparel_fit(self.body, brand, garment, gender)
            if size_steps == 0:
                return fit
            steps = _chart_steps(self.chart(fit.chart_id))
            return self._apparel_fit(_shifted(self.body, steps, size_steps), brand, garment, gender)
        except InvalidInput:
            return None

    def _apparel_fit(self, body: BodyMeasurements, brand: str, garment: str, gender: Gender) -> ApparelFit:
        return apparel_fit(
            body, brand or None, garment, self.preferred_fit, gender=gender, library=self._library
        )


def size_row_for(label: str, sizes: list[ApparelSizeFit]) -> ApparelSizeFit | None:
    """The chart size a product's size label names: the chart's own size name first, then its letter,
    numeric and India columns ("M", "32", "40")."""
    wanted = label.strip().casefold()
    for column in ("size", "letter", "numeric", "india"):
        for size in sizes:
            name = getattr(size, column)
            if name is not None and name.strip().casefold() == wanted:
                return size
    return None


def wear_similarity(worn: str, preferred: str = PREFERRED_FIT) -> float:
    """1 when the size would wear as preferred, 0.5 one step off (slim for regular), 0 further off."""
    distance = abs(WEAR_ORDER.index(worn) - WEAR_ORDER.index(preferred))
    return max(0.0, 1.0 - distance / 2)


def score_garment(
    product: Product,
    fits: ApparelFits,
    adjustment: SizeAdjustment,
    in_stock: StockCheck,
    calibration: PlattCalibration | IsotonicCalibration,
) -> ScoredCandidate | None:
    """The garment at its most likely size, or None when no chart covers it or none of its sizes is on it."""
    if not product.subcategory:
        return None
    gender = product.attributes.get("gender")
    gender = gender if gender in GENDERS else "unisex"
    fit = fits.fit(product.brand, product.subcategory, gender, round(adjustment.mean, 2))
    if fit is None:
        return None
    options = [(label, row) for label in product.sizes if (row := size_row_for(label, fit.sizes)) is not None]
    if not options:
        return None
    size, row = max(options, key=lambda option: option[1].probability)
    chart = fits.chart(fit.chart_id)
    factors = ConfidenceFactors(
        fit=row.probability,
        attribute_similarity=wear_similarity(row.fit_type, fits.preferred_fit),
        metadata_quality=product.metadata_quality,
        brand_reliability=chart_brand_reliability(adjustment.brand, fit.low_confidence),
    )
    return ScoredCandidate.of(
        product,
        size,
        in_stock,
        factors,
        calibration,
        reasons=tuple(_reasons(row, chart, fits, fit)),
        cautions=tuple(_cautions(product, row, fit, adjustment, fits.preferred_fit)),
        citations=(row.row_id, f"fit:type-{chart.fit_type}"),
    )


def _reasons(row: ApparelSizeFit, chart: ApparelChart, fits: ApparelFits, fit: ApparelFit) -> list[str]:
    ranges = next(chart_row for chart_row in chart.rows if chart_row.size == row.size).ranges()
    body = fits.body
    dimensions = [name for name in fit.dimensions_used if name in ranges]
    cut = ", ".join(
        f"{name.removesuffix('_cm')} {ranges[name].low:g}-{ranges[name].high:g} cm" for name in dimensions
    )
    measured = ", ".join(
        f"{name.removesuffix('_cm')} {body[name].value_cm:.1f} ± {body[name].sigma_cm:.1f} cm"
        for name in dimensions
    )
    return [
        f"size {row.size} is cut for {cut} and you measure {measured} "
        f"({round(row.probability * 100)}% likely to fit)",
        f"{chart.name} is cut {chart.fit_type}; in this size it would wear {row.fit_type} on you",
    ]


def _cautions(
    product: Product, row: ApparelSizeFit, fit: ApparelFit, adjustment: SizeAdjustment, preferred: FitType
) -> list[str]:
    cautions: list[str] = []
    if fit.low_confidence:
        brand = product.brand or "this brand"
        cautions.append(f"{brand} publishes no {fit.garment} size chart, so the standard chart was used")
    if abs(adjustment.mean) >= MIN_NOTED_OFFSET:
        direction = "small" if adjustment.mean > 0 else "large"
        cautions.append(f"shoppers report it runs {direction}; the size was adjusted for that")
    if fit.between_sizes:
        cautions.append(f"you are between sizes {' and '.join(fit.recommended)}")
    if row.fit_type != preferred:
        cautions.append(f"size {row.size} would wear {row.fit_type} rather than {preferred}")
    return cautions
