"""The pricing request a merchant sends and the suggestion pakka answers with (API and graph share them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import Field, field_validator

from core.records.sales import CURRENCY_PATTERN, ListingCondition, ListingFields
from core.schemas import Record

MAX_PHOTOS = 6


class SuggestionRequest(Record):
    """A listing to price; `photos` are the raw image bytes (the API decodes them from base64)."""

    title: str = Field(min_length=1, max_length=500)
    description: str = Field(default="", max_length=20_000)
    category: str = Field(min_length=1, max_length=200)
    brand: str | None = Field(default=None, max_length=120)
    condition: ListingCondition
    currency: str = Field(default="INR", pattern=CURRENCY_PATTERN)
    photos: list[bytes] = Field(default_factory=list, max_length=MAX_PHOTOS)
    as_of: datetime | None = Field(
        default=None,
        description="Price as of this moment: only sales made by then count, and ages are measured from it. "
        "Default: the newest sale in the shop's history in this currency (never the wall clock), so the "
        "same history gives the same price whenever it is asked. Without a time zone, UTC.",
    )

    @field_validator("as_of")
    @classmethod
    def _as_of(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return ListingFields._category(value)  # the same normalisation as sales history

    @field_validator("brand")
    @classmethod
    def _brand(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class PriceRange(Record):
    low: float = Field(ge=0)
    high: float = Field(ge=0)


class ComparableSale(Record):
    id: str
    title: str
    price: float = Field(ge=0)
    sold_at: datetime
    similarity: float = Field(ge=0, le=1)
    weight: float = Field(
        ge=0,
        le=1,
        description="The share of the suggested price this sale carries: its learned weight (similarity, age "
        "from the pricing moment, condition, brand) over all comparables' weights plus the price model's.",
    )


class PriceAdjustment(Record):
    kind: str
    factor: float = Field(gt=0)
    reason: str


class HistoryUsed(Record):
    """Which sales history the suggestion rests on: the pricing moment, how many sales the index held, and
    whether it was current when asked (`current`), current after waiting for the newest sales to be indexed
    (`waited`), or the last complete index while newer sales were still being indexed (`previous`)."""

    as_of: datetime | None = Field(description="The pricing moment: the request's as_of or the newest sale.")
    sales: int = Field(ge=0, description="Sales in the index the suggestion was priced from.")
    stored: int = Field(ge=0, description="Sales stored for the shop when the request came.")
    considered: int = Field(
        ge=0, description="Of those, the sales in the listing's currency made by the pricing moment."
    )
    index: Literal["current", "waited", "previous"]
    note: str


class PriceSuggestion(Record):
    price: float = Field(ge=0)
    currency: str
    range: PriceRange
    confidence: float = Field(ge=0, le=1)
    comparables: list[ComparableSale]
    adjustments: list[PriceAdjustment]
    explanation: str
    tier: str | None = Field(description="The model tier that wrote the explanation.")
    history: HistoryUsed | None = Field(default=None, description="The sales history the price rests on.")
