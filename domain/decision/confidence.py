"""The raw confidence of one recommendation: a fixed weighting of four factors, each in [0, 1]."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

WEIGHTS: dict[str, float] = {
    "fit": 0.4,
    "attribute_similarity": 0.3,
    "metadata_quality": 0.2,
    "brand_reliability": 0.1,
}


class ConfidenceFactors(BaseModel):
    """Why a product scored what it did; returned to the shopper as `factors`.

    - fit: probability the chosen size fits (footwear/apparel) or ingredient compatibility (skincare)
    - attribute_similarity: how well the product's attributes match the shopper's (width, tone, skin type...)
    - metadata_quality: how complete and trustworthy the listing is
    - brand_reliability: how consistently the brand's sizes match its chart (from feedback)
    """

    model_config = ConfigDict(frozen=True)

    fit: float = Field(ge=0, le=1)
    attribute_similarity: float = Field(ge=0, le=1)
    metadata_quality: float = Field(ge=0, le=1)
    brand_reliability: float = Field(ge=0, le=1)

    def rounded(self, digits: int = 3) -> ConfidenceFactors:
        """The factors as the shopper sees them: to `digits` decimals."""
        return ConfidenceFactors(
            **{name: round(getattr(self, name), digits) for name in ConfidenceFactors.model_fields}
        )


def raw_confidence(factors: ConfidenceFactors) -> float:
    """0.4 fit + 0.3 attribute similarity + 0.2 metadata quality + 0.1 brand reliability, uncalibrated."""
    # Written out, in WEIGHTS' order, as the sum it is (the same float): scoring calls this for every size.
    return (
        WEIGHTS["fit"] * factors.fit
        + WEIGHTS["attribute_similarity"] * factors.attribute_similarity
        + WEIGHTS["metadata_quality"] * factors.metadata_quality
        + WEIGHTS["brand_reliability"] * factors.brand_reliability
    )
