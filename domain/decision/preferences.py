"""What the shopper asked for beyond their measurements: who the product is for (men's or women's; unisex
products suit both) and, for clothes, how loose they like it. Stated in the request, else remembered in
their stored profile (`User.attributes["preferences"]`), else unknown (every product is considered)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from core.schemas import Product
from knowledge.sizing.charts import FitType

ShopperGender = Literal["men", "women"]
PROFILE_KEY = "preferences"
"""Where a shopper's remembered preferences live in their stored profile (`User.attributes`)."""
WORN_BY = ("men", "women", "unisex", "girls", "boys", "kids")
"""The `gender` values a product may carry; any other value (or none) says nothing about who wears it."""
GENDERS: tuple[ShopperGender, ...] = ("men", "women")
FITS: tuple[FitType, ...] = ("slim", "regular", "relaxed")


class ShopperPreferences(BaseModel):
    model_config = ConfigDict(frozen=True)

    gender: ShopperGender | None = None
    fit: FitType | None = None

    @classmethod
    def of(cls, stated: Mapping[str, Any] | None, stored: Mapping[str, Any] | None) -> ShopperPreferences:
        """The request's preferences, each unstated one taken from the stored profile; values that are not
        a known gender or fit are ignored."""
        sources = (stated or {}, stored or {})
        gender = next((source["gender"] for source in sources if source.get("gender") in GENDERS), None)
        fit = next((source["fit"] for source in sources if source.get("fit") in FITS), None)
        return cls(gender=gender, fit=fit)

    def admits(self, product: Product) -> bool:
        """Whether the product is for this shopper: for their gender or unisex (or unlabelled)."""
        if self.gender is None:
            return True
        worn_by = str(product.attributes.get("gender", "")).strip().casefold()
        return worn_by not in WORN_BY or worn_by in ("unisex", self.gender)
