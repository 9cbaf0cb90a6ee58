"""What the shopping chat remembers about a shopper across threads: sizes per category, favourite brands,
budgets per category and the delivery region, in the graphs' long-term store (LangGraph `BaseStore`) under the
shopper's own namespace (`core.privacy.user_namespace(tenant, user, "preferences")`), so erasure removes it
with everything else the store keeps about them.

One item ("profile") holds it all: a turn reads it with one lookup. Nothing biometric is kept here (scan
attributes live in the user record, behind consent)."""

from __future__ import annotations

from typing import Any

from langgraph.store.base import BaseStore
from pydantic import BaseModel, Field

from core.catalog.regions import is_serviceable
from core.privacy import user_namespace

KIND = "preferences"
KEY = "profile"
MAX_BRANDS = 5


class RememberedPreferences(BaseModel):
    sizes: dict[str, str] = Field(default_factory=dict, description="category -> size, e.g. footwear: UK 9")
    brands: list[str] = Field(default_factory=list, description="Brands the shopper likes, latest first.")
    budget_inr: dict[str, float] = Field(default_factory=dict, description="category -> highest price")
    region: str | None = Field(default=None, description="Where to deliver (a region slug).")

    def facts(self) -> dict[str, Any]:
        """The non-empty preferences, as the chat's facts block shows them."""
        return self.model_dump(exclude_defaults=True)

    def merged(
        self,
        *,
        size: str | None = None,
        category: str | None = None,
        brand: str | None = None,
        budget_inr: float | None = None,
        region: str | None = None,
    ) -> RememberedPreferences:
        """These preferences with the given ones added (a size or budget needs its category)."""
        sizes = dict(self.sizes)
        budgets = dict(self.budget_inr)
        brands = list(self.brands)
        if size and category:
            sizes[category] = size
        if budget_inr is not None and category:
            budgets[category] = float(budget_inr)
        if brand:
            brands = [brand, *(known for known in brands if known.casefold() != brand.casefold())][
                :MAX_BRANDS
            ]
        return RememberedPreferences(
            sizes=sizes,
            brands=brands,
            budget_inr=budgets,
            region=region if region and is_serviceable(region) else self.region,
        )


def namespace(tenant_id: str, user_id: str) -> tuple[str, ...]:
    return user_namespace(tenant_id, user_id, KIND)


async def recall(store: BaseStore | None, tenant_id: str, user_id: str | None) -> RememberedPreferences:
    """The shopper's remembered preferences (none for an anonymous shopper or where no store is open)."""
    if store is None or not user_id:
        return RememberedPreferences()
    item = await store.aget(namespace(tenant_id, user_id), KEY)
    if item is None:
        return RememberedPreferences()
    try:
        return RememberedPreferences.model_validate(item.value)
    except ValueError:
        return RememberedPreferences()


async def remember(
    store: BaseStore, tenant_id: str, user_id: str, preferences: RememberedPreferences
) -> RememberedPreferences:
    await store.aput(namespace(tenant_id, user_id), KEY, preferences.model_dump(mode="json"), index=False)
    return preferences
