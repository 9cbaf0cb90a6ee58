"""A tenant's own price model: a ridge regression on text and a boosted model on learned encodings, blended.

Most listings have few or no comparables over the similarity threshold (a 4k-sale history finds three or more
for about one Mercari listing in six), yet every word of the history still says something about price. The
model reads what a merchant writes as TF-IDF over words and word pairs in four blocks (all the text together,
as in the Mercari dataset's published reference recipe; the title with brand; the description; the brand and
every level of the category as whole tokens), plus the condition, and is fitted with scikit-learn's Ridge at
alpha 2 (the reference recipe's). On a history of BOOST_MIN_SALES or more, a gradient-boosted model
(scikit-learn's HistGradientBoostingRegressor, fixed seed, no early stopping: deterministic) joins it.
It reads what a ridge cannot combine: target encodings of the brand, each category level, brand within
top-level category, category within condition and the condition (each sale's own encoding computed out of
fold, so the model never learns from a sale's own price), how many sales stand behind each, and the listing's
shape (title and description length, whether it names a brand, the largest number in its title: a "lot of
6", "14k", "256gb"). The two are blended by the weight whose out-of-fold error is least, so a history where
the encodings add nothing keeps the ridge alone. The estimate blends the model with the comparables by a
weight learned on the same history (domain/pricing/calibration.py, run by domain/pricing/comparables.py).
When every sale has a sentence embedding (a shop whose listings the event service embeds), two more members
read it, blended the same way (domain/pricing/embedding_members.py); a listing without one is priced exactly
as by a model fitted without them.

Training uses the tenant's most recent MAX_MODEL_SALES sales, so the fit cost is bounded at any history size.
`fit_price_model` also returns out-of-fold predictions (each sale predicted by a model that never saw it),
which is what the comparable weighting, the blend weight and the conformal ranges are learned from.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy

from core.records.sales import ListingCondition, SoldItem
from domain.pricing.embedding_members import EmbeddedMembers, best_blend, stacked

if TYPE_CHECKING:  # scikit-learn and scipy take seconds to import: loaded where a model is fitted
    from scipy import sparse
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import Ridge
    from threadpoolctl import ThreadpoolController

RIDGE_ALPHA = 2.0
MIN_MODEL_SALES = 30
MAX_MODEL_SALES = 10_000
CROSS_FIT_FOLDS = 5  # each out-of-fold prediction from 80% of the sales: close to the deployed model's errors
CONDITIONS = tuple(condition.value for condition in ListingCondition)
BOOST_MIN_SALES = 200  # sales a history needs before the boosted model joins the ridge
ENCODING_FOLDS = 5  # a training sale's target encoding comes from the other folds' sales
ENCODING_SHRINK = 10.0  # sales a key needs before its own mean outweighs the history's
BOOSTING = {
    "max_iter": 200,
    "learning_rate": 0.06,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 20,
    "l2_regularization": 1.0,
    "early_stopping": False,
    "random_state": 0,
}
# one OpenMP thread: trees this small gain nothing from more, and on a busy machine OpenMP's waiting threads
# made one fit 25x slower (49 s against 2 s for 2,400 sales)
BOOSTING_THREADS = 1
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class ModelListing:
    """What the model reads of a listing or a sale."""

    title: str
    category: str
    condition: str
    brand: str | None = None
    description: str = ""
    # the listing's sentence embedding (L2-normalised, as the event service stores it), when there is one
    embedding: numpy.ndarray | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of_sale(cls, item: SoldItem, embedding: numpy.ndarray | None = None) -> ModelListing:
        return cls(item.title, item.category, item.condition.value, item.brand, item.description, embedding)


def _name(listing: ModelListing) -> str:
    return f"{listing.brand or ''} {listing.title}"


def _everything(listing: ModelListing) -> str:
    return " ".join(
        part
        for part in (listing.title, listing.brand, listing.category.replace("/", " "), listing.description)
        if part
    )


def _description(listing: ModelListing) -> str:
    return listing.description


def _labels(listing: ModelListing) -> str:
    """The brand and each category level as single tokens ("b:levi's c:men c:men/jeans")."""
    parts = listing.category.split("/")
    brand = (listing.brand or "-").lower().replace(" ", "_")
    return " ".join([f"b:{brand}"] + [f"c:{'/'.join(parts[:depth])}" for depth in range(1, len(parts) + 1)])


TextOf = Callable[[ModelListing], str]

# (what text a block reads, how it is vectorised); a block whose text has no usable word is left out
BLOCKS: tuple[tuple[TextOf, dict[str, Any]], ...] = (
    (_everything, {"ngram_range": (1, 2)}),
    (_name, {"ngram_range": (1, 2), "sublinear_tf": True}),
    (_description, {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 2}),
    (_labels, {"token_pattern": r"\S+", "lowercase": False}),
)


class _Features:
    """Fitted TF-IDF blocks over all text, name, description and labels, then a condition one-hot."""

    def __init__(self, listings: Sequence[ModelListing]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.blocks: list[tuple[TextOf, TfidfVectorizer]] = []
        for text_of, options in BLOCKS:
            vectorizer = TfidfVectorizer(**options)
            try:
                vectorizer.fit([text_of(listing) for listing in listings])
            except ValueError:  # empty vocabulary: e.g. no description word appears twice
                continue
            self.blocks.append((text_of, vectorizer))

    def matrix(self, listings: Sequence[ModelListing]) -> sparse.csr_matrix:
        from scipy import sparse

        conditions = numpy.zeros((len(listings), len(CONDITIONS)))
        for row, listing in enumerate(listings):
            conditions[row, CONDITIONS.index(listing.condition)] = 1.0
        blocks = [vectorizer.transform([text_of(x) for x in listings]) for text_of, vectorizer in self.blocks]
        return sparse.hstack([*blocks, sparse.csr_matrix(conditions)]).tocsr()

    def dot(self, listing: ModelListing, coefficients: numpy.ndarray) -> float:
        """The feature row of one listing times `coefficients`, computed from its own terms only: the same
        number as `matrix([listing]) @ coefficients` without scikit-learn's per-call overhead (a suggestion
        prices one listing, and that overhead is milliseconds)."""
        total, offset = 0.0, 0
        for text_of, vectorizer in self.blocks:
            counts = Counter(vectorizer.build_analyzer()(text_of(listing)))
            vocabulary = vectorizer.vocabulary_
            ids = numpy.array([vocabulary[term] for term in counts if term in vocabulary], dtype=numpy.int64)
            if ids.size:
                frequency = numpy.array([counts[term] for term in counts if term in vocabulary], dtype=float)
                if vectorizer.sublinear_tf:
                    frequency = 1.0 + numpy.log(frequency)
                weights = frequency * vectorizer.idf_[ids]
                total += float(weights @ coefficients[offset + ids]) / float(numpy.linalg.norm(weights))
            offset += len(vocabulary)
        return total + float(coefficients[offset + CONDITIONS.index(listing.condition)])


def _keys(listing: ModelListing) -> tuple[str, ...]:
    """What the target encodings are keyed by, one string per field (see ENCODED)."""
    parts = listing.category.split("/")
    brand = (listing.brand or "").strip().lower()
    return (
        brand,
        parts[0],
        "/".join(parts[:2]),
        listing.category,
        f"{brand}|{parts[0]}",
        f"{listing.category}|{listing.condition}",
        listing.condition,
    )


ENCODED = (
    "brand",
    "top level",
    "second level",
    "category",
    "brand in top level",
    "category x condition",
    "condition",
)


def _shape(listing: ModelListing) -> list[float]:
    """Title length, description words, whether a brand is named, the condition's rank, the largest number in
    the title (-1 without one)."""
    numbers = [float(value) for value in _NUMBER.findall(listing.title)]
    return [
        float(len(listing.title)),
        float(len(listing.description.split())),
        float(bool(listing.brand)),
        float(CONDITIONS.index(listing.condition)),
        max(numbers) if numbers else -1.0,
    ]


@dataclass(frozen=True)
class _Encodings:
    """Sum and count of log prices per key of each encoded field, and the mean they shrink toward."""

    sums: tuple[dict[str, float], ...]
    counts: tuple[dict[str, int], ...]
    mean: float

    @classmethod
    def fit(cls, keys: Sequence[tuple[str, ...]], targets: numpy.ndarray) -> _Encodings:
        sums: tuple[dict[str, float], ...] = tuple({} for _ in ENCODED)
        counts: tuple[dict[str, int], ...] = tuple({} for _ in ENCODED)
        for row_keys, target in zip(keys, targets.tolist(), strict=True):
            for field_sums, field_counts, key in zip(sums, counts, row_keys, strict=True):
                field_sums[key] = field_sums.get(key, 0.0) + target
                field_counts[key] = field_counts.get(key, 0) + 1
        return cls(sums=sums, counts=counts, mean=float(targets.mean()) if len(targets) else 0.0)

    def row(self, keys: tuple[str, ...]) -> list[float]:
        """Per field: the shrunk mean log price of the key and log1p of its sales."""
        values: list[float] = []
        for field_sums, field_counts, key in zip(self.sums, self.counts, keys, strict=True):
            count = field_counts.get(key, 0)
            values.append(
                (field_sums.get(key, 0.0) + ENCODING_SHRINK * self.mean) / (count + ENCODING_SHRINK)
            )
            values.append(math.log1p(count))
        return values


def _dense(encodings: _Encodings, listings: Sequence[ModelListing]) -> numpy.ndarray:
    return numpy.array([encodings.row(_keys(listing)) + _shape(listing) for listing in listings])


def _dense_out_of_fold(listings: Sequence[ModelListing], targets: numpy.ndarray) -> numpy.ndarray:
    """Training rows' dense features, each sale's encodings learned from the other encoding folds."""
    keys = [_keys(listing) for listing in listings]
    folds = numpy.arange(len(listings)) % ENCODING_FOLDS
    rows: list[list[float]] = [[] for _ in listings]
    for fold in range(ENCODING_FOLDS):
        others = numpy.flatnonzero(folds != fold)
        encodings = _Encodings.fit([keys[row] for row in others], targets[others])
        for row in numpy.flatnonzero(folds == fold):
            rows[row] = encodings.row(keys[row]) + _shape(listings[row])
    return numpy.array(rows)


@functools.cache
def _threadpools() -> ThreadpoolController:
    """The process's thread pools, inspected once (inspecting them costs ~15 ms; limiting them then ~1 ms)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _one_thread() -> AbstractContextManager[object]:
    """OpenMP limited to BOOSTING_THREADS while the boosted model fits or predicts, in the calling thread.

    Safe while background fits and request-time predictions interleave in other threads, with no lock: the
    OpenMP thread count is a per-thread setting (the `nthreads-var` ICV; omp_set_num_threads changes only the
    calling thread's), so each block sets and restores its own thread's count and never another's. Neither
    a process-wide lock (it would queue predictions behind a background fit for nothing) nor one limit set
    at start-up (it would hold only in the thread that set it) would be right. On exit threadpoolctl also
    writes back the BLAS pools' counts (process-wide) as read on entry; nothing in pakka changes those.
    tests/domain/pricing/test_price_model.py checks the interleaving."""
    return _threadpools().limit(limits=BOOSTING_THREADS, user_api="openmp")


@dataclass(frozen=True)
class _Boosted:
    """The boosted model over encodings and shape (see the module notes)."""

    encodings: _Encodings
    model: HistGradientBoostingRegressor

    @classmethod
    def fit(cls, listings: Sequence[ModelListing], targets: numpy.ndarray) -> _Boosted:
        from sklearn.ensemble import HistGradientBoostingRegressor

        model = HistGradientBoostingRegressor(**BOOSTING)  # type: ignore[arg-type]
        with _one_thread():
            model.fit(_dense_out_of_fold(listings, targets), targets)
        encodings = _Encodings.fit([_keys(listing) for listing in listings], targets)
        return cls(encodings=encodings, model=model)

    def predict_log(self, listings: Sequence[ModelListing]) -> numpy.ndarray:
        with _one_thread():
            predicted = self.model.predict(_dense(self.encodings, listings))
        return numpy.asarray(predicted, dtype=numpy.float64)


@dataclass(frozen=True)
class PriceModel:
    """A fitted model: `predict_log` gives the log1p price it expects for a listing, `ridge_weight` x the
    ridge's + the rest x the boosted model's (the ridge alone where there is none). Fitted on sales that
    all have embeddings it also holds `embedded` (domain/pricing/embedding_members.py), which prices a
    listing with an embedding instead; a listing without one gets exactly what a model fitted without
    embeddings gives it."""

    features: _Features
    ridge: Ridge
    sales: int
    boosted: _Boosted | None = None
    ridge_weight: float = 1.0
    embedded: EmbeddedMembers | None = None

    @classmethod
    def fit(
        cls,
        listings: Sequence[ModelListing],
        log_prices: numpy.ndarray,
        *,
        boost: bool | None = None,
        ridge_weight: float = 0.5,
        blend: tuple[float, float, float] = (1.0, 0.0, 0.0),
    ) -> PriceModel:
        """Fit the ridge, and the boosted model when `boost` (by default: BOOST_MIN_SALES sales or more);
        `ridge_weight` blends them (fit_price_model learns it), `blend` the embedded members with the
        boosted model when every listing has an embedding."""
        from sklearn.linear_model import Ridge

        targets = numpy.asarray(log_prices, dtype=numpy.float64)
        features = _Features(listings)
        text = features.matrix(listings)
        ridge = Ridge(alpha=RIDGE_ALPHA).fit(text, targets)
        boosted = _Boosted.fit(listings, targets) if _boosts(len(listings), boost) else None
        vectors = stacked([listing.embedding for listing in listings])
        embedded = (
            EmbeddedMembers.fit(text, vectors, targets, alpha=RIDGE_ALPHA, weights=blend)
            if vectors is not None
            else None
        )
        return cls(
            features=features,
            ridge=ridge,
            sales=len(listings),
            boosted=boosted,
            ridge_weight=ridge_weight if boosted is not None else 1.0,
            embedded=embedded,
        )

    def parts_log(self, listings: Sequence[ModelListing]) -> tuple[numpy.ndarray, numpy.ndarray | None]:
        """(the ridge's predictions, the boosted model's or None)."""
        ridge = numpy.asarray(self.ridge.predict(self.features.matrix(listings)), dtype=numpy.float64)
        return ridge, self.boosted.predict_log(listings) if self.boosted is not None else None

    def embedded_parts_log(
        self, listings: Sequence[ModelListing]
    ) -> tuple[numpy.ndarray, numpy.ndarray] | None:
        """(the embedded ridge's predictions, the SVR's), or None unless the model and every listing have
        embeddings."""
        vectors = stacked([listing.embedding for listing in listings])
        if self.embedded is None or not self.embedded.reads(vectors):
            return None
        assert vectors is not None
        return self.embedded.parts_log(self.features.matrix(listings), vectors)

    def predict_log(self, listings: Sequence[ModelListing]) -> numpy.ndarray:
        reads = numpy.array([self._reads_embedding(listing) for listing in listings], dtype=bool)
        ridge, boosted = self.parts_log(listings)
        plain = ridge if boosted is None else self.ridge_weight * ridge + (1 - self.ridge_weight) * boosted
        if not reads.any():
            return plain
        assert self.embedded is not None
        rows = numpy.flatnonzero(reads)
        parts = self.embedded_parts_log([listings[row] for row in rows])
        assert parts is not None
        plain[rows] = self.embedded.blend(parts[0], boosted[rows] if boosted is not None else None, parts[1])
        return plain

    def predict_one_log(self, listing: ModelListing) -> float:
        """`predict_log` for a single listing, fast (see `_Features.dot`)."""
        if self._reads_embedding(listing):
            assert self.embedded is not None and listing.embedding is not None
            coefficients = self.embedded.ridge.coef_
            ridge = float(self.embedded.ridge.intercept_) + self.features.dot(listing, coefficients)
            ridge += self.embedded.embedding_dot(listing.embedding)
            svr = float(
                self.embedded.svr.predict(numpy.asarray(listing.embedding, dtype=numpy.float64)[None])[0]
            )
            boosted_one = self.boosted.predict_log([listing]) if self.boosted is not None else None
            return float(self.embedded.blend(numpy.array([ridge]), boosted_one, numpy.array([svr]))[0])
        ridge = float(self.ridge.intercept_) + self.features.dot(listing, self.ridge.coef_)
        if self.boosted is None:
            return ridge
        boosted = float(self.boosted.predict_log([listing])[0])
        return self.ridge_weight * ridge + (1 - self.ridge_weight) * boosted

    def _reads_embedding(self, listing: ModelListing) -> bool:
        return self.embedded is not None and self.embedded.reads(stacked([listing.embedding]))


def _boosts(sales: int, boost: bool | None) -> bool:
    return sales >= BOOST_MIN_SALES if boost is None else boost


@dataclass(frozen=True)
class FittedModel:
    """The model fitted on all training sales, and each training sale's out-of-fold prediction."""

    model: PriceModel
    out_of_fold: numpy.ndarray


def best_ridge_weight(ridge: numpy.ndarray, boosted: numpy.ndarray, targets: numpy.ndarray) -> float:
    """The ridge's weight (a multiple of 0.1) in the blend of out-of-fold predictions with the least squared
    error (the larger ridge weight on a tie: the simpler model); `best_blend` of the two."""
    return best_blend([ridge, boosted], targets)[0]


def fit_price_model(listings: Sequence[ModelListing], log_prices: numpy.ndarray) -> FittedModel | None:
    """Fit on the sales given (the caller passes the most recent MAX_MODEL_SALES), cross-fitting
    CROSS_FIT_FOLDS models for the out-of-fold predictions, which also choose the ridge/boosted blend (and,
    when every sale has an embedding, the blend of the embedded members with the boosted model); None below
    MIN_MODEL_SALES sales."""
    if len(listings) < MIN_MODEL_SALES:
        return None
    targets = numpy.asarray(log_prices, dtype=numpy.float64)
    boost = _boosts(len(listings), None)
    embeds = stacked([listing.embedding for listing in listings]) is not None
    folds = numpy.arange(len(listings)) % CROSS_FIT_FOLDS
    ridge_oof = numpy.empty(len(listings), dtype=numpy.float64)
    boosted_oof = numpy.empty(len(listings), dtype=numpy.float64)
    embedded_oof = numpy.empty((2, len(listings)), dtype=numpy.float64)  # the embedded ridge's, the SVR's
    for fold in range(CROSS_FIT_FOLDS):
        train = numpy.flatnonzero(folds != fold)
        held_out = numpy.flatnonzero(folds == fold)
        model = PriceModel.fit([listings[row] for row in train], targets[train], boost=boost)
        ridge, boosted = model.parts_log([listings[row] for row in held_out])
        ridge_oof[held_out] = ridge
        if boosted is not None:
            boosted_oof[held_out] = boosted
        parts = model.embedded_parts_log([listings[row] for row in held_out]) if embeds else None
        if parts is not None:
            embedded_oof[:, held_out] = parts
    weight = best_ridge_weight(ridge_oof, boosted_oof, targets) if boost else 1.0
    out_of_fold = weight * ridge_oof + (1 - weight) * boosted_oof if weight < 1 else ridge_oof
    blend = (1.0, 0.0, 0.0)
    if embeds:
        members = (embedded_oof[0], boosted_oof if boost else None, embedded_oof[1])
        ridge_share, boosted_share, svr_share = best_blend(members, targets)
        blend = (ridge_share, boosted_share, svr_share)
        out_of_fold = ridge_share * embedded_oof[0] + svr_share * embedded_oof[1]
        out_of_fold = out_of_fold + boosted_share * boosted_oof if boosted_share else out_of_fold
    keeps_boosted = boost and (weight < 1 or blend[1] > 0)
    model = PriceModel.fit(listings, targets, boost=keeps_boosted, ridge_weight=weight, blend=blend)
    return FittedModel(model=model, out_of_fold=out_of_fold)
