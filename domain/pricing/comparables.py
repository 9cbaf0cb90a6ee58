"""Comparable sales: the tenant's sold items most similar to a listing, from an in-memory per-tenant index.

Similarity is the cosine of sentence embeddings when an embedder is given and every indexed sale has a stored
embedding (written by the event service from `listing_text`), else calibrated TF-IDF over brand and title
(domain/pricing/lexical.py) on the same scale, so the 0.60 threshold means the same under both (the learned
weighting decides how much a loosely similar sale counts; evals/pricing/evaluate.py measured 0.60 against
0.70). With embeddings the price model reads them too: the stored vectors of the sales it is fitted on
and the listing's own (domain/pricing/embedding_members.py). The search
looks in the listing's category first and widens to its parent levels until it has enough comparables; it
returns at most 20, most similar first. There is no time window: how much an older sale counts is the
learned recency weight's business (domain/pricing/calibration.py), and time is measured from the pricing
moment, the request's `as_of` or else the newest sale in the tenant's history in that currency, so the same
history priced at the same point of it gives the same answer in any year. Sales after that moment are not
looked at.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy

from core.records.sales import SoldItem
from core.storage.repositories import SalesHistoryRepository
from domain.pricing.calibration import Calibration, Case, learn_calibration
from domain.pricing.estimate import (
    HistoryFactors,
    PricedSale,
    WeightedComparable,
    comparable_evidence,
    comparable_features,
)
from domain.pricing.lexical import LexicalIndex, calibrate
from domain.pricing.price_model import MAX_MODEL_SALES, FittedModel, ModelListing, fit_price_model
from knowledge.embeddings import Embedder

MIN_SIMILARITY = 0.60
MAX_COMPARABLES = 20
ENOUGH_COMPARABLES = 5
CALIBRATION_CASES = 4_000
PAST_INDEXES = 4
MODEL_REFRESH_GROWTH = 0.10


def sale_text(item: SoldItem) -> str:
    """What lexical similarity reads: brand and title (descriptions are mostly shipping and care notes)."""
    return lexical_text(item.title, item.brand)


def lexical_text(title: str, brand: str | None) -> str:
    return f"{brand or ''} {title}".strip()


def embedding_text(title: str, brand: str | None, category: str, description: str) -> str:
    """A listing's text as domain/pricing/events.listing_text embeds it, so query and stored vectors agree."""
    return " ".join(part for part in (title, brand, category, description) if part)


@dataclass(frozen=True)
class ListingQuery:
    """The listing being priced, as far as similarity needs it."""

    title: str
    category: str
    brand: str | None = None
    description: str = ""
    currency: str = "INR"
    condition: str | None = None  # a ListingCondition value; the price model predicts only when it is given


@dataclass(frozen=True)
class Comparable:
    item: SoldItem
    similarity: float


@dataclass(frozen=True)
class ComparableSearch:
    """The comparables found, how far the search had to widen to find them, the pricing moment (`as_of`: the
    request's, or the newest sale in the listing's currency; None when there is none) and the tenant's price
    model's log1p price for the listing (None without a model or without the listing's condition)."""

    comparables: tuple[Comparable, ...]
    category_scope: str
    as_of: datetime | None = None
    model_log_price: float | None = None
    sales: int = 0  # the sales in the listing's currency the search looked at (sold by `as_of`)


def query_of(item: SoldItem) -> ListingQuery:
    """A past sale asked about as if it were a new listing."""
    return ListingQuery(
        title=item.title,
        category=item.category,
        brand=item.brand,
        description=item.description,
        currency=item.currency,
        condition=item.condition.value,
    )


def weighted(comparables: Sequence[Comparable]) -> list[WeightedComparable]:
    """Comparables as the estimator reads them."""
    return [
        WeightedComparable(
            PricedSale(
                float(c.item.price), c.item.sold_at, c.item.category, c.item.condition.value, c.item.brand
            ),
            c.similarity,
        )
        for c in comparables
    ]


def _model_listing(listing: ListingQuery, condition: str, vector: numpy.ndarray | None) -> ModelListing:
    return ModelListing(
        title=listing.title,
        category=listing.category,
        condition=condition,
        brand=listing.brand,
        description=listing.description,
        embedding=vector,
    )


@dataclass(frozen=True)
class _TenantModel:
    """A price model fitted on the sales at `rows` (positions in the tenant's items), when it had
    `fitted_at` of them."""

    fitted: FittedModel | None
    rows: numpy.ndarray
    fitted_at: int
    calibration: Calibration | None = None


def parent_categories(category: str) -> list[str]:
    """ "women/tops/tank" -> ["women/tops/tank", "women/tops", "women"]."""
    parts = category.split("/")
    return ["/".join(parts[:depth]) for depth in range(len(parts), 0, -1)]


@dataclass(frozen=True)
class _Arrays:
    codes: numpy.ndarray  # category code per sale
    sold_at: numpy.ndarray  # epoch seconds
    currencies: numpy.ndarray
    listing_ids: numpy.ndarray
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
    models: dict[str, _TenantModel] = field(default_factory=dict)

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

    def current_model(self, currency: str) -> _TenantModel | None:
        """The cached model for `currency` unless the history has outgrown it."""
        cached = self.models.get(currency)
        if cached is None or len(self.items) > cached.fitted_at * (1 + MODEL_REFRESH_GROWTH):
            return None
        return cached

    def fit_model(self, currency: str) -> _TenantModel:
        """Fit the price model on the most recent MAX_MODEL_SALES sales in `currency`, with their stored
        embeddings when every sale has one (the model then reads them too)."""
        rows = numpy.array(
            [row for row, item in enumerate(self.items) if item.currency == currency and item.price > 0],
            dtype=numpy.int64,
        )
        rows = rows[numpy.argsort(-numpy.asarray(self.sold_at)[rows], kind="stable")][:MAX_MODEL_SALES]
        sales = [self.items[row] for row in rows]
        matrix = self.arrays().vectors
        fitted = fit_price_model(
            [
                ModelListing.of_sale(item, matrix[row] if matrix is not None else None)
                for row, item in zip(rows.tolist(), sales, strict=True)
            ],
            numpy.log1p([float(item.price) for item in sales]),
        )
        return _TenantModel(fitted=fitted, rows=rows, fitted_at=len(self.items))

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
                listing_ids=numpy.asarray([item.listing_id for item in self.items]),
                vectors=matrix,
            )
        return self._arrays

    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            self._lexical = LexicalIndex.build([sale_text(item) for item in self.items])
        return self._lexical


def stored_vectors(sales: SalesHistoryRepository, tenant_id: str) -> dict[str, numpy.ndarray]:
    """The tenant's stored listing embeddings, by listing id."""
    return {
        listing_id: numpy.frombuffer(raw, dtype=numpy.float32)
        for listing_id, raw in sales.get_embeddings(tenant_id).items()
    }


class ComparablesIndex:
    """Sold items per tenant, held in memory and searched by similarity (built once, topped up by `sync`)."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder
        self._tenants: dict[str, _TenantSales] = {}
        self._past: dict[tuple[str, datetime], ComparablesIndex] = {}

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
        vectors = stored_vectors(sales, tenant_id) if self.embedder is not None and fresh else None
        return self.add(fresh, vectors)

    def history(self, tenant_id: str, currency: str) -> HistoryFactors:
        """What the tenant's sales in `currency` teach about categories, seasons and conditions (cached until
        the next sale is added), with what they teach about weighing comparables and the price model, and the
        conformal ranges (`HistoryFactors.calibration`)."""
        tenant = self._tenants.setdefault(tenant_id, _TenantSales())
        model = self._model(tenant_id, currency)
        return tenant.history(currency).with_calibration(model.calibration if model is not None else None)

    def newest_sale(self, tenant_id: str, currency: str) -> datetime | None:
        """When the tenant's newest sale in `currency` happened: the default pricing moment."""
        tenant = self._tenants.get(tenant_id)
        if tenant is None or not tenant.items:
            return None
        return tenant.history(currency).newest

    def _model(self, tenant_id: str, currency: str) -> _TenantModel | None:
        """The tenant's price model in `currency` with its calibration, fitted when missing or outgrown."""
        tenant = self._tenants.get(tenant_id)
        if tenant is None or not tenant.items:
            return None
        model = tenant.current_model(currency)
        if model is None:
            model = tenant.fit_model(currency)
            if model.fitted is not None:
                model = replace(model, calibration=self._calibrate(tenant_id, tenant, currency, model))
            tenant.models[currency] = model
        return model

    def _calibrate(
        self, tenant_id: str, tenant: _TenantSales, currency: str, model: _TenantModel
    ) -> Calibration | None:
        """Price up to CALIBRATION_CASES of the model's training sales (spread evenly over them) as new
        listings, each without itself among its comparables, at its own sale time, with its out-of-fold model
        prediction, and learn the weighting, the prior weight and the ranges from them."""
        assert model.fitted is not None
        factors = tenant.history(currency)
        step = max(1, len(model.rows) // CALIBRATION_CASES)
        cases: list[Case] = []
        for position in range(0, len(model.rows), step)[:CALIBRATION_CASES]:
            row = int(model.rows[position])
            item = tenant.items[row]
            query = replace(query_of(item), condition=None)  # no model prediction needed here
            scores = self.similarities(tenant_id, query)
            others = self._candidates(tenant, scores, query, before=None, leave_out=item.listing_id)
            found = weighted(self._top(tenant, others[0], scores, others[1], MAX_COMPARABLES).comparables)
            evidence = comparable_evidence(
                found,
                category=item.category,
                condition=item.condition.value,
                now=item.sold_at,
                history=factors,
            )
            similarity, ages, steps, other_brand = comparable_features(
                found, condition=item.condition.value, brand=item.brand, now=item.sold_at, symmetric=True
            )
            cases.append(
                Case(
                    category=item.category,
                    similarity=similarity,
                    age_days=ages,
                    steps=steps,
                    other_brand=other_brand,
                    adjusted=evidence.adjusted,
                    prior_log=float(model.fitted.out_of_fold[position])
                    + factors.season_log(item.category, item.sold_at.month),
                    true_log=math.log1p(float(item.price)),
                )
            )
        return learn_calibration(cases)

    def until(self, tenant_id: str, moment: datetime) -> ComparablesIndex:
        """The tenant's sales sold by `moment`, as an index of their own (the last PAST_INDEXES are kept):
        what a request as of an earlier moment prices from, so that its answer, the learned weights and the
        price model included, never depends on sales made after it. This index itself when nothing is
        newer."""
        tenant = self._tenants.get(tenant_id)
        if tenant is None or tenant.synced_until is None or moment >= tenant.synced_until:
            return self
        key = (tenant_id, moment)
        past = self._past.get(key)
        if past is None:
            past = ComparablesIndex(self.embedder)
            matrix = tenant.arrays().vectors
            kept = [row for row, item in enumerate(tenant.items) if item.sold_at <= moment]
            vectors = (
                {tenant.items[row].listing_id: matrix[row] for row in kept} if matrix is not None else None
            )
            past.add([tenant.items[row] for row in kept], vectors)
            while len(self._past) >= PAST_INDEXES:
                self._past.pop(next(iter(self._past)))
            self._past[key] = past
        return past

    def count(self, tenant_id: str) -> int:
        tenant = self._tenants.get(tenant_id)
        return len(tenant.items) if tenant is not None else 0

    def query_vector(self, tenant_id: str, listing: ListingQuery) -> numpy.ndarray | None:
        """The listing's embedding, when there is an embedder and every sale of the tenant has a stored one
        (else similarity is lexical and the price model reads no embeddings: none is computed)."""
        tenant = self._tenants.get(tenant_id)
        if self.embedder is None or tenant is None or not tenant.items or tenant.arrays().vectors is None:
            return None
        text = embedding_text(listing.title, listing.brand, listing.category, listing.description)
        return numpy.asarray(self.embedder.embed([text])[0])

    def similarities(
        self, tenant_id: str, listing: ListingQuery, vector: numpy.ndarray | None = None
    ) -> numpy.ndarray:
        """Similarity of the listing to each of the tenant's sold items, on the embedding scale (`vector`:
        the listing's `query_vector`, when the caller already has it)."""
        tenant = self._tenants.get(tenant_id)
        if tenant is None or not tenant.items:
            return numpy.zeros(0, dtype=numpy.float32)
        matrix = tenant.arrays().vectors
        if self.embedder is not None and matrix is not None:
            query = vector if vector is not None else self.query_vector(tenant_id, listing)
            return numpy.clip(matrix @ query, 0.0, 1.0).astype(numpy.float32)
        return calibrate(tenant.lexical().cosine(lexical_text(listing.title, listing.brand)))

    def find(
        self,
        tenant_id: str,
        listing: ListingQuery,
        *,
        as_of: datetime | None = None,
        min_similarity: float = MIN_SIMILARITY,
        enough: int = ENOUGH_COMPARABLES,
        limit: int = MAX_COMPARABLES,
    ) -> ComparableSearch:
        """Top `limit` sold items in the listing's currency, sold by the pricing moment (`as_of`, else the
        newest sale in that currency), over `min_similarity`, from the narrowest category scope that yields
        `enough` of them (or the one with the most, when none does)."""
        tenant = self._tenants.get(tenant_id)
        moment = as_of or self.newest_sale(tenant_id, listing.currency)
        if tenant is None or not tenant.items or moment is None:
            return ComparableSearch(comparables=(), category_scope=listing.category, as_of=moment)
        vector = self.query_vector(tenant_id, listing)
        scores = self.similarities(tenant_id, listing, vector)
        rows, scope = self._candidates(
            tenant, scores, listing, before=moment, min_similarity=min_similarity, enough=enough
        )
        arrays = tenant.arrays()
        looked_at = int(
            ((arrays.currencies == listing.currency) & (arrays.sold_at <= moment.timestamp())).sum()
        )
        found = self._top(tenant, rows, scores, scope, limit)
        return replace(
            found, as_of=moment, model_log_price=self._predict(tenant_id, listing, vector), sales=looked_at
        )

    @staticmethod
    def _candidates(
        tenant: _TenantSales,
        scores: numpy.ndarray,
        listing: ListingQuery,
        *,
        before: datetime | None,
        leave_out: str | None = None,
        min_similarity: float = MIN_SIMILARITY,
        enough: int = ENOUGH_COMPARABLES,
    ) -> tuple[numpy.ndarray, str]:
        """(rows, category scope): the similar sales in the listing's currency (sold by `before`, without the
        listing `leave_out`) in the narrowest scope holding `enough`, else the scope holding the most."""
        arrays = tenant.arrays()
        similar = (scores > min_similarity) & (arrays.currencies == listing.currency)
        if before is not None:
            similar &= arrays.sold_at <= before.timestamp()
        if leave_out is not None:
            similar &= arrays.listing_ids != leave_out
        best: tuple[numpy.ndarray, str] | None = None
        for scope in parent_categories(listing.category):
            wanted = [
                code
                for name, code in tenant.category_codes.items()
                if name == scope or name.startswith(scope + "/")
            ]
            rows = numpy.flatnonzero(similar & numpy.isin(arrays.codes, wanted))
            if best is None or rows.size > best[0].size:
                best = (rows, scope)
            if rows.size >= enough:
                return rows, scope
        assert best is not None
        return best

    def _predict(self, tenant_id: str, listing: ListingQuery, vector: numpy.ndarray | None) -> float | None:
        if listing.condition is None:
            return None
        model = self._model(tenant_id, listing.currency)
        if model is None or model.fitted is None:
            return None
        return model.fitted.model.predict_one_log(_model_listing(listing, listing.condition, vector))

    @staticmethod
    def _top(
        tenant: _TenantSales, rows: numpy.ndarray, scores: numpy.ndarray, scope: str, limit: int
    ) -> ComparableSearch:
        """The `limit` most similar of `rows` (ties: the newer sale first)."""
        arrays = tenant.arrays()
        order = numpy.lexsort((-arrays.sold_at[rows], -scores[rows]))
        ranked = rows[order][:limit]
        return ComparableSearch(
            comparables=tuple(
                Comparable(item=tenant.items[row], similarity=round(float(scores[row]), 4)) for row in ranked
            ),
            category_scope=scope,
        )
