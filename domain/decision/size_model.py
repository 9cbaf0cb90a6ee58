"""A latent "true size" model of fit feedback, and the one rule that learns item and brand offsets from it.

In the spirit of Sembium et al. (RecSys 2017) and Misra et al. (RecSys 2018): a report is an ordinal
outcome of the mismatch m between the shopper's true size and the item's true size, in size steps,

    m = shift + item offset + brand offset

where `shift` is how far the shopper's true size lies above the size they bought (0 when they bought the size
the chart gives them) and an offset is how far the product runs small (positive: shoppers need a bigger
size). The report follows an ordinal logistic link with thresholds `low < high` and a `scale`:

    P(large) = sigmoid(low - scale * m),   P(large or fit) = sigmoid(high - scale * m).

Each offset is a Gaussian belief. After a report it takes one Newton step on the log-likelihood from its
prior mean, weighted by its prior variance (the Laplace / online Bayesian logistic update): an SGD step
whose learning rate is the belief's own uncertainty. The service (domain/decision/feedback.py) and the
RentTheRunway eval (evals/decision) both learn offsets with `update`, so what the eval measures is what
the service does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from core.records.feedback import FitReport

ITEM_PRIOR_VAR = 0.09
BRAND_PRIOR_VAR = 0.09
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
    item_prior_var: float = ITEM_PRIOR_VAR
    brand_prior_var: float = BRAND_PRIOR_VAR
    drift_var: float = 0.002
    """Added to a belief before each update, so an offset can follow a brand that changes its lasts."""

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError("the thresholds need low < high")
        if self.scale <= 0:
            raise ValueError("the scale must be positive")


FOOTWEAR_LINK = OrdinalLink(low=-1.7, high=1.7, scale=3.4)
"""Shoes, in UK sizes: a shopper in their true size reports `fit` 69% of the time, half a size out about 50%
(the logistic twin of a probit with thresholds at +-0.5 sizes and noise sd 0.5). No shoe feedback exists yet
to fit these on, so they are a prior; the eval fits its own link on apparel rentals."""


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _flattening(link: OrdinalLink, variance: float) -> float:
    """How much an uncertain mismatch (variance, in size steps squared) flattens the link: the probit
    approximation of a logistic averaged over a Gaussian (MacKay 1992)."""
    return 1.0 / math.sqrt(1.0 + math.pi * (link.scale**2) * variance / 8.0)


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


def update(
    component: Belief,
    other: Belief,
    report: FitReport,
    link: OrdinalLink = FOOTWEAR_LINK,
    shift: float = 0.0,
) -> Belief:
    """The belief about one offset (`component`) after a report; the other offset enters at its belief,
    its uncertainty flattening the likelihood."""
    variance = component.variance + link.drift_var
    first, second = log_likelihood_slopes(
        shift + component.mean + other.mean, report, link, _flattening(link, other.variance)
    )
    precision = 1.0 / variance - second
    return Belief(component.mean + first / precision, max(1.0 / precision, MIN_VAR))


def fit_probability(offset: Belief, link: OrdinalLink = FOOTWEAR_LINK) -> float:
    """Chance a shopper buying their chart size reports `fit`, once the offset's mean is corrected for."""
    return float(report_probabilities(0.0, offset.variance, link)[1])


def reliability(brand: Belief, link: OrdinalLink = FOOTWEAR_LINK) -> float:
    """How predictable a brand's sizing is, in [0, 1]: the fit chance under our belief about the brand,
    relative to a brand known exactly. An unknown brand scores about 0.89, a well-learned one near 1."""
    return fit_probability(brand, link) / fit_probability(Belief(0.0, 0.0), link)
