"""Builders of valid records for the store contract tests: defaults for everything, overrides by keyword."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from core.records.feedback import FeedbackEvent, FitReport, OffsetScope, PurchaseOutcome, SizeOffset
from core.schemas import (
    AuditEntry,
    Cart,
    CartItem,
    ConsentRecord,
    IdempotencyRecord,
    InventoryRecord,
    Order,
    OrderLine,
    Product,
    Tenant,
    User,
)

TENANT = "acme"
OTHER_TENANT = "bolt"
REGION = "mumbai"
BASE_TIME = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    """A fixed point in time, `minutes` after BASE_TIME, for ordering tests."""
    return BASE_TIME + timedelta(minutes=minutes)


def make_tenant(tenant_id: str = TENANT, **overrides: Any) -> Tenant:
    return Tenant(**{"id": tenant_id, "name": f"{tenant_id} retail", **overrides})


def make_product(product_id: str = "p-1", tenant_id: str = TENANT, **overrides: Any) -> Product:
    fields: dict[str, Any] = {
        "id": product_id,
        "tenant_id": tenant_id,
        "name": "Trail Running Shoe",
        "brand": "Stride",
        "category": "footwear",
        "subcategory": "running",
        "description": "Lightweight mesh upper with a grippy outsole.",
        "price_inr": Decimal("2499.00"),
        "sizes": ["8", "9", "10"],
        "attributes": {"colour": "blue"},
        "fit": {"fit_type": "regular", "size_offset": 0.0},
        "rating": 4.2,
        "metadata_quality": 0.8,
    }
    return Product(**{**fields, **overrides})


def make_inventory(
    product_id: str = "p-1",
    size: str = "9",
    region: str = REGION,
    available: int = 10,
    tenant_id: str = TENANT,
    **overrides: Any,
) -> InventoryRecord:
    return InventoryRecord(
        **{
            "tenant_id": tenant_id,
            "product_id": product_id,
            "size": size,
            "region": region,
            "available": available,
            **overrides,
        }
    )


def make_line(product_id: str = "p-1", size: str = "9", quantity: int = 1, **overrides: Any) -> OrderLine:
    return OrderLine(
        **{
            "product_id": product_id,
            "size": size,
            "quantity": quantity,
            "unit_price_inr": Decimal("2499.00"),
            "name": "Trail Running Shoe",
            **overrides,
        }
    )


def make_order(
    order_id: str = "o-1",
    tenant_id: str = TENANT,
    lines: list[OrderLine] | None = None,
    **overrides: Any,
) -> Order:
    items = lines if lines is not None else [make_line()]
    total = sum((line.unit_price_inr * line.quantity for line in items), Decimal("0"))
    fields: dict[str, Any] = {
        "id": order_id,
        "tenant_id": tenant_id,
        "user_id": "u-1",
        "region": REGION,
        "items": items,
        "payment_method": "cod",
        "total_inr": total,
    }
    return Order(**{**fields, **overrides})


def make_idempotency(
    key: str = "key-1", order_id: str = "o-1", tenant_id: str = TENANT, **overrides: Any
) -> IdempotencyRecord:
    return IdempotencyRecord(
        **{
            "tenant_id": tenant_id,
            "key": key,
            "order_id": order_id,
            "request_hash": f"hash-of-{key}",
            **overrides,
        }
    )


def make_cart(user_id: str = "u-1", tenant_id: str = TENANT, **overrides: Any) -> Cart:
    items = [CartItem(product_id="p-1", size="9", quantity=2)]
    return Cart(**{"tenant_id": tenant_id, "user_id": user_id, "items": items, **overrides})


def make_user(user_id: str = "u-1", tenant_id: str = TENANT, **overrides: Any) -> User:
    fields: dict[str, Any] = {
        "id": user_id,
        "tenant_id": tenant_id,
        "name": "Asha",
        "email": "asha@example.in",
        "region": REGION,
        "attributes": {"foot_length_mm": 262},
    }
    return User(**{**fields, **overrides})


def make_consent(
    user_id: str = "u-1", consent_type: str = "store_attributes", tenant_id: str = TENANT, **overrides: Any
) -> ConsentRecord:
    return ConsentRecord(
        **{
            "tenant_id": tenant_id,
            "user_id": user_id,
            "consent_type": consent_type,
            "granted": True,
            **overrides,
        }
    )


def make_audit(entity_id: str = "o-1", tenant_id: str = TENANT, **overrides: Any) -> AuditEntry:
    fields: dict[str, Any] = {
        "tenant_id": tenant_id,
        "actor": "user:u-1",
        "action": "order.created",
        "entity_type": "order",
        "entity_id": entity_id,
        "details": {"total_inr": "2499.00"},
    }
    return AuditEntry(**{**fields, **overrides})


def make_feedback(
    event_id: str = "fbk-1", user_id: str = "u-1", tenant_id: str = TENANT, **overrides: Any
) -> FeedbackEvent:
    fields: dict[str, Any] = {
        "id": event_id,
        "tenant_id": tenant_id,
        "user_id": user_id,
        "product_id": "p-1",
        "brand": "Stride",
        "size": "UK8",
        "outcome": PurchaseOutcome.RETURNED,
        "fit": FitReport.SMALL,
        "recorded_at": at(1),
    }
    return FeedbackEvent(**{**fields, **overrides})


def make_size_offset(
    scope: OffsetScope = OffsetScope.ITEM, key: str = "p-1", tenant_id: str = TENANT, **overrides: Any
) -> SizeOffset:
    fields: dict[str, Any] = {
        "tenant_id": tenant_id,
        "scope": scope,
        "key": key,
        "mean": 0.25,
        "variance": 0.5,
    }
    return SizeOffset(**{**fields, **overrides})
