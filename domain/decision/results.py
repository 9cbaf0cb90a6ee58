"""What the decision graph answers: the chosen products with their evidence, or none and what would help."""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.schemas import Money
from domain.decision.citations import CitedSource
from domain.decision.confidence import ConfidenceFactors
from domain.decision.filtering import Elimination


class Recommendation(BaseModel):
    product_id: str
    name: str
    brand: str
    price_inr: Money
    size: str | None
    confidence: float = Field(ge=0, le=1)
    factors: ConfidenceFactors
    explanation: str
    citations: list[str] = Field(description="The ids of the sources (chart rows, rules, guides)")
    sources: list[CitedSource] = Field(
        default_factory=list, description="The same sources as titled links a shopper can open"
    )


class EliminationSummary(BaseModel):
    count: int = Field(ge=0)
    reasons: dict[Elimination, int]


class DecisionResult(BaseModel):
    recommendations: list[Recommendation]
    eliminated: EliminationSummary
    guidance: list[str]
    attributes_source: str | None = Field(description="'scan' (this request), 'stored', or None when unknown")
