"""Records the decision engine stores: shopper feedback on purchases and the size offsets learned from it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from core.schemas import Id, Record, Size, TenantId, new_id, utcnow


class PurchaseOutcome(StrEnum):
    KEPT = "kept"
    RETURNED = "returned"


class FitReport(StrEnum):
    """How the size felt: `small` means the shopper needed a bigger size."""

    SMALL = "small"
    FIT = "fit"
    LARGE = "large"


class OffsetScope(StrEnum):
    ITEM = "item"
    BRAND = "brand"


class FeedbackEvent(Record):
    """One shopper's report on a product and size they bought (append-only; erased with the shopper)."""

    id: Id = Field(default_factory=lambda: new_id("fbk"))
    tenant_id: TenantId
    user_id: Id
    product_id: Id
    brand: str = Field(default="", max_length=120)
    size: Size
    outcome: PurchaseOutcome
    fit: FitReport
    recorded_at: datetime = Field(default_factory=utcnow)


class SizeOffset(Record):
    """Belief about how far an item or a brand runs from its chart, in size steps (Gaussian: mean, variance).

    A positive mean means it runs small (shoppers need a bigger size than the chart says). `key` is the
    product id for an item and the normalised brand name for a brand."""

    tenant_id: TenantId
    scope: OffsetScope
    key: Id
    mean: float = 0.0
    variance: float = Field(gt=0)
    observations: int = Field(default=0, ge=0)
    version: int = Field(default=0, ge=0, description="0 means never saved.")
    updated_at: datetime = Field(default_factory=utcnow)
