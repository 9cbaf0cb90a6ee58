"""Reference models for the pricing eval, trained on the same folds: category mean and TF-IDF ridge.

The ridge follows the recipe behind the dataset's published reference number (../shared/data/mercari_price/
SOURCE.txt): scikit-learn TF-IDF over words and word pairs of name, brand, category and description, plus
one-hot condition and the shipping flag, Ridge with alpha 2. thredUP has no shipping column, so the flag is 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import Ridge

from core.records.sales import ListingCondition, SoldItem

RIDGE_ALPHA = 2.0
CONDITIONS = list(ListingCondition)


def log_prices(items: Sequence[SoldItem]) -> numpy.ndarray:
    return numpy.log1p(numpy.array([float(item.price) for item in items]))


class CategoryMean:
    """Mean log1p price of the item's category in the training fold (overall mean for unseen categories)."""

    def __init__(self, train: Sequence[SoldItem]) -> None:
        logs = log_prices(train)
        self.overall = float(logs.mean())
        by_category: dict[str, list[float]] = {}
        for item, value in zip(train, logs, strict=True):
            by_category.setdefault(item.category, []).append(float(value))
        self.means = {category: float(numpy.mean(values)) for category, values in by_category.items()}

    def predict(self, items: Sequence[SoldItem]) -> numpy.ndarray:
        return numpy.array([self.means.get(item.category, self.overall) for item in items])


def _text(item: SoldItem) -> str:
    return " ".join(
        part for part in (item.title, item.brand, item.category.replace("/", " "), item.description) if part
    )


class TfidfRidge:
    """The reference recipe: TF-IDF (1-2 grams) of name + brand + category + description, condition and
    shipping, Ridge(alpha=2) on log1p price. `shipping` maps listing ids to seller-paid shipping."""

    def __init__(self, train: Sequence[SoldItem], shipping: Mapping[str, bool] | None = None) -> None:
        self.shipping = shipping or {}
        self.vectorizer = TfidfVectorizer(ngram_range=(1, 2))
        words = self.vectorizer.fit_transform([_text(item) for item in train])
        self.ridge = Ridge(alpha=RIDGE_ALPHA).fit(self._with_flags(words, train), log_prices(train))

    def _with_flags(self, words: sparse.spmatrix, items: Sequence[SoldItem]) -> sparse.csr_matrix:
        flags = numpy.zeros((len(items), len(CONDITIONS) + 1))
        for row, item in enumerate(items):
            flags[row, CONDITIONS.index(item.condition)] = 1.0
            flags[row, -1] = float(self.shipping.get(item.listing_id, False))
        return sparse.hstack([words, sparse.csr_matrix(flags)]).tocsr()

    def predict(self, items: Sequence[SoldItem]) -> numpy.ndarray:
        words = self.vectorizer.transform([_text(item) for item in items])
        return numpy.asarray(self.ridge.predict(self._with_flags(words, items)), dtype=numpy.float64)
