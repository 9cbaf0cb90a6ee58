"""A small shop for the commerce service tests: one tenant, three products, stock in one region, and helpers
to read stock and build requests. The products are shared constants; tests never mutate them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from core.commerce.orders import OrderLineRequest, PlaceOrderRequest
from core.schemas import (
    InventoryRecord,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    StatusChange,
    Tenant,
    new_id,
)
from core.storage.repositories import Store

TENANT = "acme"
REGION = "mumbai"
SHOPPER = "u-priya"
START = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)

SNEAKER = Product(
    id="sneaker-1",
    tenant_id=TENANT,
    name="Stride Runner",
    brand="Stride",
    category="footwear",
    price_inr=Decimal("2499.00"),
    sizes=["UK7", "UK8", "UK9"],
)
KURTA = Product(
    id="kurta-1",
    tenant_id=TENANT,
    name="Chhaya Cotton Kurta",
    brand="Chhaya",
    category="apparel",
    price_inr=Decimal("899.00"),
    sizes=["S", "M", "L"],
)
SERUM = Product(
    id="serum-1",
    tenant_id=TENANT,
    name="Niacinamide Serum",
    brand="Glow Lab",
    category="skincare",
    price_inr=Decimal("649.50"),
    sizes=["30ml"],
)

Line = tuple[Product, str, int]


class ManualClock:
    """A clock the test moves by hand, injected into the services instead of the wall clock."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def open_shop(store: Store, tenant_id: str = TENANT) -> None:
    """Register the tenant and put the three products in its catalog (no stock yet)."""
    store.tenants.put(Tenant(id=tenant_id, name=f"{tenant_id} retail"))
    products = (SNEAKER, KURTA, SERUM)
    store.products.put_many(product.model_copy(update={"tenant_id": tenant_id}) for product in products)


def set_stock(
    store: Store,
    product: Product,
    size: str,
    available: int,
    *,
    region: str = REGION,
    tenant_id: str = TENANT,
) -> None:
    record = InventoryRecord(
        tenant_id=tenant_id, product_id=product.id, size=size, region=region, available=available
    )
    store.inventory.put(record)


def stock(
    store: Store, product: Product, size: str, *, region: str = REGION, tenant_id: str = TENANT
) -> tuple[int, int]:
    """(available, reserved) of one product size in a region."""
    record = store.inventory.get(tenant_id, product.id, size, region)
    assert record is not None, f"no inventory row for {product.id} {size} in {region}"
    return record.available, record.reserved


def order_request(*lines: Line, user_id: str = SHOPPER, payment_method: str = "cod") -> PlaceOrderRequest:
    return PlaceOrderRequest(
        user_id=user_id,
        region=REGION,
        payment_method=payment_method,
        items=[
            OrderLineRequest(product_id=product.id, size=size, quantity=quantity)
            for product, size, quantity in lines
        ],
    )


def abandoned_order(
    *lines: Line,
    created_at: datetime = START,
    ttl: timedelta = timedelta(minutes=30),
    tenant_id: str = TENANT,
) -> Order:
    """A PENDING_PAYMENT order as the saga writes it before charging: what a crash mid-placement leaves."""
    items = [
        OrderLine(
            product_id=product.id,
            size=size,
            quantity=quantity,
            unit_price_inr=product.price_inr,
            name=product.name,
        )
        for product, size, quantity in lines
    ]
    return Order(
        id=new_id("ord"),
        tenant_id=tenant_id,
        user_id=SHOPPER,
        region=REGION,
        items=items,
        payment_method="cod",
        total_inr=sum((item.unit_price_inr * item.quantity for item in items), Decimal(0)),
        reservation_expires_at=created_at + ttl,
        history=[StatusChange(status=OrderStatus.PENDING_PAYMENT, at=created_at)],
        created_at=created_at,
        updated_at=created_at,
    )
