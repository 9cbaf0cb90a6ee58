"""A ridge regression of log1p price on a tenant's own sold items: the comparable-free signal of an estimate.

Most listings have few or no comparables over the similarity threshold (a 4k-sale history finds three or more
for about one Mercari listing in six), yet every word of the history still says something about price. The
model reads what a merchant writes as TF-IDF over words and word pairs in four blocks (all the text together,
as in the Mercari dataset's published reference recipe; the title with brand; the description; the brand and
every level of the category as whole tokens), plus the condition, and is fitted with scikit-learn's Ridge at
alpha 2 (the reference recipe's). The estimate blends it with the comparables by a weight learned on the same
history (`learn_blend`, run by domain/pricing/comparables.py).

Training uses the tenant's most recent MAX_MODEL_SALES sales, so the fit cost is bounded at any history size.
`fit_price_model` also returns out-of-fold predictions (each sale predicted by a model that never saw it),
which is what the blend weight and the range widths are learned from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge

from core.records.sales import ListingCondition

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
        self.blocks: list[tuple[TextOf, TfidfVectorizer]] = []
        for text_of, options in BLOCKS:
            vectorizer = TfidfVectorizer(**options)
            try:
                vectorizer.fit([text_of(listing) for listing in listings])
            except ValueError:  # empty vocabulary: e.g. no description word appears twice
                continue
            self.blocks.append((text_of, vectorizer))

    def matrix(self, listings: Sequence[ModelListing]) -> sparse.csr_matrix:
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


RangeQuantiles = tuple[float, float, float, float]  # log residual at 5%, 10%, 90%, 95%
RANGE_QUANTILES = (0.05, 0.10, 0.90, 0.95)
PRIOR_WEIGHT_GRID = tuple(float(value) for value in numpy.geomspace(0.05, 20.0, 27))
MIN_RANGE_CASES = 30


@dataclass(frozen=True)
class BlendCase:
    """One past sale priced as a new listing would be: its comparables' total weight and weighted mean log
    price (without the sale itself), the out-of-fold model prediction, and what it really sold for."""

    comparable_weight: float
    comparable_log: float
    model_log: float
    true_log: float


@dataclass(frozen=True)
class BlendCalibration:
    """How much the model counts, in units of comparable weight, and the log residual quantiles of the blended
    price around the truth, with and without comparables (so a range's level holds on this history)."""

    prior_weight: float
    with_comparables: RangeQuantiles
    without_comparables: RangeQuantiles
    cases: int


def blend(
    comparable_weight: numpy.ndarray,
    comparable_log: numpy.ndarray,
    model_log: numpy.ndarray,
    prior_weight: float,
) -> numpy.ndarray:
    """(w x comparables + k x model) / (w + k): the model alone where there is no comparable weight."""
    return (comparable_weight * comparable_log + prior_weight * model_log) / (
        comparable_weight + prior_weight
    )


def _quantiles(residuals: numpy.ndarray) -> RangeQuantiles:
    q05, q10, q90, q95 = (float(value) for value in numpy.quantile(residuals, RANGE_QUANTILES))
    return q05, q10, q90, q95


def learn_blend(cases: Sequence[BlendCase]) -> BlendCalibration | None:
    """The prior weight on PRIOR_WEIGHT_GRID with the least squared error over the cases, and the residual
    quantiles at that weight; None with fewer than MIN_RANGE_CASES cases."""
    if len(cases) < MIN_RANGE_CASES:
        return None
    weight = numpy.array([case.comparable_weight for case in cases])
    comparable_log = numpy.array(
        [case.comparable_log if case.comparable_weight > 0 else 0.0 for case in cases]
    )
    model_log = numpy.array([case.model_log for case in cases])
    truth = numpy.array([case.true_log for case in cases])
    errors = [
        float(numpy.mean((blend(weight, comparable_log, model_log, k) - truth) ** 2))
        for k in PRIOR_WEIGHT_GRID
    ]
    prior_weight = PRIOR_WEIGHT_GRID[int(numpy.argmin(errors))]
    residuals = truth - blend(weight, comparable_log, model_log, prior_weight)
    overall = _quantiles(residuals)
    with_comparables = weight > 0

    def group(mask: numpy.ndarray) -> RangeQuantiles:
        return _quantiles(residuals[mask]) if int(mask.sum()) >= MIN_RANGE_CASES else overall

    return BlendCalibration(
        prior_weight=prior_weight,
        with_comparables=group(with_comparables),
        without_comparables=group(~with_comparables),
        cases=len(cases),
    )
