"""A latent "true size" model of fit feedback, and the one rule that learns item and brand offsets from it.

In the spirit of Sembium et al. (RecSys 2017) and Misra et al. (RecSys 2018): a report is an ordinal
outcome of the mismatch m between the shopper's true size and the item's true size, in size steps,

    m = shift + item offset + brand offset

where `shift` is how far the shopper's true size lies above the size they bought (0 when they bought the size
the chart gives them) and an offset is how far the product runs small (positive: shoppers need a bigger
size). The report follows an ordinal logistic link with thresholds `low < high` and a `scale`:

    P(large) = sigmoid(low - scale * m),   P(large or fit) = sigmoid(high - scale * m).

The offsets are hierarchical: an item's offset is its brand's plus its own deviation, and both are Gaussian
beliefs. A report is evidence about their sum, so `update_offsets` takes one Newton step on the sum's
log-likelihood (the Laplace / online Bayesian logistic update, an SGD step whose learning rate is the
uncertainty) and shares it between the two in proportion to their variances (the Kalman gain of the sum).
The priors are worth several reports (`prior_variance`): one report moves an item a little and its brand
less, so one shopper's return cannot change what every other shopper of the brand is told, while many
consistent reports do. The service (domain/decision/feedback.py) and the RentTheRunway eval
(evals/decision) both learn offsets with `update_offsets`, so what the eval measures is what the service
does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core.records.feedback import FitReport

MIN_VAR = 1e-4
ProbabilityArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Belief:
    mean: float
    variance: float


@dataclass(frozen=True)
class OrdinalLink:
    """The parameters of the model: the link's thresholds and scale, and how offsets start and drift."""

    low: float
    high: float
    scale: float
    item_prior_var: float = 0.04
    brand_prior_var: float = 0.01
    drift_var: float = 0.002
    """Added to a belief before each update, so an offset can follow a brand that changes its lasts."""

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError("the thresholds need low < high")
        if self.scale <= 0:
            raise ValueError("the scale must be positive")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def report_information(link: OrdinalLink, mismatch: float = 0.0) -> float:
    """The Fisher information one report carries about the mismatch (size steps^-2): the precision a
    single report adds to a belief, so that a prior can be said to be worth so many reports."""
    a = link.scale
    below, upto = _sigmoid(link.low - a * mismatch), _sigmoid(link.high - a * mismatch)
    chances = (1 - upto, upto - below, below)
    slopes = (
        a * upto * (1 - upto),
        a * below * (1 - below) - a * upto * (1 - upto),
        -a * below * (1 - below),
    )
    return sum(slope * slope / max(chance, 1e-12) for slope, chance in zip(slopes, chances, strict=True))


def prior_variance(link: OrdinalLink, reports: float) -> float:
    """The variance of a prior worth `reports` reports of a shopper in their true size."""
    return 1.0 / (reports * report_information(link))


ITEM_PRIOR_REPORTS = 10.0
"""An item's own deviation from its brand is believed as firmly as ten reports would make it."""
BRAND_PRIOR_REPORTS = 40.0
"""A brand publishes its own chart, so a brand-wide offset from it takes many reports (over its items)."""
_FOOTWEAR_THRESHOLDS = {"low": -1.7, "high": 1.7, "scale": 3.4}
FOOTWEAR_LINK = OrdinalLink(
    **_FOOTWEAR_THRESHOLDS,
    item_prior_var=prior_variance(OrdinalLink(**_FOOTWEAR_THRESHOLDS), ITEM_PRIOR_REPORTS),
    brand_prior_var=prior_variance(OrdinalLink(**_FOOTWEAR_THRESHOLDS), BRAND_PRIOR_REPORTS),
)
"""Shoes, in UK sizes: a shopper in their true size reports `fit` 69% of the time, half a size out about 50%
(the logistic twin of a probit with thresholds at +-0.5 sizes and noise sd 0.5). No shoe feedback exists yet
to fit these on, so they are a prior; the eval fits its own link on apparel rentals. One report carries
about 2.5 size^-2 of information, so the item prior (worth 10 reports) has sd 0.2 size and the brand prior
(worth 40) sd 0.1 size: one "too small" moves that item about 0.13 size and its brand 0.03."""
ITEM_PRIOR_VAR = FOOTWEAR_LINK.item_prior_var
BRAND_PRIOR_VAR = FOOTWEAR_LINK.brand_prior_var


def report_probabilities(
    mismatch: npt.ArrayLike, variance: npt.ArrayLike, link: OrdinalLink
) -> ProbabilityArray:
    """P(small), P(fit), P(large) (last axis) for mismatches with a Gaussian uncertainty."""
    m = np.asarray(mismatch, dtype=float)
    flat = 1.0 / np.sqrt(1.0 + np.pi * (link.scale**2) * np.asarray(variance, dtype=float) / 8.0)
    large = 1.0 / (1.0 + np.exp(-flat * (link.low - link.scale * m)))
    large_or_fit = 1.0 / (1.0 + np.exp(-flat * (link.high - link.scale * m)))
    return np.stack([1.0 - large_or_fit, large_or_fit - large, large], axis=-1)


def log_likelihood_slopes(
    mismatch: float, report: FitReport, link: OrdinalLink, flat: float = 1.0
) -> tuple[float, float]:
    """First and second derivative, in the mismatch, of log P(report); the second is always negative."""
    a = flat * link.scale
    below = _sigmoid(flat * link.low - a * mismatch)
    upto = _sigmoid(flat * link.high - a * mismatch)
    if report is FitReport.LARGE:
        return -a * (1 - below), -a * a * below * (1 - below)
    if report is FitReport.SMALL:
        return a * upto, -a * a * upto * (1 - upto)
    mass = max(upto - below, 1e-12)
    slope_upto, slope_below = upto * (1 - upto), below * (1 - below)
    first = -a * (slope_upto - slope_below) / mass
    curve = a * a * (slope_upto * (1 - 2 * upto) - slope_below * (1 - 2 * below)) / mass
    return first, curve - first * first


def update_offsets(
    item: Belief,
    brand: Belief,
    report: FitReport,
    link: OrdinalLink = FOOTWEAR_LINK,
    shift: float = 0.0,
) -> tuple[Belief, Belief]:
    """The item's and the brand's beliefs after one report about the item (a report about their sum).

    One Newton step on the sum's log-likelihood, weighted by the sum's prior variance, shared between the
    two in proportion to their variances; each variance shrinks by its share of the information."""
    item_var, brand_var = item.variance + link.drift_var, brand.variance + link.drift_var
    total = item_var + brand_var
    first, second = log_likelihood_slopes(shift + item.mean + brand.mean, report, link)
    information = -second
    denominator = 1.0 + total * information
    return (
        Belief(
            item.mean + item_var * first / denominator,
            max(item_var - item_var * item_var * information / denominator, MIN_VAR),
        ),
        Belief(
            brand.mean + brand_var * first / denominator,
            max(brand_var - brand_var * brand_var * information / denominator, MIN_VAR),
        ),
    )


def fit_probability(offset: Belief, link: OrdinalLink = FOOTWEAR_LINK) -> float:
    """Chance a shopper buying their chart size reports `fit`, once the offset's mean is corrected for."""
    return float(report_probabilities(0.0, offset.variance, link)[1])


def reliability(brand: Belief, link: OrdinalLink = FOOTWEAR_LINK) -> float:
    """How predictable a brand's sizing is, in [0, 1]: the fit chance under our belief about the brand,
    relative to a brand known exactly. An unknown brand scores about 0.99: its prior is worth 40 reports."""
    return fit_probability(brand, link) / fit_probability(Belief(0.0, 0.0), link)
