"""The evidence each kind of explanation may draw on, gathered from primary data rather than from the reasons
the explanation was written from, so a wrong number in those reasons is caught as well as one a model made up.

- A shoe recommendation: the shopper's measurements; the cited chart row (its foot lengths, the size it fits
  and its other-system sizes) with the fit the decision code computes on it (probabilities, fitting range,
  width fitting, the sizes a foot falls between); the toe-allowance rule; the recommendation's own size,
  price, confidence and factors; its cited guides' titles.
- A skincare recommendation: the product's ingredient check for the shopper's profile (which ingredients it
  lists, their curated ratings), the recommendation's own fields, its cited guides' titles; a mention of a
  curated ingredient is a citation, supported when the product lists it.
- A price suggestion: the result's price, range, confidence and counts, every comparable sale (title, price,
  date, similarity), each adjustment's factor, the estimate's quantiles and shares, the price model's
  expectation, the learned weighting and the pricing moment (not the adjustments' wording).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from core.schemas import Product
from domain.decision.feedback import SizeAdjustment
from domain.decision.footwear import SIZE_STEP_MM, FootMeasurements, FootwearFits, product_fitting
from domain.decision.results import Recommendation
from domain.decision.skincare import skin_profile
from domain.pricing.estimate import HistoryFactors, PriceEstimate
from domain.pricing.suggestion import PriceSuggestion, SuggestionRequest
from evals.metrics.explanation_faithfulness import Evidence, Sale
from knowledge.ingredients.check import ingredient_check
from knowledge.ingredients.table import curated_table
from knowledge.sizing.charts import curated_library
from knowledge.sizing.footwear import toe_allowance

UNKNOWN_SIGMA_MM = 3.0  # as graphs/decision.py assumes for stored measurements without one


def recommendation_evidence(
    recommendation: Recommendation,
    product: Product,
    attributes: dict[str, Any],
    category: str,
    adjustment: SizeAdjustment | None = None,
) -> Evidence:
    evidence = Evidence()
    evidence.name(recommendation.name)
    evidence.name(product.name)
    evidence.name(recommendation.brand)
    evidence.money(float(recommendation.price_inr), "INR", "recommendation price")
    evidence.share(recommendation.confidence, "recommendation confidence")
    for factor, value in recommendation.factors.model_dump().items():
        evidence.share(value, f"confidence factor {factor}")
    evidence.citations |= set(recommendation.citations)
    for source in recommendation.sources:
        evidence.name(source.title)
    if recommendation.size:
        evidence.size(recommendation.size, "recommended size")
    if category == "footwear":
        _footwear(evidence, recommendation, product, attributes, adjustment)
    elif category == "skincare":
        _skincare(evidence, recommendation, product, attributes)
    return evidence


def _footwear(
    evidence: Evidence,
    recommendation: Recommendation,
    product: Product,
    attributes: dict[str, Any],
    adjustment: SizeAdjustment | None,
) -> None:
    foot = FootMeasurements(
        length_mm=attributes["length_mm"],
        width_mm=attributes.get("width_mm"),
        length_sigma_mm=attributes.get("length_sigma_mm") or UNKNOWN_SIGMA_MM,
        width_sigma_mm=attributes.get("width_sigma_mm") or None,
    )
    for name in ("length_mm", "width_mm"):
        evidence.length_mm(attributes.get(name), f"shopper {name}")
    evidence.length_mm(foot.length_sigma_mm, "shopper length uncertainty")
    evidence.length_mm(foot.width_sigma_mm, "shopper width uncertainty")
    allowance = toe_allowance()
    for name in ("min_mm", "ideal_mm", "max_mm"):
        evidence.length_mm(getattr(allowance, name), f"fit:toe-allowance {name}")
    shift = adjustment.mean * SIZE_STEP_MM if adjustment is not None else 0.0
    fit = FootwearFits(foot).fit(foot.length_mm + shift, product.brand or "", product_fitting(product))
    evidence.share(fit.width_probability, "width fitting probability")
    evidence.number(fit.width_ratio, "width ratio")
    for size in fit.recommended:
        evidence.size(size, "sizes the foot falls between")
    cited_rows = set(recommendation.citations)
    for row in fit.sizes:
        if row.row_id not in cited_rows:
            continue
        source = row.row_id
        evidence.size(row.size, source)
        for system, value in (("UK", row.uk), ("EU", row.eu), ("US", row.us_men), ("US", row.us_women)):
            evidence.size(f"{system} {value:g}", source)
        evidence.size(f"India {row.india:g}", source)
        for name in ("foot_min_mm", "foot_max_mm", "fit_min_mm", "fit_max_mm"):
            evidence.length_mm(getattr(row, name), f"{source} {name}")
        evidence.length_mm(float(row.mondopoint), f"{source} mondopoint")
        evidence.share(row.probability, f"{source} fit probability")
        evidence.share(row.length_probability, f"{source} length fit probability")
    chart = curated_library().footwear_chart(product.brand) or curated_library().standard_footwear
    if chart is not None:
        evidence.length_mm(chart.toe_allowance_mm, f"chart:{chart.id} toe allowance")
        evidence.number(chart.size_offset, f"chart:{chart.id} size offset")


def _skincare(
    evidence: Evidence, recommendation: Recommendation, product: Product, attributes: dict[str, Any]
) -> None:
    profile = skin_profile(attributes)
    table = curated_table()
    for info in table.curated:
        for name in (info.inci, *info.synonyms):
            evidence.terms.setdefault(name.casefold(), False)
    if profile is None:
        return
    check = ingredient_check(profile, product.ingredients)
    evidence.share(check.score, "ingredient check score")
    evidence.share(check.known_share, "share of ingredients known")
    for verdict in check.ingredients:
        evidence.terms[verdict.listed_as.casefold()] = True
        if verdict.inci:
            evidence.terms[verdict.inci.casefold()] = True
            info = table.lookup(verdict.inci)
            if info is not None:
                for name in (info.inci, *info.synonyms):
                    evidence.terms[name.casefold()] = True
                if info.comedogenic is not None:
                    evidence.number(info.comedogenic, f"{info.id} comedogenic rating")


def price_evidence(
    result: PriceSuggestion,
    request: SuggestionRequest,
    estimate: PriceEstimate | None = None,
    history: HistoryFactors | None = None,
    model_log_price: float | None = None,
    now: datetime | None = None,
) -> Evidence:
    """A price suggestion's evidence from its own fields and the numbers the pricing code worked from (the
    estimate, the price model's expectation, the learned weighting): an adjustment's wording is not evidence,
    so a wrong number in it is caught."""
    currency = result.currency
    evidence = Evidence()
    evidence.name(request.title)
    evidence.name(request.brand)
    evidence.money(result.price, currency, "suggested price")
    evidence.money(result.range.low, currency, "range low")
    evidence.money(result.range.high, currency, "range high")
    evidence.share(result.confidence, "confidence")
    evidence.number(len(result.comparables), "comparable sales used")
    for sale in result.comparables:
        evidence.name(sale.title)
        evidence.sales.append(Sale(sale.title, sale.price, currency, sale.sold_at.date(), sale.similarity))
        evidence.money(sale.price, currency, f"comparable {sale.id} price")
        evidence.day(sale.sold_at, f"comparable {sale.id} sold")
        evidence.number(sale.similarity, f"comparable {sale.id} similarity")
        evidence.share(sale.weight, f"comparable {sale.id} weight")
    for adjustment in result.adjustments:
        evidence.number(adjustment.factor, f"{adjustment.kind} factor")
        evidence.percent((adjustment.factor - 1) * 100, f"{adjustment.kind} adjustment")
    if estimate is not None:
        for name in ("price", "p5", "p95", "low", "high"):
            evidence.money(getattr(estimate, name), currency, f"estimate {name}")
        evidence.share(estimate.confidence, "estimate confidence")
        evidence.share(estimate.comparable_share, "comparables' share of the price")
        evidence.share(1 - estimate.comparable_share, "price model's share of the price")
    if model_log_price is not None:
        evidence.money(math.expm1(model_log_price), currency, "price model's expectation")
    if history is not None:
        weighting = history.weighting
        evidence.number(weighting.similarity_power, "learned similarity power")
        half_life = weighting.half_life(request.category)
        if math.isfinite(half_life):
            evidence.number(half_life, "learned half-life (days)")
        if history.calibration is not None:
            evidence.number(history.calibration.cases, "sales the weights were learned on")
    if now is not None:
        evidence.number(now.month, "pricing month")
        evidence.day(now, "pricing moment")
    evidence.name(request.category)
    if result.history is not None:
        for name in ("sales", "stored", "considered"):
            evidence.number(getattr(result.history, name, None), f"history {name}")
    return evidence
