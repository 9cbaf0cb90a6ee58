"""Learning from feedback: record a shopper's report and update the item's and brand's size offsets.

Offsets are shared by every shopper of the tenant and hold no personal data; the events themselves are
personal and go when the shopper is erased."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict
from tenacity import retry, retry_if_exception_type, stop_after_attempt

from core.errors import VersionConflict
from core.records.feedback import FeedbackEvent, OffsetScope, SizeOffset
from core.schemas import utcnow
from core.storage.repositories import Store
from domain.decision.size_model import FOOTWEAR_LINK, Belief, OrdinalLink, update_offsets

SAVE_ATTEMPTS = 8


class SizeAdjustment(BaseModel):
    """The combined belief for one product (item + brand offsets), in size steps; positive runs small."""

    model_config = ConfigDict(frozen=True)

    mean: float
    variance: float
    item: Belief
    brand: Belief
    observations: int


def brand_key(brand: str) -> str | None:
    """The brand as an offset key ("Red Tape" -> "red-tape"); None for a product without a brand."""
    slug = re.sub(r"[^a-z0-9]+", "-", brand.casefold()).strip("-")
    return slug[:120] or None


class SizeLearner:
    """Reads and updates size offsets in the store it is given, by the model's one update rule
    (domain.decision.size_model.update_offsets, also what evals/decision learns offsets with): a report moves
    the item's offset and, by a smaller share, its brand's, each from a prior worth several reports."""

    def __init__(self, store: Store, link: OrdinalLink = FOOTWEAR_LINK) -> None:
        self._store = store
        self._link = link
        self._prior_var = {OffsetScope.ITEM: link.item_prior_var, OffsetScope.BRAND: link.brand_prior_var}

    def _belief(
        self, tenant_id: str, scope: OffsetScope, key: str | None
    ) -> tuple[Belief, SizeOffset | None]:
        stored = None if key is None else self._store.size_offsets.get(tenant_id, scope, key)
        return self._stored_belief(scope, stored), stored

    def adjustment(self, tenant_id: str, product_id: str, brand: str) -> SizeAdjustment:
        item, item_stored = self._belief(tenant_id, OffsetScope.ITEM, product_id)
        brand_belief, _ = self._belief(tenant_id, OffsetScope.BRAND, brand_key(brand))
        return self._combined(item, item_stored, brand_belief)

    def adjustments(self, tenant_id: str, products: Sequence[tuple[str, str]]) -> list[SizeAdjustment]:
        """`adjustment` for each (product id, brand), with every item offset read in one batch and every brand
        offset in another: a category page holds many products of few brands."""
        offsets = self._store.size_offsets
        keys = {brand: brand_key(brand) for brand in {brand for _, brand in products}}
        items = offsets.get_many(tenant_id, OffsetScope.ITEM, [product_id for product_id, _ in products])
        brands = offsets.get_many(tenant_id, OffsetScope.BRAND, [key for key in keys.values() if key])
        brand_beliefs = {
            brand: self._stored_belief(OffsetScope.BRAND, None if key is None else brands.get(key))
            for brand, key in keys.items()
        }
        return [
            self._combined(
                self._stored_belief(OffsetScope.ITEM, items.get(product_id)),
                items.get(product_id),
                brand_beliefs[brand],
            )
            for product_id, brand in products
        ]

    def _stored_belief(self, scope: OffsetScope, stored: SizeOffset | None) -> Belief:
        """The stored belief, or the scope's prior when nothing was learned yet."""
        if stored is None:
            return Belief(0.0, self._prior_var[scope])
        return Belief(stored.mean, stored.variance)

    @staticmethod
    def _combined(item: Belief, item_stored: SizeOffset | None, brand: Belief) -> SizeAdjustment:
        return SizeAdjustment(
            mean=item.mean + brand.mean,
            variance=item.variance + brand.variance,
            item=item,
            brand=brand,
            observations=item_stored.observations if item_stored else 0,
        )

    def learn(self, event: FeedbackEvent) -> SizeAdjustment:
        """Append the event (a repeated event id is rejected before anything is learned from it), then update
        both offsets by one joint step. Each offset is saved against the other's belief from before this
        event (a concurrent writer makes it re-read its own)."""
        self._store.feedback.record(event)
        before = self.adjustment(event.tenant_id, event.product_id, event.brand)
        key = brand_key(event.brand)
        # A product without a brand has no brand offset to share the step with: the item takes it all.
        brand = before.brand if key is not None else Belief(0.0, 0.0)
        self._update(event, OffsetScope.ITEM, event.product_id, other=brand)
        if key is not None:
            self._update(event, OffsetScope.BRAND, key, other=before.item)
        return self.adjustment(event.tenant_id, event.product_id, event.brand)

    @retry(
        retry=retry_if_exception_type(VersionConflict), stop=stop_after_attempt(SAVE_ATTEMPTS), reraise=True
    )
    def _update(self, event: FeedbackEvent, scope: OffsetScope, key: str, *, other: Belief) -> SizeOffset:
        """Read-modify-write of one offset; a concurrent writer makes it re-read and try again."""
        current, stored = self._belief(event.tenant_id, scope, key)
        if scope is OffsetScope.ITEM:
            posterior, _ = update_offsets(current, other, event.fit, self._link)
        else:
            _, posterior = update_offsets(other, current, event.fit, self._link)
        offset = SizeOffset(
            tenant_id=event.tenant_id,
            scope=scope,
            key=key,
            mean=posterior.mean,
            variance=posterior.variance,
            observations=(stored.observations if stored else 0) + 1,
            updated_at=utcnow(),
        )
        return self._store.size_offsets.save(offset, expected_version=stored.version if stored else 0)
