"""Catalog search and product details."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from agents.rules.catalog_query import has_searchable_characters, read_catalog_text
from api.auth import PUBLIC
from api.deps import IdPath, ServicesDep, TenantDep
from api.inputs import AmountQuery
from core.errors import NotFound
from core.schemas import Product, ProductPage, ProductQuery, Region, Size
from tools.commerce.product_search import search_catalog

router = APIRouter(prefix="/v1/products", tags=["catalog"])


class ProductSearchParams(BaseModel):
    """Query parameters of `GET /v1/products`, with the same limits as `ProductQuery`."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(
        default=None,
        max_length=200,
        description="What to look for, in English, Hindi or Hinglish; a price in it is applied as a cap "
        '("running shoes under 3000", "3 hazaar tak"). Needs letters or digits (422 otherwise).',
        # `_searchable`'s rule, published: blank, or some letter or digit (`[^\W_]` is str.isalnum).
        json_schema_extra={"pattern": r"^\s*$|[^\W_]"},
    )
    category: str | None = Field(default=None, max_length=64)
    brand: str | None = Field(default=None, max_length=120)
    max_price_inr: AmountQuery = None
    min_price_inr: AmountQuery = None
    size: Size | None = None
    region: Region | None = Field(default=None, description="Only products in stock in this region.")
    page: int = Field(default=1, ge=1, le=10_000)
    page_size: int = Field(default=20, ge=1, le=100)

    @field_validator("q")
    @classmethod
    def _searchable(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not has_searchable_characters(value):
            raise ValueError("has no letters or digits to search for; leave q out to list the whole catalog")
        return value

    @model_validator(mode="after")
    def _floor_below_cap(self) -> ProductSearchParams:
        if (
            self.min_price_inr is not None
            and self.max_price_inr is not None
            and self.min_price_inr > self.max_price_inr
        ):
            raise ValueError("min_price_inr is above max_price_inr: no product can cost both")
        return self

    def to_query(self, *, ranked: bool = True) -> ProductQuery:
        """The query, with `q` read by the intent parser: a price it names ("under 3000", "3 hazaar tak") caps
        the price (with max_price_inr, the lower cap wins; a floor it names, "above 500", with min_price_inr,
        the higher floor wins) and Hindi/Hinglish words also search as English
        (agents/rules/catalog_query.py) when the search is `ranked` by the knowledge base (the store's own
        search, which needs every word, gets the words as written)."""
        text, max_price, min_price = self.q, self.max_price_inr, self.min_price_inr
        if self.q is not None:
            reading = read_catalog_text(self.q)
            text = reading.words if ranked else reading.plain
            if reading.max_price_inr is not None:
                stated = Decimal(reading.max_price_inr)
                max_price = stated if max_price is None else min(max_price, stated)
            if reading.min_price_inr is not None:
                floor = Decimal(reading.min_price_inr)
                min_price = floor if min_price is None else max(min_price, floor)
        return ProductQuery(
            text=text,
            category=self.category.strip().lower() if self.category else None,
            brand=self.brand,
            max_price_inr=max_price,
            min_price_inr=min_price,
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
    return search_catalog(services, tenant_id, params.to_query(ranked=services.knowledge is not None))


@router.get("/{product_id}", dependencies=[PUBLIC], responses={404: {"description": "No such product."}})
def get_product(product_id: IdPath, services: ServicesDep, tenant_id: TenantDep) -> Product:
    product = services.store.products.get(tenant_id, product_id)
    if product is None:
        raise NotFound(f"product {product_id!r} not found", {"product_id": product_id})
    return product
