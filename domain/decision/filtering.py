"""The recommendation filter: only confident, available, affordable products, brand-diverse, one per product
line (one pack size of a formula), 3 to 5 of them.

Every product that is dropped is counted under the first rule it breaks, so the response can say why the
list is short (and guidance can say what would help)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from core.schemas import Product
from domain.decision.calibration import IsotonicCalibration, PlattCalibration
from domain.decision.confidence import ConfidenceFactors, raw_confidence

MIN_CONFIDENCE = 0.75
MAX_PER_BRAND = 2
MIN_ITEMS = 3
MAX_ITEMS = 5


StockCheck = Callable[[str | None], bool]
"""Whether a product is available in the shopper's region in a size (None: in any of its sizes)."""


class Elimination(StrEnum):
    OUT_OF_STOCK = "out_of_stock_in_region"
    OVER_BUDGET = "over_budget"
    LOW_CONFIDENCE = "below_confidence_threshold"
    BRAND_LIMIT = "brand_limit"
    SAME_PRODUCT_LINE = "same_product_line"
    TOO_FEW_CONFIDENT = "too_few_confident_matches"
    BEYOND_TOP = "beyond_top_results"


class ScoredCandidate(BaseModel):
    """One product with its best size, scored. `in_stock` is for that size in the shopper's region."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    name: str
    brand: str
    price_inr: Decimal
    size: str | None
    in_stock: bool
    confidence: float = Field(ge=0, le=1)
    factors: ConfidenceFactors
    reasons: tuple[str, ...] = Field(
        default=(), description="Chart rows and rules applied, for the explanation."
    )
    cautions: tuple[str, ...] = ()
    citations: tuple[str, ...] = Field(default=(), description="Source ids: chart rows, ingredient rules.")
    line: str | None = Field(
        default=None, description="The product line (a formula in several pack sizes): one pick per line."
    )
    alternatives: tuple[ScoredCandidate, ...] = Field(
        default=(),
        description="Other sizes as likely to fit, in order: when this size is out of stock, the first of "
        "them in stock is recommended instead (domain.decision.stock.with_stock).",
    )

    @classmethod
    def of(
        cls,
        product: Product,
        size: str | None,
        in_stock: StockCheck,
        factors: ConfidenceFactors,
        calibration: PlattCalibration | IsotonicCalibration,
        *,
        reasons: tuple[str, ...],
        cautions: tuple[str, ...],
        citations: tuple[str, ...],
        line: str | None = None,
    ) -> ScoredCandidate:
        """`product` at `size`, with its stock there and the calibrated confidence of `factors`."""
        return cls(
            product_id=product.id,
            name=product.name,
            brand=product.brand,
            price_inr=product.price_inr,
            size=size,
            in_stock=in_stock(size),
            confidence=calibration.apply(raw_confidence(factors)),
            factors=factors,
            reasons=reasons,
            cautions=cautions,
            citations=citations,
            line=line,
        )


class FilterRules(BaseModel):
    model_config = ConfigDict(frozen=True)

    min_confidence: float = Field(default=MIN_CONFIDENCE, ge=0, le=1)
    max_per_brand: int = Field(default=MAX_PER_BRAND, ge=1)
    min_items: int = Field(default=MIN_ITEMS, ge=1)
    max_items: int = Field(default=MAX_ITEMS, ge=1)
    budget_inr: Decimal | None = Field(default=None, ge=0)


class Selection(BaseModel):
    chosen: list[ScoredCandidate]
    eliminated: dict[Elimination, int]

    @property
    def eliminated_total(self) -> int:
        return sum(self.eliminated.values())


def _first_broken_rule(candidate: ScoredCandidate, rules: FilterRules) -> Elimination | None:
    if not candidate.in_stock:
        return Elimination.OUT_OF_STOCK
    if rules.budget_inr is not None and candidate.price_inr > rules.budget_inr:
        return Elimination.OVER_BUDGET
    if candidate.confidence < rules.min_confidence:
        return Elimination.LOW_CONFIDENCE
    return None


def _rank(candidate: ScoredCandidate) -> tuple[float, Decimal, str]:
    """Best first by confidence as the shopper sees it (a whole percent), then the cheaper: a change in the
    third decimal (one shopper's report about a shoe) does not reorder products the shopper cannot tell
    apart."""
    return (-round(candidate.confidence, 2), candidate.price_inr, candidate.product_id)


def select(candidates: list[ScoredCandidate], rules: FilterRules) -> Selection:
    """The top `max_items` by confidence (to the percent, then price) that pass every rule, at most
    `max_per_brand` of a brand and one of a product line (the best-ranked pack size); none at all when fewer
    than `min_items` pass (an honest empty list beats a padded one)."""
    eliminated: Counter[Elimination] = Counter()
    per_brand: Counter[str] = Counter()
    lines: set[str] = set()
    passing: list[ScoredCandidate] = []
    for candidate in sorted(candidates, key=_rank):
        broken = _first_broken_rule(candidate, rules)
        brand = candidate.brand.strip().casefold()
        if broken is None and candidate.line is not None and candidate.line in lines:
            broken = Elimination.SAME_PRODUCT_LINE
        if broken is None and per_brand[brand] >= rules.max_per_brand:
            broken = Elimination.BRAND_LIMIT
        if broken is None and len(passing) >= rules.max_items:
            broken = Elimination.BEYOND_TOP
        if broken is not None:
            eliminated[broken] += 1
            continue
        per_brand[brand] += 1
        if candidate.line is not None:
            lines.add(candidate.line)
        passing.append(candidate)
    if passing and len(passing) < rules.min_items:
        eliminated[Elimination.TOO_FEW_CONFIDENT] += len(passing)
        passing = []
    return Selection(chosen=passing, eliminated=dict(eliminated))
