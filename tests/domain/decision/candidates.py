"""A builder of scored candidates for the filter and guidance tests."""

from __future__ import annotations

from decimal import Decimal

from domain.decision.confidence import ConfidenceFactors
from domain.decision.filtering import ScoredCandidate

FACTORS = ConfidenceFactors(fit=0.9, attribute_similarity=0.9, metadata_quality=0.9, brand_reliability=0.9)


def candidate(
    product_id: str, confidence: float, brand: str = "", price: str = "1000", in_stock: bool = True
) -> ScoredCandidate:
    return ScoredCandidate(
        product_id=product_id,
        name=product_id.title(),
        brand=brand or f"brand-{product_id}",
        price_inr=Decimal(price),
        size="UK8",
        in_stock=in_stock,
        confidence=confidence,
        factors=FACTORS,
    )
