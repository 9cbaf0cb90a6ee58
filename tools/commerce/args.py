"""The arguments a model may choose, one schema per tool.

Identity (tenant, shopper) is deliberately absent: it comes from the run context. Extra keys are ignored
rather than forbidden because `ToolNode` passes the injected `runtime` alongside the model's arguments.
"""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.tools import InjectedToolArg
from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.schemas import Id, Region, Size

PAYMENT_METHOD_PATTERN = r"^[a-z][a-z0-9_-]{0,31}$"


class ToolArgs(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class SearchProductsArgs(ToolArgs):
    query: str | None = Field(
        default=None, max_length=200, description="Words to match, e.g. 'white sneakers'."
    )
    category: str | None = Field(
        default=None, max_length=64, description="Category, e.g. footwear, apparel, skincare, home."
    )
    brand: str | None = Field(default=None, max_length=120, description="Exact brand name.")
    max_price_inr: float | None = Field(
        default=None, gt=0, le=10_000_000, description="Highest price in rupees."
    )
    min_price_inr: float | None = Field(
        default=None, gt=0, le=10_000_000, description="Lowest price in rupees ('between 500 and 1000')."
    )
    size: Size | None = Field(
        default=None, description="Only products offered in this size, e.g. '9' or 'M'."
    )
    in_stock_region: Region | None = Field(
        default=None, description="Only products in stock in this region; defaults to the shopper's region."
    )
    limit: int = Field(default=5, ge=1, le=20, description="How many products to return.")

    @field_validator("category")
    @classmethod
    def _lower_category(cls, value: str | None) -> str | None:
        return value.lower() if value else None


class ProductIdArgs(ToolArgs):
    product_id: Id = Field(description="A product id from search_products.")


class CheckInventoryArgs(ProductIdArgs):
    size: Size | None = Field(default=None, description="One size of the product; all sizes when omitted.")
    region: Region | None = Field(
        default=None, description="Region to check; defaults to the shopper's region."
    )


class AddToCartArgs(ProductIdArgs):
    size: Size = Field(description="One of the product's sizes.")
    quantity: int = Field(default=1, ge=1, le=20, description="How many to add.")


class RemoveFromCartArgs(ProductIdArgs):
    size: Size | None = Field(
        default=None, description="Which size to remove; every size of the product if omitted."
    )
    quantity: int | None = Field(
        default=None, ge=1, le=20, description="How many to remove; the whole line if omitted."
    )


class ShopperOnlyArgs(ToolArgs):
    """No model arguments (view_cart). langchain-core passes nothing at all to a tool whose schema has no
    fields, not even the injected runtime, so the runtime is declared here as an injected field."""

    runtime: Annotated[Any, InjectedToolArg] = None


class OrderItemArgs(ToolArgs):
    product_id: Id
    size: Size
    quantity: int = Field(default=1, ge=1, le=20)


class PlaceOrderArgs(ToolArgs):
    items: list[OrderItemArgs] | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description="What to order; the shopper's cart when omitted.",
    )
    region: Region | None = Field(
        default=None, description="Delivery region; defaults to the shopper's region."
    )
    payment_method: str = Field(
        default="cod", pattern=PAYMENT_METHOD_PATTERN, description="'cod' = cash on delivery."
    )


class OrderStatusArgs(ToolArgs):
    order_id: Id | None = Field(
        default=None, description="An order id; the shopper's recent orders when omitted."
    )


class CancelOrderArgs(ToolArgs):
    order_id: Id = Field(description="The order to cancel.")
    reason: str | None = Field(default=None, max_length=200, description="Why the shopper is cancelling.")
