"""Stock of one product per size and region."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.auth import PUBLIC
from api.deps import IdPath, ServicesDep, TenantDep
from core.errors import NotFound

router = APIRouter(prefix="/v1/inventory", tags=["inventory"])


class StockLevel(BaseModel):
    size: str
    region: str
    available: int
    reserved: int


class ProductStock(BaseModel):
    product_id: str
    items: list[StockLevel]


@router.get("/{product_id}", dependencies=[PUBLIC], responses={404: {"description": "No such product."}})
def get_inventory(product_id: IdPath, services: ServicesDep, tenant_id: TenantDep) -> ProductStock:
    records = services.store.inventory.list_for_product(tenant_id, product_id)
    if not records and services.store.products.get(tenant_id, product_id) is None:
        raise NotFound(f"product {product_id!r} not found", {"product_id": product_id})
    return ProductStock(
        product_id=product_id,
        items=[
            StockLevel(
                size=record.size, region=record.region, available=record.available, reserved=record.reserved
            )
            for record in records
        ],
    )
