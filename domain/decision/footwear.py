"""Scores one shoe for one foot: the most likely size, its fit probability and the evidence behind it.

The fit probability is the chance that the chosen size fits the foot: that the true foot length lies in the
range of lengths the size fits (knowledge.sizing.footwear: the last length less the toe allowances a shoe
fits with, so neighbouring sizes overlap). The width enters as the attribute similarity: the chance the
foot's width suits the product's width fitting (its own when the listing names one, else its brand's).

Learned size offsets shift the foot along the chart: a shoe that runs small by one size is sized as if the
foot were one size longer. What is not yet known about the brand lowers its reliability factor, not the fit
probability, so an unreviewed shoe is judged on its chart alone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from core.schemas import Product
from domain.decision.calibration import IsotonicCalibration, PlattCalibration
from domain.decision.confidence import ConfidenceFactors
from domain.decision.feedback import SizeAdjustment
from domain.decision.filtering import ScoredCandidate, StockCheck
from domain.decision.size_model import Belief, reliability
from domain.decision.stock import stock_not_read
from knowledge.sizing.charts import ChartLibrary, FootwearChart, curated_library
from knowledge.sizing.footwear import (
    BETWEEN_SIZES_SHARE,
    FITS_WELL,
    MIN_SHOWN_PROBABILITY,
    TOE_ALLOWANCE_CITATION,
    FootwearFit,
    SizeFit,
    check_measurements,
    distance_from_design,
    fitting_range,
    footwear_fit,
    standard_chart,
    toe_allowance,
    width_fit,
    width_fittings,
)
from knowledge.sizing.probability import probability_within

SIZE_STEP_MM = 25.4 / 3
"""One full UK / India shoe size (a barleycorn, a third of an inch): the unit of the learned offsets."""
UNMEASURED_WIDTH_SIMILARITY = 0.5
STANDARD_CHART_RELIABILITY = 0.75
"""Brand reliability is scaled by this when the brand publishes no chart and the standard one stands in."""
EQUALLY_LIKELY = 0.02
"""Sizes within two points of the best one's fit probability are as good: stock decides between them."""
FITS_REMEMBERED = 1024
"""Chart fits kept per process: one per (foot, brand, learned offset), about 20 chart rows each."""
_SIZE_LABEL = re.compile(r"^(?P<system>uk|ind|india|eu|us)?\s*(?P<number>\d{1,2}(?:\.5)?)$")


class FootMeasurements(BaseModel):
    model_config = ConfigDict(frozen=True)

    length_mm: float = Field(gt=0)
    width_mm: float | None = Field(default=None, gt=0)
    length_sigma_mm: float = Field(gt=0)
    width_sigma_mm: float | None = Field(default=None, gt=0)


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
def _packaged_chart_fit(
    length_mm: float,
    width_mm: float | None,
    sigma_mm: float,
    width_sigma_mm: float | None,
    brand: str,
    fitting: str | None,
) -> FootwearFit:
    """`footwear_fit` against the packaged charts, remembered across requests like the charts themselves: a
    shopper's stored measurements come back unchanged with each later request (another budget, region or
    page), and every one of them needs the same few brand fits."""
    return footwear_fit(
        length_mm, width_mm, sigma_mm, brand or None, width_fitting=fitting, width_sigma_mm=width_sigma_mm
    )


def product_fitting(product: Product) -> str | None:
    """The width fitting the listing names for itself (`fit["width"]`: narrow, standard, wide, extra-wide),
    or None to use its brand chart's."""
    fitting = product.fit.get("width")
    return fitting if isinstance(fitting, str) and fitting in width_fittings() else None


class ChartSize(NamedTuple):
    """One row of a chart as a foot is sized on it: the numbers of `footwear_fit`'s `SizeFit` that scoring
    reads (the same values), without building the row's model."""

    size: str
    row_id: str
    length_probability: float
    foot_min_mm: float
    foot_max_mm: float
    fit_min_mm: float
    fit_max_mm: float

    def distance_from_design(self, length_mm: float) -> float:
        return distance_from_design(length_mm, self.foot_min_mm, self.foot_max_mm)


class _ChartRows:
    """What a chart gives every foot alike, worked out once per chart: each row's citation id and fitting
    range, and the rows each size-system number names (`chart_row_for`'s columns)."""

    def __init__(self, chart: FootwearChart) -> None:
        allowance = toe_allowance()
        self.chart = chart
        self.source = chart.source_url or chart.source
        self.rows = [
            (
                row.size,
                chart.row_id(row.size),
                row.foot_min_mm,
                row.foot_max_mm,
                *fitting_range(chart, row, allowance),
            )
            for row in chart.rows
        ]
        self.columns: dict[str, dict[float, list[int]]] = {}
        for name in ("uk", "india", "eu", "us_men"):
            column: dict[float, list[int]] = {}
            for index, row in enumerate(chart.rows):
                column.setdefault(getattr(row, name), []).append(index)
            self.columns[name] = column


@lru_cache(maxsize=256)
def _packaged_chart(brand: str) -> tuple[_ChartRows, bool]:
    """The packaged chart rows for a brand (the standard chart's for a brand without one), and whether the
    standard chart stood in."""
    return _library_chart(curated_library(), brand)


def _library_chart(library: ChartLibrary, brand: str) -> tuple[_ChartRows, bool]:
    """The chart `footwear_fit` sizes a brand's shoes on (the standard one for a brand without its own),
    and whether the standard chart stood in."""
    chart = library.footwear_chart(brand or None)
    if chart is not None:
        return _ChartRows(chart), False
    return _ChartRows(standard_chart(library)), True


class ChartFit:
    """A foot against a brand's chart at one length and width fitting: the values of `footwear_fit` that
    scoring reads (`FootwearFits.chart_fit`), computed without building a model per chart row."""

    def __init__(
        self,
        rows: _ChartRows,
        low_confidence: bool,
        length_mm: float,
        sizes: list[ChartSize],
        probabilities: list[float],
        fitting: str,
        width_probability: float | None,
    ) -> None:
        self._rows = rows
        self.low_confidence = low_confidence
        self.chart_source = rows.source
        self.width_fitting = fitting
        self.width_probability = width_probability
        self.sizes = sizes
        self._probabilities = probabilities
        self._length_mm = length_mm
        by_fit = sorted(
            range(len(sizes)),
            key=lambda index: (-probabilities[index], sizes[index].distance_from_design(length_mm)),
        )
        by_length = sorted(
            by_fit,
            key=lambda index: (
                -sizes[index].length_probability,
                sizes[index].distance_from_design(length_mm),
            ),
        )
        best = sizes[by_length[0]]
        self.between_sizes = (
            len(by_length) > 1
            and best.length_probability < FITS_WELL
            and sizes[by_length[1]].length_probability >= BETWEEN_SIZES_SHARE
        )
        if self.between_sizes:
            pair = sorted((sizes[index] for index in by_length[:2]), key=lambda size: size.foot_min_mm)
            self.recommended = [size.size for size in pair]
        else:
            self.recommended = [best.size] if best.length_probability >= MIN_SHOWN_PROBABILITY else []

    def row_for(self, label: str) -> ChartSize | None:
        """The chart size a product's size label names (as `chart_row_for` finds it in the fit's sizes)."""
        column = _chart_column(label)
        if column is None:
            return None
        name, number = column
        indices = self._rows.columns[name].get(number)
        if not indices:
            return None
        if len(indices) == 1:
            return self.sizes[indices[0]]
        # Several rows share the number: `chart_row_for` takes the first in the fit's order.
        sizes, probabilities, length = self.sizes, self._probabilities, self._length_mm
        return sizes[
            min(indices, key=lambda index: (-probabilities[index], sizes[index].distance_from_design(length)))
        ]


class FootwearFits:
    """The chart fits of one foot, computed once per (adjusted length, brand) and shared by every shoe with
    the same ones: most shoes of a brand carry no learned offset of their own, so a catalog of many shoes
    needs only a few fits. Also remembers the best size of each size list, which a brand's shoes share."""

    def __init__(self, foot: FootMeasurements, library: ChartLibrary | None = None) -> None:
        self._foot = foot
        self._library = library
        self._fits: dict[tuple[float, str, str | None], FootwearFit] = {}
        self._chart_fits: dict[tuple[float, str, str | None], ChartFit] = {}
        self._charts: dict[str, tuple[_ChartRows, bool]] = {}
        self._lengths: dict[tuple[float, int], tuple[list[ChartSize], list[float]]] = {}
        self._ranked: dict[tuple[float, str, str | None, tuple[str, ...]], list[tuple[str, ChartSize]]] = {}
        self._evidence: dict[tuple[object, ...], list[SizeEvidence]] = {}

    def fit(self, length_mm: float, brand: str, fitting: str | None = None) -> FootwearFit:
        key = (length_mm, brand, fitting)
        if key not in self._fits:
            foot = self._foot
            if self._library is None:
                self._fits[key] = _packaged_chart_fit(
                    length_mm, foot.width_mm, foot.length_sigma_mm, foot.width_sigma_mm, brand, fitting
                )
            else:
                self._fits[key] = footwear_fit(
                    length_mm,
                    foot.width_mm,
                    foot.length_sigma_mm,
                    brand or None,
                    library=self._library,
                    width_fitting=fitting,
                    width_sigma_mm=foot.width_sigma_mm,
                )
        return self._fits[key]

    def chart_fit(self, length_mm: float, brand: str, fitting: str | None = None) -> ChartFit:
        """What scoring reads of `fit(length_mm, brand, fitting)`, with the same values: the chart rows'
        length probabilities are computed once per (length, chart) and shared by the chart's fittings."""
        key = (length_mm, brand, fitting)
        found = self._chart_fits.get(key)
        if found is not None:
            return found
        foot = self._foot
        sigma = foot.length_sigma_mm
        check_measurements(length_mm, foot.width_mm, sigma)
        if self._library is None:
            rows, low_confidence = _packaged_chart(brand)
        else:
            if brand not in self._charts:
                self._charts[brand] = _library_chart(self._library, brand)
            rows, low_confidence = self._charts[brand]
        resolved = fitting if fitting in width_fittings() else rows.chart.width_fitting
        _, width_probability = width_fit(length_mm, foot.width_mm, sigma, foot.width_sigma_mm, resolved)
        width_factor = 1.0 if width_probability is None else width_probability
        lengths = self._lengths.get((length_mm, id(rows)))
        if lengths is None:
            raw = [probability_within(length_mm, sigma, row[4], row[5]) for row in rows.rows]
            sizes = [
                ChartSize(size, row_id, round(chance, 4), foot_min, foot_max, fit_min, fit_max)
                for (size, row_id, foot_min, foot_max, fit_min, fit_max), chance in zip(
                    rows.rows, raw, strict=True
                )
            ]
            lengths = self._lengths[(length_mm, id(rows))] = (sizes, raw)
        sizes, raw = lengths
        probabilities = [round(chance * width_factor, 4) for chance in raw]
        found = ChartFit(rows, low_confidence, length_mm, sizes, probabilities, resolved, width_probability)
        self._chart_fits[key] = found
        return found

    def best_size(
        self, length_mm: float, brand: str, labels: list[str], fitting: str | None = None
    ) -> tuple[str, ChartSize] | None:
        """The size label most likely to fit, with its chart row; None when no label names a chart row."""
        ranked = self.ranked_sizes(length_mm, brand, labels, fitting)
        return ranked[0] if ranked else None

    def ranked_sizes(
        self, length_mm: float, brand: str, labels: list[str], fitting: str | None = None
    ) -> list[tuple[str, ChartSize]]:
        """The size labels that name a chart row, most likely to fit on length (to the percent) first, the
        one nearest the foot the size is designed for first among equally likely ones."""
        key = (length_mm, brand, fitting, tuple(labels))
        if key not in self._ranked:
            fit = self.chart_fit(length_mm, brand, fitting)
            options = [(label, row) for label in labels if (row := fit.row_for(label)) is not None]
            self._ranked[key] = sorted(
                options,
                key=lambda option: (
                    -round(option[1].length_probability, 2),
                    option[1].distance_from_design(length_mm),
                ),
            )
        return self._ranked[key]

    def equally_likely(
        self, length_mm: float, brand: str, labels: list[str], fitting: str | None
    ) -> list[SizeEvidence]:
        """The sizes as likely to fit as the best (`ranked_sizes`, to EQUALLY_LIKELY), each with the reasons
        and citations it is scored on: the same for every shoe with this size list and chart fit, so they
        are written once per (adjusted length, brand, fitting, size list) of the foot."""
        key = (length_mm, brand, fitting, tuple(labels))
        if key not in self._evidence:
            ranked = self.ranked_sizes(length_mm, brand, labels, fitting)
            fit = self.chart_fit(length_mm, brand, fitting)
            best = round(ranked[0][1].length_probability, 2) if ranked else 0.0
            self._evidence[key] = [
                _size_evidence(self._foot, fit, size, row)
                for size, row in ranked
                if round(row.length_probability, 2) >= best - EQUALLY_LIKELY
            ]
        return self._evidence[key]


class SizeEvidence(NamedTuple):
    """One size of a shoe as it is scored: its chance to fit on length, and the evidence behind it."""

    size: str
    length_probability: float
    reasons: tuple[str, ...]
    citations: tuple[str, ...]


def _size_evidence(foot: FootMeasurements, fit: ChartFit, size: str, row: ChartSize) -> SizeEvidence:
    allowance = toe_allowance()
    reasons = [
        f"size {size} fits feet of {row.fit_min_mm:.0f}-{row.fit_max_mm:.0f} mm (it leaves "
        f"{allowance.min_mm:g}-{allowance.max_mm:g} mm of room in front of the toes), and your foot measures "
        f"{foot.length_mm:.0f} mm, give or take {foot.length_sigma_mm:.1f} mm: "
        f"{_percent(row.length_probability)} likely to fit"
    ]
    if fit.width_probability is not None:
        reasons.append(
            f"your foot's width suits its {fit.width_fitting} fitting "
            f"({_percent(fit.width_probability)} likely)"
        )
    return SizeEvidence(
        size=size,
        length_probability=row.length_probability,
        reasons=tuple(reasons),
        citations=(row.row_id, f"chart-source:{fit.chart_source}", TOE_ALLOWANCE_CITATION),
    )


class ShoeSizes(NamedTuple):
    """A shoe's sizes as likely to fit as its best (the best first), and what each of them is scored on."""

    product: Product
    sizes: list[SizeEvidence]
    attribute_similarity: float
    brand_reliability: float
    cautions: tuple[str, ...]

    def scored(
        self,
        evidence: SizeEvidence,
        in_stock: StockCheck,
        calibration: PlattCalibration | IsotonicCalibration,
    ) -> ScoredCandidate:
        """The shoe at one of its sizes."""
        product = self.product
        return ScoredCandidate.of(
            product,
            evidence.size,
            in_stock,
            ConfidenceFactors(
                fit=evidence.length_probability,
                attribute_similarity=self.attribute_similarity,
                metadata_quality=product.metadata_quality,
                brand_reliability=self.brand_reliability,
            ),
            calibration,
            reasons=evidence.reasons,
            cautions=self.cautions,
            citations=evidence.citations,
        )


def shoe_sizes(
    product: Product, foot: FootMeasurements, adjustment: SizeAdjustment, fits: FootwearFits
) -> ShoeSizes | None:
    """The shoe's equally likely sizes for the foot (`FootwearFits.equally_likely`), its learned offset
    applied; None when none of its sizes is on the chart."""
    length = foot.length_mm + adjustment.mean * SIZE_STEP_MM
    fitting = product_fitting(product)
    sizes = fits.equally_likely(length, product.brand, product.sizes, fitting)
    if not sizes:
        return None
    fit = fits.chart_fit(length, product.brand, fitting)
    width = fit.width_probability
    return ShoeSizes(
        product=product,
        sizes=sizes,
        attribute_similarity=UNMEASURED_WIDTH_SIMILARITY if width is None else width,
        brand_reliability=chart_brand_reliability(adjustment.brand, fit.low_confidence),
        cautions=_cautions(product, adjustment, fit),
    )


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

    Sizes as likely to fit as the best (to EQUALLY_LIKELY) are its `alternatives`: when the best is not in
    stock and one of them is, that one is the answer (here when `in_stock` can tell, else in
    domain.decision.stock.with_stock), so which of two equally good sizes is named first never decides
    whether the shopper gets the shoe. Pass one `fits` for all the shoes scored for a foot to compute each
    chart fit, and the evidence of each size list, once."""
    shoe = shoe_sizes(product, foot, adjustment, fits or FootwearFits(foot, library))
    if shoe is None:
        return None
    options = [shoe.scored(evidence, in_stock, calibration) for evidence in shoe.sizes]
    chosen = next((option for option in options if option.in_stock), options[0])
    if chosen is not options[0]:
        return chosen
    return chosen.model_copy(update={"alternatives": tuple(options[1:])}) if len(options) > 1 else chosen


Availability = Callable[[Sequence[tuple[str, str | None]]], list[bool]]
"""Whether each (product id, size) is in stock in the shopper's region, read in one batch
(`domain.decision.stock.RegionStock.available`)."""


def score_shoes(
    shoes: Iterable[tuple[Product, SizeAdjustment]],
    foot: FootMeasurements,
    available: Availability,
    calibration: PlattCalibration | IsotonicCalibration,
    fits: FootwearFits | None = None,
) -> list[ScoredCandidate]:
    """`score_shoe` of each shoe, then `with_stock` of them (the same answers): the stock of every equally
    likely size read in one batch, and only each shoe's answer built, at its first size in stock (else its
    best), without alternatives."""
    fits = fits or FootwearFits(foot)
    sized = [
        found
        for product, adjustment in shoes
        if (found := shoe_sizes(product, foot, adjustment, fits)) is not None
    ]
    flags = iter(available([(shoe.product.id, evidence.size) for shoe in sized for evidence in shoe.sizes]))
    chosen: dict[str, tuple[ShoeSizes, SizeEvidence, bool]] = {}
    for shoe in sized:
        for evidence in shoe.sizes:
            in_stock = next(flags)
            found = chosen.get(shoe.product.id)
            if found is None or (in_stock and not found[2]):
                chosen[shoe.product.id] = (shoe, evidence, in_stock)
    return [
        shoe.scored(evidence, _stocked if in_stock else stock_not_read, calibration)
        for shoe, evidence, in_stock in chosen.values()
    ]


def _stocked(size: str | None) -> bool:
    return True


def _cautions(product: Product, adjustment: SizeAdjustment, fit: ChartFit) -> tuple[str, ...]:
    """What the shopper should know about the shoe whichever of its sizes is chosen."""
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
    return tuple(cautions)


def _percent(probability: float) -> str:
    """A chance as a shopper reads it: a whole percent, never a certain 0% or 100%."""
    return f"{min(max(round(probability * 100), 1), 99)}%"
