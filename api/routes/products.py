"""Catalog search and product details."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.auth import PUBLIC
from api.deps import IdPath, ServicesDep, TenantDep
from core.errors import NotFound
from core.schemas import Money, Product, ProductPage, ProductQuery, Region, Size
from tools.commerce.product_search import search_catalog

router = APIRouter(prefix="/v1/products", tags=["catalog"])


class ProductSearchParams(BaseModel):
    """Query parameters of `GET /v1/products`, with the same limits as `ProductQuery`."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, max_length=200, description="Words matched against name, brand, ...")
    category: str | None = Field(default=None, max_length=64)
    brand: str | None = Field(default=None, max_length=120)
    max_price_inr: Money | None = None
    size: Size | None = None
    region: Region | None = Field(default=None, description="Only products in stock in this region.")
    page: int = Field(default=1, ge=1, le=10_000)
    page_size: int = Field(default=20, ge=1, le=100)

    def to_query(self) -> ProductQuery:
        return ProductQuery(
            text=self.q,
            category=self.category.strip().lower() if self.category else None,
            brand=self.brand,
            max_price_inr=self.max_price_inr,
            size=self.size,
            in_stock_region=self.region,
            page=self.page,
            page_size=self.page_size,
        )


@router.get("", dependencies=[PUBLIC])
def search_products(
    params: Annotated[ProductSearchParams, Query()], services: ServicesDep, tenant_id: TenantDep
) -> ProductPage:
    """Ranked by the knowledge base's hybrid search when it is open (else the store's full-text search)."""
    return search_catalog(services, tenant_id, params.to_query())


@router.get("/{product_id}", dependencies=[PUBLIC], responses={404: {"description": "No such product."}})
def get_product(product_id: IdPath, services: ServicesDep, tenant_id: TenantDep) -> Product:
    product = services.store.products.get(tenant_id, product_id)
    if product is None:
        raise NotFound(f"product {product_id!r} not found", {"product_id": product_id})
    return product
