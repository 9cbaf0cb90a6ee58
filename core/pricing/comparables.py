"""Comparable sales: the tenant's sold items most similar to a listing, from an in-memory per-tenant index.

Similarity is the cosine of sentence embeddings when an embedder is given and every indexed sale has a stored
embedding (written by the event service from `listing_text`), else calibrated TF-IDF over brand and title
(core/pricing/lexical.py) on the same scale, so the 0.70 threshold means the same under both. The search
looks at the listing's category over the last 90 days first and widens the window (180, 365 days, all
history), then the category (its parent levels), until it has enough comparables; it returns at most 20.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy

from core.pricing.estimate import HistoryFactors, PricedSale
from core.pricing.lexical import LexicalIndex, calibrate
from core.pricing.schemas import SoldItem
from core.storage.repositories import SalesHistoryRepository
from knowledge.embeddings import Embedder

MIN_SIMILARITY = 0.70
MAX_COMPARABLES = 20
ENOUGH_COMPARABLES = 5
WINDOWS_DAYS: tuple[int | None, ...] = (90, 180, 365, None)


def sale_text(item: SoldItem) -> str:
    """What lexical similarity reads: brand and title (descriptions are mostly shipping and care notes)."""
    return lexical_text(item.title, item.brand)


def lexical_text(title: str, brand: str | None) -> str:
    return f"{brand or ''} {title}".strip()


def embedding_text(title: str, brand: str | None, category: str, description: str) -> str:
    """A listing's text as core/pricing/events.listing_text embeds it, so query and stored vectors agree."""
    return " ".join(part for part in (title, brand, category, description) if part)


@dataclass(frozen=True)
class ListingQuery:
    """The listing being priced, as far as similarity needs it."""

    title: str
    category: str
    brand: str | None = None
    description: str = ""
    currency: str = "INR"


@dataclass(frozen=True)
class Comparable:
    item: SoldItem
    similarity: float


@dataclass(frozen=True)
class ComparableSearch:
    """The comparables found and how far the search had to widen to find them."""

    comparables: tuple[Comparable, ...]
    window_days: int | None
    category_scope: str


def parent_categories(category: str) -> list[str]:
    """ "women/tops/tank" -> ["women/tops/tank", "women/tops", "women"]."""
    parts = category.split("/")
    return ["/".join(parts[:depth]) for depth in range(len(parts), 0, -1)]


@dataclass(frozen=True)
class _Arrays:
    codes: numpy.ndarray  # category code per sale
    sold_at: numpy.ndarray  # epoch seconds
    currencies: numpy.ndarray
    vectors: numpy.ndarray | None  # (n, dim) embeddings, None unless every sale has one


@dataclass
class _TenantSales:
    items: list[SoldItem] = field(default_factory=list)
    keys: set[tuple[str, datetime]] = field(default_factory=set)
    category_codes: dict[str, int] = field(default_factory=dict)
    codes: list[int] = field(default_factory=list)
    currencies: list[str] = field(default_factory=list)
    sold_at: list[float] = field(default_factory=list)
    vectors: list[numpy.ndarray] = field(default_factory=list)
    synced_until: datetime | None = None
    _lexical: LexicalIndex | None = None
    _arrays: _Arrays | None = None
    _history: dict[str, HistoryFactors] = field(default_factory=dict)

    def add(self, item: SoldItem, vector: numpy.ndarray | None) -> bool:
        key = (item.listing_id, item.sold_at)
        if key in self.keys:
            return False
        self.keys.add(key)
        self.items.append(item)
        self.codes.append(self.category_codes.setdefault(item.category, len(self.category_codes)))
        self.sold_at.append(item.sold_at.timestamp())
        self.currencies.append(item.currency)
        if vector is not None:
            self.vectors.append(vector)
        self.synced_until = max(self.synced_until or item.sold_at, item.sold_at)
        self._lexical = None
        self._arrays = None
        self._history.clear()
        return True

    def history(self, currency: str) -> HistoryFactors:
        """Category levels, seasonal and condition factors learned from this tenant's sales in `currency`."""
        if currency not in self._history:
            self._history[currency] = HistoryFactors.learn(
                PricedSale(float(item.price), item.sold_at, item.category, item.condition.value, item.brand)
                for item in self.items
                if item.currency == currency
            )
        return self._history[currency]

    def arrays(self) -> _Arrays:
        """Column arrays of the sales, rebuilt after additions."""
        if self._arrays is None:
            matrix = (
                numpy.vstack(self.vectors) if self.vectors and len(self.vectors) == len(self.items) else None
            )
            self._arrays = _Arrays(
                codes=numpy.asarray(self.codes, dtype=numpy.int32),
                sold_at=numpy.asarray(self.sold_at, dtype=numpy.float64),
                currencies=numpy.asarray(self.currencies),
                vectors=matrix,
            )
        return self._arrays

    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            self._lexical = LexicalIndex.build([sale_text(item) for item in self.items])
        return self._lexical


class ComparablesIndex:
    """Sold items per tenant, held in memory and searched by similarity (built once, topped up by `sync`)."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder
        self._tenants: dict[str, _TenantSales] = {}

    def add(self, items: Sequence[SoldItem], vectors: Mapping[str, numpy.ndarray] | None = None) -> int:
        """Index sold items (a repeated listing id and sale time is ignored); `vectors` maps listing ids to
        their stored embeddings (used only with an embedder). Returns how many were new."""
        added = 0
        for item in items:
            tenant = self._tenants.setdefault(item.tenant_id, _TenantSales())
            vector = (
                vectors.get(item.listing_id) if vectors is not None and self.embedder is not None else None
            )
            added += tenant.add(item, vector)
        return added

    def sync(self, tenant_id: str, sales: SalesHistoryRepository) -> int:
        """Pull the tenant's sales recorded since the last sync (all of them the first time), with their
        stored embeddings when an embedder is configured."""
        tenant = self._tenants.get(tenant_id)
        since = tenant.synced_until if tenant is not None else None
        fresh = sales.sold_items(tenant_id, since=since)
        self._tenants.setdefault(tenant_id, _TenantSales())
        vectors = None
        if self.embedder is not None and fresh:
            vectors = {
                listing_id: numpy.frombuffer(raw, dtype=numpy.float32)
                for listing_id, raw in sales.get_embeddings(tenant_id).items()
            }
        return self.add(fresh, vectors)

    def history(self, tenant_id: str, currency: str) -> HistoryFactors:
        """What the tenant's sales in `currency` teach about categories, seasons and conditions (cached until
        the next sale is added)."""
        return self._tenants.setdefault(tenant_id, _TenantSales()).history(currency)

    def count(self, tenant_id: str) -> int:
        tenant = self._tenants.get(tenant_id)
        return len(tenant.items) if tenant is not None else 0

    def similarities(self, tenant_id: str, listing: ListingQuery) -> numpy.ndarray:
        """Similarity of the listing to each of the tenant's sold items, on the embedding scale."""
        tenant = self._tenants.get(tenant_id)
        if tenant is None or not tenant.items:
            return numpy.zeros(0, dtype=numpy.float32)
        matrix = tenant.arrays().vectors
        if self.embedder is not None and matrix is not None:
            text = embedding_text(listing.title, listing.brand, listing.category, listing.description)
            query = self.embedder.embed([text])[0]
            return numpy.clip(matrix @ query, 0.0, 1.0).astype(numpy.float32)
        return calibrate(tenant.lexical().cosine(lexical_text(listing.title, listing.brand)))

    def find(
        self,
        tenant_id: str,
        listing: ListingQuery,
        *,
        now: datetime,
        min_similarity: float = MIN_SIMILARITY,
        enough: int = ENOUGH_COMPARABLES,
        limit: int = MAX_COMPARABLES,
    ) -> ComparableSearch:
        """Top `limit` sold items in the listing's currency over `min_similarity`, from the narrowest category
        scope and time window that yields `enough` of them (or the widest, when none does)."""
        category = listing.category
        tenant = self._tenants.get(tenant_id)
        if tenant is None or not tenant.items:
            return ComparableSearch(comparables=(), window_days=WINDOWS_DAYS[0], category_scope=category)
        arrays = tenant.arrays()
        codes, sold_at = arrays.codes, arrays.sold_at
        scores = self.similarities(tenant_id, listing)
        similar = (scores > min_similarity) & (arrays.currencies == listing.currency)
        best: tuple[numpy.ndarray, int | None, str] | None = None
        for scope in parent_categories(category):
            wanted = [
                code
                for name, code in tenant.category_codes.items()
                if name == scope or name.startswith(scope + "/")
            ]
            in_scope = similar & numpy.isin(codes, wanted)
            for window in WINDOWS_DAYS:
                since = (now - timedelta(days=window)).timestamp() if window is not None else -numpy.inf
                mask = in_scope & (sold_at >= since)
                rows = numpy.flatnonzero(mask & (sold_at <= now.timestamp()))
                if best is None or rows.size > best[0].size:
                    best = (rows, window, scope)
                if rows.size >= enough:
                    return self._top(tenant, rows, scores, window, scope, limit)
        assert best is not None
        return self._top(tenant, best[0], scores, best[1], best[2], limit)

    @staticmethod
    def _top(
        tenant: _TenantSales,
        rows: numpy.ndarray,
        scores: numpy.ndarray,
        window: int | None,
        scope: str,
        limit: int,
    ) -> ComparableSearch:
        ranked = rows[numpy.argsort(-scores[rows], kind="stable")][:limit]
        return ComparableSearch(
            comparables=tuple(
                Comparable(item=tenant.items[row], similarity=round(float(scores[row]), 4)) for row in ranked
            ),
            window_days=window,
            category_scope=scope,
        )
