"""A latent "true size" model of how items and brands run against their size charts, learned online.

In the spirit of Amazon's size-recommendation work (Sembium et al., RecSys 2017), fit feedback is an ordinal
outcome of a hidden mismatch. For a shopper who bought the size the chart says fits them,

    z = brand offset + item offset + noise,   noise ~ N(0, NOISE_VAR)

and the shopper reports `small` when z > THRESHOLD, `large` when z < -THRESHOLD, `fit` otherwise. Offsets are
in size steps (one full size), positive when the product runs small. Each offset is a Gaussian belief, updated
after every report by assumed-density filtering (the moment-matching update TrueSkill uses), so one pass
over the feedback stream is all the learning there is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.decision.schemas import FitReport

NOISE_VAR = 0.25
THRESHOLD = 0.5
ITEM_PRIOR_VAR = 0.09
BRAND_PRIOR_VAR = 0.09
DRIFT_VAR = 0.002
"""Added to each belief before an update, so offsets can follow a brand that changes its lasts."""
MIN_VAR = 1e-4


@dataclass(frozen=True)
class Belief:
    mean: float
    variance: float


def _pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _interval(report: FitReport) -> tuple[float, float]:
    if report is FitReport.SMALL:
        return THRESHOLD, math.inf
    if report is FitReport.LARGE:
        return -math.inf, -THRESHOLD
    return -THRESHOLD, THRESHOLD


def truncated_moments(mean: float, variance: float, low: float, high: float) -> tuple[float, float]:
    """Mean and variance of N(mean, variance) restricted to [low, high]."""
    sd = math.sqrt(variance)
    alpha, beta = (low - mean) / sd, (high - mean) / sd
    mass = max(_cdf(beta) - _cdf(alpha), 1e-12)
    pdf_alpha = 0.0 if math.isinf(alpha) else _pdf(alpha)
    pdf_beta = 0.0 if math.isinf(beta) else _pdf(beta)
    alpha_term = 0.0 if math.isinf(alpha) else alpha * pdf_alpha
    beta_term = 0.0 if math.isinf(beta) else beta * pdf_beta
    shift = (pdf_alpha - pdf_beta) / mass
    truncated_variance = variance * max(1 + (alpha_term - beta_term) / mass - shift * shift, 0.0)
    return mean + sd * shift, truncated_variance


def update(component: Belief, other: Belief, report: FitReport) -> Belief:
    """The posterior of one offset (`component`) after a report, the other offset held at its belief."""
    component = Belief(component.mean, component.variance + DRIFT_VAR)
    total_mean = component.mean + other.mean
    total_var = component.variance + other.variance + NOISE_VAR
    low, high = _interval(report)
    z_mean, z_var = truncated_moments(total_mean, total_var, low, high)
    gain = component.variance / total_var
    mean = component.mean + gain * (z_mean - total_mean)
    variance = component.variance - gain * gain * (total_var - z_var)
    return Belief(mean, max(variance, MIN_VAR))


def fit_probability(offset: Belief) -> float:
    """Chance a shopper buying their chart size reports `fit`, once the offset's mean is corrected for."""
    sd = math.sqrt(offset.variance + NOISE_VAR)
    return _cdf(THRESHOLD / sd) - _cdf(-THRESHOLD / sd)


def reliability(brand: Belief) -> float:
    """How predictable a brand's sizing is, in [0, 1]: the fit chance under our belief about the brand,
    relative to a brand known exactly. An unknown brand scores about 0.89, a well-learned one near 1."""
    return fit_probability(brand) / fit_probability(Belief(0.0, 0.0))
