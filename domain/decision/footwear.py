"""Scores one shoe for one foot: the most likely size, its fit probability and the evidence behind it.

Learned size offsets shift the foot along the chart: a shoe that runs small by one size is sized as if the
foot were one size longer. What is not yet known about the brand lowers its reliability factor, not the fit
probability, so an unreviewed shoe is judged on its chart alone."""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from core.schemas import Product
from domain.decision.calibration import IsotonicCalibration, PlattCalibration
from domain.decision.confidence import ConfidenceFactors
from domain.decision.feedback import SizeAdjustment
from domain.decision.filtering import ScoredCandidate, StockCheck
from domain.decision.size_model import Belief, reliability
from knowledge.sizing.charts import ChartLibrary
from knowledge.sizing.footwear import FootwearFit, SizeFit, footwear_fit

SIZE_STEP_MM = 25.4 / 3
"""One full UK / India shoe size (a barleycorn, a third of an inch): the unit of the learned offsets."""
UNMEASURED_WIDTH_SIMILARITY = 0.5
STANDARD_CHART_RELIABILITY = 0.75
"""Brand reliability is scaled by this when the brand publishes no chart and the standard one stands in."""
FITS_REMEMBERED = 1024
"""Chart fits kept per process: one per (foot, brand, learned offset), about 20 chart rows each."""
_SIZE_LABEL = re.compile(r"^(?P<system>uk|ind|india|eu|us)?\s*(?P<number>\d{1,2}(?:\.5)?)$")


class FootMeasurements(BaseModel):
    model_config = ConfigDict(frozen=True)

    length_mm: float = Field(gt=0)
    width_mm: float | None = Field(default=None, gt=0)
    length_sigma_mm: float = Field(gt=0)


brand_reliability = lru_cache(maxsize=1024)(reliability)
"""`reliability` of a brand belief, remembered: every product of a brand shares its belief."""


def chart_brand_reliability(brand: Belief, standard_chart: bool) -> float:
    """The brand's reliability, scaled down when the standard chart stood in for the brand's own (shoes and
    garments alike)."""
    return brand_reliability(brand) * (STANDARD_CHART_RELIABILITY if standard_chart else 1)


@lru_cache(maxsize=512)
def _chart_column(label: str) -> tuple[str, float] | None:
    """(chart column, number) a size label names; a catalog uses few distinct labels, so they are cached."""
    match = _SIZE_LABEL.match(label.strip().casefold())
    if match is None:
        return None
    system, number = match.group("system") or "uk", float(match.group("number"))
    return {"uk": "uk", "ind": "india", "india": "india", "eu": "eu", "us": "us_men"}[system], number


def chart_row_for(label: str, fits: list[SizeFit]) -> SizeFit | None:
    """The chart size a product's size label names: "UK8", "UK 8", "IND 8", "EU42", "US 9", "8" (UK)."""
    column = _chart_column(label)
    if column is None:
        return None
    name, number = column
    return next((fit for fit in fits if getattr(fit, name) == number), None)


@lru_cache(maxsize=FITS_REMEMBERED)
def _packaged_chart_fit(length_mm: float, width_mm: float | None, sigma_mm: float, brand: str) -> FootwearFit:
    """`footwear_fit` against the packaged charts, remembered across requests like the charts themselves: a
    shopper's stored measurements come back unchanged with each later request (another budget, region or
    page), and every one of them needs the same few brand fits."""
    return footwear_fit(length_mm, width_mm, sigma_mm, brand or None)


class FootwearFits:
    """The chart fits of one foot, computed once per (adjusted length, brand) and shared by every shoe with
    the same ones: most shoes of a brand carry no learned offset of their own, so a catalog of many shoes
    needs only a few fits. Also remembers the best size of each size list, which a brand's shoes share."""

    def __init__(self, foot: FootMeasurements, library: ChartLibrary | None = None) -> None:
        self._foot = foot
        self._library = library
        self._fits: dict[tuple[float, str], FootwearFit] = {}
        self._best: dict[tuple[float, str, tuple[str, ...]], tuple[str, SizeFit] | None] = {}

    def fit(self, length_mm: float, brand: str) -> FootwearFit:
        key = (length_mm, brand)
        if key not in self._fits:
            foot = self._foot
            if self._library is None:
                self._fits[key] = _packaged_chart_fit(length_mm, foot.width_mm, foot.length_sigma_mm, brand)
            else:
                self._fits[key] = footwear_fit(
                    length_mm, foot.width_mm, foot.length_sigma_mm, brand or None, library=self._library
                )
        return self._fits[key]

    def best_size(self, length_mm: float, brand: str, labels: list[str]) -> tuple[str, SizeFit] | None:
        """The size label most likely to fit, by length then overall probability, with its chart row (the
        first such label on ties); None when no label names a row of the chart."""
        key = (length_mm, brand, tuple(labels))
        if key not in self._best:
            sizes = self.fit(length_mm, brand).sizes
            options = [(label, row) for label in labels if (row := chart_row_for(label, sizes)) is not None]
            self._best[key] = (
                max(options, key=lambda option: (option[1].length_probability, option[1].probability))
                if options
                else None
            )
        return self._best[key]


def score_shoe(
    product: Product,
    foot: FootMeasurements,
    adjustment: SizeAdjustment,
    in_stock: StockCheck,
    calibration: PlattCalibration | IsotonicCalibration,
    library: ChartLibrary | None = None,
    *,
    fits: FootwearFits | None = None,
) -> ScoredCandidate | None:
    """The product at its most likely size, or None when none of its sizes is on the chart.

    Pass one `fits` for all the shoes scored for a foot to compute each chart fit once."""
    fits = fits or FootwearFits(foot, library)
    length = foot.length_mm + adjustment.mean * SIZE_STEP_MM
    fit = fits.fit(length, product.brand)
    best = fits.best_size(length, product.brand, product.sizes)
    if best is None:
        return None
    size, row = best
    factors = ConfidenceFactors(
        fit=row.length_probability,
        attribute_similarity=(
            UNMEASURED_WIDTH_SIMILARITY if fit.width_probability is None else fit.width_probability
        ),
        metadata_quality=product.metadata_quality,
        brand_reliability=chart_brand_reliability(adjustment.brand, fit.low_confidence),
    )
    reasons = [
        f"{row.row_id} fits feet of {row.foot_min_mm:g}-{row.foot_max_mm:g} mm and yours measures "
        f"{foot.length_mm:.1f} ± {foot.length_sigma_mm:.1f} mm "
        f"({round(row.length_probability * 100)}% likely to fit)"
    ]
    if fit.width_probability is not None:
        reasons.append(
            f"your width suits the {fit.width_fitting} fitting ({round(fit.width_probability * 100)}% likely)"
        )
    cautions = []
    if fit.low_confidence:
        cautions.append(
            f"{product.brand or 'this brand'} publishes no size chart, so the standard chart was used"
        )
    if abs(adjustment.mean) >= 0.25:
        direction = "small" if adjustment.mean > 0 else "large"
        cautions.append(f"shoppers report it runs {direction}; the size was adjusted for that")
    if fit.between_sizes:
        cautions.append(f"you are between sizes {' and '.join(fit.recommended)}")
    return ScoredCandidate.of(
        product,
        size,
        in_stock,
        factors,
        calibration,
        reasons=tuple(reasons),
        cautions=tuple(cautions),
        citations=(row.row_id, f"chart-source:{fit.chart_source}"),
    )
