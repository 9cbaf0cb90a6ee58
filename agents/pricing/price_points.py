"""Indian retail price points: prices end in 9 (₹49, ₹199, ₹1,299, ₹10,499)."""

from __future__ import annotations

INR = "INR"

# (upper bound of the band, step): a price in the band rounds to the nearest multiple of step, minus one.
_BANDS: tuple[tuple[float, int], ...] = ((100, 10), (1_000, 50), (10_000, 100), (float("inf"), 500))


def price_point(price: float, currency: str) -> float:
    """The nearest price point for INR; other currencies are rounded to cents."""
    if currency != INR:
        return round(price, 2)
    if price < 10:
        return float(max(round(price), 1))
    step = next(step for bound, step in _BANDS if price < bound)
    return float(max(round(price / step), 1) * step - 1)


def is_price_point(price: float, currency: str) -> bool:
    return price_point(price, currency) == round(price, 2)
