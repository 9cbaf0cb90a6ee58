"""The Gaussian measurement model shared by footwear and apparel fitting."""

from __future__ import annotations

import math


def probability_within(measured: float, sigma: float, low: float, high: float) -> float:
    """P(low <= true value < high) when the true value is Normal(measured, sigma).

    A sigma of 0 means an exact measurement: the answer is then 1 or 0.
    """
    if sigma < 0:
        raise ValueError("sigma must not be negative")
    if high < low:
        raise ValueError("high must not be below low")
    if sigma == 0:
        return 1.0 if low <= measured < high else 0.0
    return max(0.0, _normal_cdf((high - measured) / sigma) - _normal_cdf((low - measured) / sigma))


def _normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))
