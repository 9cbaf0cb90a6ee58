"""A ridge regression of log1p price on a tenant's own sold items: the comparable-free signal of an estimate.

Most listings have few or no comparables over the similarity threshold (a 4k-sale history finds three or more
for about one Mercari listing in six), yet every word of the history still says something about price. The
model reads what a merchant writes as TF-IDF over words and word pairs in four blocks (all the text together,
as in the Mercari dataset's published reference recipe; the title with brand; the description; the brand and
every level of the category as whole tokens), plus the condition, and is fitted with scikit-learn's Ridge at
alpha 2 (the reference recipe's). The estimate blends it with the comparables by a weight learned on the same
history (domain/pricing/calibration.py, run by domain/pricing/comparables.py).

Training uses the tenant's most recent MAX_MODEL_SALES sales, so the fit cost is bounded at any history size.
`fit_price_model` also returns out-of-fold predictions (each sale predicted by a model that never saw it),
which is what the comparable weighting, the blend weight and the conformal ranges are learned from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy

from core.records.sales import ListingCondition

if TYPE_CHECKING:  # scikit-learn and scipy take seconds to import: loaded where a model is fitted
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import Ridge

RIDGE_ALPHA = 2.0
MIN_MODEL_SALES = 30
MAX_MODEL_SALES = 10_000
CROSS_FIT_FOLDS = 3
CONDITIONS = tuple(condition.value for condition in ListingCondition)


@dataclass(frozen=True)
class ModelListing:
    """What the model reads of a listing or a sale."""

    title: str
    category: str
    condition: str
    brand: str | None = None
    description: str = ""


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


@dataclass(frozen=True)
class PriceModel:
    """A fitted model: `predict_log` gives the log1p price it expects for a listing."""

    features: _Features
    ridge: Ridge
    sales: int

    @classmethod
    def fit(cls, listings: Sequence[ModelListing], log_prices: numpy.ndarray) -> PriceModel:
        from sklearn.linear_model import Ridge

        features = _Features(listings)
        ridge = Ridge(alpha=RIDGE_ALPHA).fit(features.matrix(listings), log_prices)
        return cls(features=features, ridge=ridge, sales=len(listings))

    def predict_log(self, listings: Sequence[ModelListing]) -> numpy.ndarray:
        return numpy.asarray(self.ridge.predict(self.features.matrix(listings)), dtype=numpy.float64)

    def predict_one_log(self, listing: ModelListing) -> float:
        """`predict_log` for a single listing, fast (see `_Features.dot`)."""
        return float(self.ridge.intercept_) + self.features.dot(listing, self.ridge.coef_)


@dataclass(frozen=True)
class FittedModel:
    """The model fitted on all training sales, and each training sale's out-of-fold prediction."""

    model: PriceModel
    out_of_fold: numpy.ndarray


def fit_price_model(listings: Sequence[ModelListing], log_prices: numpy.ndarray) -> FittedModel | None:
    """Fit on the sales given (the caller passes the most recent MAX_MODEL_SALES), cross-fitting
    CROSS_FIT_FOLDS models for the out-of-fold predictions; None below MIN_MODEL_SALES sales."""
    if len(listings) < MIN_MODEL_SALES:
        return None
    targets = numpy.asarray(log_prices, dtype=numpy.float64)
    folds = numpy.arange(len(listings)) % CROSS_FIT_FOLDS
    out_of_fold = numpy.empty(len(listings), dtype=numpy.float64)
    for fold in range(CROSS_FIT_FOLDS):
        train = numpy.flatnonzero(folds != fold)
        held_out = numpy.flatnonzero(folds == fold)
        model = PriceModel.fit([listings[row] for row in train], targets[train])
        out_of_fold[held_out] = model.predict_log([listings[row] for row in held_out])
    return FittedModel(model=PriceModel.fit(listings, targets), out_of_fold=out_of_fold)
