"""Domain records shared by every backend, tool and route.

Ids are restricted to a safe alphabet so they can be embedded in composite keys (DynamoDB sort keys,
SQLite rows) without escaping. Money is a Decimal in rupees, serialised to JSON as a number.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"
TENANT_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
SIZE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 ._/+-]{0,31}$"
REGION_PATTERN = r"^[a-z][a-z0-9_-]{0,63}$"

Id = Annotated[str, Field(pattern=ID_PATTERN)]
TenantId = Annotated[str, Field(pattern=TENANT_PATTERN)]
Size = Annotated[str, Field(pattern=SIZE_PATTERN)]
Region = Annotated[str, Field(pattern=REGION_PATTERN)]
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2),
    PlainSerializer(float, return_type=float, when_used="json"),
]


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Tenant(Record):
    id: TenantId
    name: str
    created_at: datetime = Field(default_factory=utcnow)


class Product(Record):
    """A catalog item. `fit` holds fit data (fit_type, size_offset...); `ingredients` is for cosmetics."""

    id: Id
    tenant_id: TenantId
    name: str = Field(min_length=1, max_length=500)
    brand: str = Field(default="", max_length=120)
    category: str = Field(min_length=1, max_length=64)
    subcategory: str = Field(default="", max_length=120)
    description: str = Field(default="", max_length=20_000)
    price_inr: Money
    sizes: list[Size] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)
    ingredients: list[str] = Field(default_factory=list)
    fit: dict[str, Any] = Field(default_factory=dict)
    images: list[str] = Field(default_factory=list)
    rating: float | None = Field(default=None, ge=0, le=5)
    metadata_quality: float = Field(default=0.5, ge=0, le=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @field_validator("category")
    @classmethod
    def _lower_category(cls, value: str) -> str:
        return value.strip().lower()


class InventoryRecord(Record):
    """Stock of one product size in one region. `reserved` is held by orders awaiting payment."""

    tenant_id: TenantId
    product_id: Id
    size: Size
    region: Region
    available: int = Field(ge=0)
    reserved: int = Field(default=0, ge=0)
    version: int = Field(default=1, ge=1)
    updated_at: datetime = Field(default_factory=utcnow)


class CartItem(Record):
    product_id: Id
    size: Size
    quantity: int = Field(ge=1, le=20)


class Cart(Record):
    tenant_id: TenantId
    user_id: Id
    items: list[CartItem] = Field(default_factory=list)
    version: int = Field(default=0, ge=0, description="0 means never saved.")
    updated_at: datetime = Field(default_factory=utcnow)


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    CONFIRMED = "CONFIRMED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


class StockEffect(StrEnum):
    """What a status change does to the inventory of every order line."""

    NONE = "NONE"
    COMMIT = "COMMIT"  # payment succeeded: reserved -= q (the units have left stock)
    RELEASE = (
        "RELEASE"  # payment failed / reservation expired / pending cancelled: reserved -= q, available += q
    )
    RESTOCK = "RESTOCK"  # a confirmed order is cancelled: available += q


class OrderLine(Record):
    product_id: Id
    size: Size
    quantity: int = Field(ge=1, le=20)
    unit_price_inr: Money
    name: str = ""


class StatusChange(Record):
    status: OrderStatus
    at: datetime = Field(default_factory=utcnow)
    reason: str | None = None


class Order(Record):
    id: Id
    tenant_id: TenantId
    user_id: Id
    region: Region
    items: list[OrderLine] = Field(min_length=1)
    payment_method: str
    status: OrderStatus = OrderStatus.PENDING_PAYMENT
    total_inr: Money
    failure_reason: str | None = None
    payment_reference: str | None = None
    idempotency_key: str | None = None
    reservation_expires_at: datetime | None = None
    history: list[StatusChange] = Field(default_factory=list)
    version: int = Field(default=1, ge=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class IdempotencyRecord(Record):
    """Binds (tenant, key) to the order it created and a hash of the request that created it."""

    tenant_id: TenantId
    key: str = Field(min_length=1, max_length=255)
    order_id: Id
    request_hash: str
    created_at: datetime = Field(default_factory=utcnow)


class User(Record):
    id: Id
    tenant_id: TenantId
    name: str = ""
    email: str | None = None
    phone: str | None = None
    region: Region | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ConsentRecord(Record):
    """One entry of the append-only consent log."""

    id: Id = Field(default_factory=lambda: new_id("cns"))
    tenant_id: TenantId
    user_id: Id
    consent_type: str = Field(min_length=1, max_length=64)
    granted: bool
    recorded_at: datetime = Field(default_factory=utcnow)
    source: str = "api"


class AuditEntry(Record):
    """One entry of the append-only audit log."""

    id: Id = Field(default_factory=lambda: new_id("aud"))
    tenant_id: TenantId
    actor: str
    action: str
    entity_type: str
    entity_id: str
    at: datetime = Field(default_factory=utcnow)
    details: dict[str, Any] = Field(default_factory=dict)


class ProductQuery(Record):
    """Catalog search. `text` matches every word against name, brand, category, subcategory, description."""

    text: str | None = Field(default=None, max_length=200)
    category: str | None = None
    brand: str | None = None
    max_price_inr: Money | None = None
    min_price_inr: Money | None = None
    size: Size | None = None
    in_stock_region: Region | None = None
    page: int = Field(default=1, ge=1, le=10_000)
    page_size: int = Field(default=20, ge=1, le=100)

    def admits(self, product: Product) -> bool:
        """The filters besides text and stock: category exact, brand ignoring case, price floor and cap
        inclusive, size offered (what `ProductRepository.search` applies)."""
        if self.category is not None and product.category != self.category:
            return False
        if self.brand is not None and product.brand.casefold() != self.brand.casefold():
            return False
        if self.max_price_inr is not None and product.price_inr > self.max_price_inr:
            return False
        if self.min_price_inr is not None and product.price_inr < self.min_price_inr:
            return False
        return self.size is None or self.size in product.sizes


class ProductPage(Record):
    items: list[Product]
    total: int
    page: int
    page_size: int
