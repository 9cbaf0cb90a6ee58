"""What the pricing agents read (task contexts) and answer (structured outputs).

Field descriptions are part of the prompt a language model sees."""

from __future__ import annotations

import copy
import functools
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agents.pricing.money import money

MAX_ANALYST_CHANGE = 0.15


class StructuredAnswer(BaseModel):
    """A structured output whose JSON schema is generated once per class and set of options.

    Every structured call turns the schema into a tool definition, and pydantic rebuilds the JSON schema each
    time: on the rule-based tier that was about a third of an analyst or validator call. Callers get a deep
    copy, because LangChain edits the schema it is given."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return copy.deepcopy(_json_schema(cls, args, tuple(sorted(kwargs.items()))))


@functools.cache
def _json_schema(
    model: type[StructuredAnswer], args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> dict[str, Any]:
    return super(StructuredAnswer, model).model_json_schema(*args, **dict(kwargs))


class PriceReviewContext(BaseModel):
    """A computed price handed to the analyst, with what the validator said last round (if anything).
    Amounts are in `currency`; `amounts` holds them written out (`review_amounts`)."""

    model_config = ConfigDict(extra="ignore")

    title: str
    category: str
    condition: str
    currency: str
    price: float = Field(ge=0, description="The comparable-sales estimate (or the last proposal).")
    p5: float = Field(ge=0)
    p95: float = Field(ge=0)
    confidence: float = Field(ge=0, le=1)
    comparables: int = Field(ge=0)
    comparable_prices: list[float] = Field(default_factory=list, description="Most similar first.")
    adjustments: list[str] = Field(default_factory=list)
    validator_problems: list[str] = Field(default_factory=list)
    target_price: float | None = Field(default=None, ge=0, description="Where the validator wants the price.")
    amounts: dict[str, str] = Field(
        default_factory=dict,
        description="The amounts above as the merchant reads them in `currency` ('price': '₹1,299'); "
        "write amounts this way.",
    )


class AnalystReview(StructuredAnswer):
    """The analyst's verdict: a multiplier on the estimate (0.85-1.15) and the reasons for it."""

    factor: float = Field(
        ge=1 - MAX_ANALYST_CHANGE,
        le=1 + MAX_ANALYST_CHANGE,
        description="1.0 keeps the estimate; 0.9 is -10%.",
    )
    reasons: list[str] = Field(min_length=1, description="One short sentence per reason, citing the facts.")
    outside_range_justification: str | None = Field(
        default=None,
        description="Why a price outside the comparables' 5th-95th percentile is right, if it is.",
    )


class PriceCheckContext(BaseModel):
    """A proposal as the validation agent sees it, with what the code rules already found."""

    model_config = ConfigDict(extra="ignore")

    title: str
    currency: str
    price: float = Field(ge=0)
    estimate: float = Field(ge=0)
    p5: float = Field(ge=0)
    p95: float = Field(ge=0)
    confidence: float = Field(ge=0, le=1)
    comparables: int = Field(ge=0)
    analyst_factor: float
    analyst_reasons: list[str] = Field(default_factory=list)
    rule_problems: list[str] = Field(default_factory=list)
    amounts: dict[str, str] = Field(
        default_factory=dict,
        description="The amounts above as the merchant reads them in `currency`; write amounts this way.",
    )


class ValidationVerdict(StructuredAnswer):
    """The validation agent's decision on a proposal."""

    approved: bool = Field(description="True when the price is consistent with the comparables and reasons.")
    problems: list[str] = Field(default_factory=list, description="What the analyst must fix, one per line.")


def review_amounts(currency: str, **amounts: float | None) -> dict[str, str]:
    """The named amounts written in `currency` (agents/pricing/money.py), for the language-model tiers."""
    return {name: money(value, currency) for name, value in amounts.items() if value is not None}
