"""Sales-history records: listings, the events that change them, sold items, dead letters.

A listing moves through `listed -> sold | delisted`, and `relisted` brings a sold or delisted listing back.
Every accepted event bumps the listing's version by one; a `product.sold` event also appends one SoldItem,
the row comparable-sales pricing reads.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from core.schemas import Id, Money, Record, TenantId, new_id, utcnow

CURRENCY_PATTERN = r"^[A-Z]{3}$"
EVENT_SCHEMA_VERSION = 1


class ListingCondition(StrEnum):
    NEW = "new"
    LIKE_NEW = "like_new"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"


class ListingStatus(StrEnum):
    LISTED = "listed"
    SOLD = "sold"
    DELISTED = "delisted"


class PricingEventType(StrEnum):
    LISTED = "product.listed"
    UPDATED = "product.updated"
    SOLD = "product.sold"
    DELISTED = "product.delisted"
    RELISTED = "product.relisted"


def _normalise_category(value: str) -> str:
    """Lower-case path ("women/tops") or flat slug; surrounding blanks and slashes dropped."""
    return "/".join(part.strip() for part in value.strip().strip("/").lower().split("/") if part.strip())


class ListingFields(Record):
    """What a merchant says about an item; carried by events and copied onto the listing."""

    title: str = Field(min_length=1, max_length=500)
    description: str = Field(default="", max_length=20_000)
    category: str = Field(min_length=1, max_length=200)
    brand: str | None = Field(default=None, max_length=120)
    condition: ListingCondition
    price: Money
    currency: str = Field(default="INR", pattern=CURRENCY_PATTERN)
    photos: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        normalised = _normalise_category(value)
        if not normalised:
            raise ValueError("category must name at least one level")
        return normalised

    @field_validator("brand")
    @classmethod
    def _brand(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class Listing(ListingFields):
    """The current state of one item of a tenant's sales history."""

    tenant_id: TenantId
    listing_id: Id
    status: ListingStatus = ListingStatus.LISTED
    listed_at: datetime
    sold_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, ge=1)


class SoldItem(Record):
    """One completed sale: the listing as it was when it sold, at the price it sold for."""

    tenant_id: TenantId
    listing_id: Id
    title: str
    description: str = ""
    category: str
    brand: str | None = None
    condition: ListingCondition
    price: Money
    currency: str = Field(default="INR", pattern=CURRENCY_PATTERN)
    sold_at: datetime

    @classmethod
    def of(cls, listing: Listing) -> SoldItem:
        if listing.sold_at is None:
            raise ValueError("a listing that has not sold has no sold item")
        return cls(
            tenant_id=listing.tenant_id,
            listing_id=listing.listing_id,
            title=listing.title,
            description=listing.description,
            category=listing.category,
            brand=listing.brand,
            condition=listing.condition,
            price=listing.price,
            currency=listing.currency,
            sold_at=listing.sold_at,
        )


# Events whose `product` must be present: they set every field of the listing.
EVENTS_REQUIRING_PRODUCT = frozenset(
    {PricingEventType.LISTED, PricingEventType.UPDATED, PricingEventType.RELISTED}
)


class PricingEvent(Record):
    """One change to a listing. `product` is required for listed/updated/relisted; on `product.sold` it may
    carry the final sale fields (a sale price below the asking price); on `product.delisted` it is ignored.

    Schema version 1 (`schema_version`, optional: 1 when left out). A later version will be a new value
    here, accepted beside 1; a version this service does not know is refused, not guessed at."""

    schema_version: Literal[1] = Field(
        default=EVENT_SCHEMA_VERSION, description="The event schema's version; 1 when left out."
    )
    event_id: str = Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$",
        description="The sender's id for this event: the same id and type within 24 hours is a duplicate, "
        "answered with the first outcome and applied once.",
    )
    tenant_id: TenantId
    type: PricingEventType = Field(
        description="product.listed | product.updated | product.sold | product.delisted | product.relisted"
    )
    listing_id: Id = Field(description="The merchant's id of the listing the event is about.")
    occurred_at: datetime = Field(
        description="When it happened (ISO 8601 with a time zone): a sale's time is what pricing measures "
        "recency by."
    )
    product: ListingFields | None = Field(
        default=None,
        description="Every field of the listing: required on listed, updated and relisted; on sold, the "
        "final sale (a price below the asking price); ignored on delisted.",
    )

    @model_validator(mode="after")
    def _product_when_required(self) -> PricingEvent:
        if self.type in EVENTS_REQUIRING_PRODUCT and self.product is None:
            raise ValueError(f"{self.type.value} events must carry the product fields")
        return self


class EventOutcome(Record):
    """What an accepted event did; stored with its dedupe key and returned again for a duplicate."""

    tenant_id: TenantId
    event_id: str
    type: PricingEventType
    listing_id: Id
    status: ListingStatus
    version: int = Field(ge=1)
    recorded_at: datetime = Field(default_factory=utcnow)
    duplicate: bool = False


class DeadLetter(Record):
    """An event the asynchronous path could not apply, kept with the reason for an operator to replay."""

    id: Id = Field(default_factory=lambda: new_id("dlq"))
    tenant_id: TenantId
    event_id: str | None = None
    payload: dict[str, Any]
    error_code: str
    reason: str
    details: dict[str, Any] = Field(default_factory=dict)
    failed_at: datetime = Field(default_factory=utcnow)
