"""The daily consistency job behind `pakka pricing validate`: per tenant, do the sales-history tables agree?

- counts: every sold listing has at least one sold item (a relisted item that sold again has more), so the
  sold items can never be fewer than the listings in status sold;
- embeddings: every vector belongs to a listing, all have one length, hold finite float32 values and unit
  norm; listings without a vector are counted, and are an inconsistency when an embedding model is configured
  (every listing stored since should have one: the event routes embed in the background, the import inline);
- price outliers: within a (category, currency) with enough sales, a sale whose log price lies more than
  `OUTLIER_Z` robust z-scores (median and MAD) from the others. Outliers are reported for review; they are
  not inconsistencies.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy

from core.records.sales import ListingStatus, SoldItem
from core.storage.repositories import SalesHistoryRepository

OUTLIER_Z = 3.5
MAD_TO_SIGMA = 0.6745
MIN_GROUP_FOR_OUTLIERS = 5
UNIT_NORM_TOLERANCE = 1e-3


@dataclass(frozen=True)
class PriceOutlier:
    listing_id: str
    category: str
    currency: str
    price: Decimal
    group_median: float
    robust_z: float


@dataclass
class EmbeddingCheck:
    vectors: int = 0
    missing: int = 0
    orphans: list[str] = field(default_factory=list)
    wrong_length: list[str] = field(default_factory=list)
    not_finite: list[str] = field(default_factory=list)
    not_unit_norm: list[str] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return len(self.orphans) + len(self.wrong_length) + len(self.not_finite) + len(self.not_unit_norm)


@dataclass
class TenantConsistency:
    tenant_id: str
    listings: dict[ListingStatus, int]
    sold_items: int
    embeddings: EmbeddingCheck
    outliers: list[PriceOutlier]
    embeddings_expected: bool = False
    """An embedding model is configured, so a listing without a vector is missing one."""

    @property
    def sold_items_missing(self) -> int:
        """Sold listings without a sold item (0 when the counts agree)."""
        return max(self.listings[ListingStatus.SOLD] - self.sold_items, 0)

    @property
    def embeddings_missing(self) -> int:
        """Listings without the vector they should have (0 when no embedding model is configured)."""
        return self.embeddings.missing if self.embeddings_expected else 0

    @property
    def consistent(self) -> bool:
        return self.sold_items_missing == 0 and self.embeddings.problems == 0 and self.embeddings_missing == 0


def check_embeddings(sales: SalesHistoryRepository, tenant_id: str, listing_count: int) -> EmbeddingCheck:
    vectors = sales.get_embeddings(tenant_id)
    check = EmbeddingCheck(vectors=len(vectors))
    lengths = [len(raw) for raw in vectors.values()]
    expected_length = max(set(lengths), key=lengths.count) if lengths else 0
    for listing_id, raw in sorted(vectors.items()):
        if sales.get_listing(tenant_id, listing_id) is None:
            check.orphans.append(listing_id)
        if len(raw) != expected_length or len(raw) % 4:
            check.wrong_length.append(listing_id)
            continue
        vector = numpy.frombuffer(raw, dtype=numpy.float32)
        if not numpy.isfinite(vector).all():
            check.not_finite.append(listing_id)
        elif abs(float(numpy.linalg.norm(vector)) - 1.0) > UNIT_NORM_TOLERANCE:
            check.not_unit_norm.append(listing_id)
    check.missing = max(listing_count - (len(vectors) - len(check.orphans)), 0)
    return check


def price_outliers(items: list[SoldItem]) -> list[PriceOutlier]:
    groups: dict[tuple[str, str], list[SoldItem]] = defaultdict(list)
    for item in items:
        groups[(item.category, item.currency)].append(item)
    outliers: list[PriceOutlier] = []
    for (category, currency), group in sorted(groups.items()):
        if len(group) < MIN_GROUP_FOR_OUTLIERS:
            continue
        logs = numpy.log1p(numpy.array([float(item.price) for item in group]))
        median = float(numpy.median(logs))
        mad = float(numpy.median(numpy.abs(logs - median)))
        if mad == 0:
            continue
        for item, value in zip(group, logs, strict=True):
            z = MAD_TO_SIGMA * (float(value) - median) / mad
            if abs(z) > OUTLIER_Z:
                outliers.append(
                    PriceOutlier(
                        item.listing_id,
                        category,
                        currency,
                        item.price,
                        round(math.expm1(median), 2),
                        round(z, 2),
                    )
                )
    return outliers


def check_tenant(
    sales: SalesHistoryRepository, tenant_id: str, *, embeddings_expected: bool = False
) -> TenantConsistency:
    listings = sales.count_listings(tenant_id)
    items = sales.sold_items(tenant_id)
    return TenantConsistency(
        tenant_id=tenant_id,
        listings=listings,
        sold_items=sales.count_sold(tenant_id),
        embeddings=check_embeddings(sales, tenant_id, sum(listings.values())),
        outliers=price_outliers(items),
        embeddings_expected=embeddings_expected,
    )
