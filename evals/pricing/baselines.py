"""Reference models for the pricing eval, trained on the same folds: category mean and TF-IDF ridge.

The ridge is solved in its dual form (n_train x n_train kernel), so it needs numpy only: hashed TF-IDF
features (words, word pairs, in-word trigrams of title, brand, category and description) plus condition,
L2-normalised, alpha 2 as in the dataset's published reference run.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Sequence

import numpy

from core.pricing.lexical import features
from core.pricing.schemas import ListingCondition, SoldItem

HASH_DIM = 2**14
RIDGE_ALPHA = 2.0


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


def _hashed(counts: Counter[str]) -> dict[int, float]:
    row: dict[int, float] = {}
    for term, count in counts.items():
        slot = zlib.crc32(term.encode()) % HASH_DIM
        row[slot] = row.get(slot, 0.0) + 1 + math.log(count)
    return row


class TfidfRidge:
    """Ridge regression of log1p price on hashed TF-IDF features (dual solution)."""

    def __init__(self, train: Sequence[SoldItem]) -> None:
        rows = [_hashed(features(_text(item))) for item in train]
        frequency = numpy.zeros(HASH_DIM)
        for row in rows:
            frequency[list(row)] += 1
        self.idf = numpy.log((1 + len(rows)) / (1 + frequency)) + 1
        self.train_matrix = self._matrix(train)
        targets = log_prices(train)
        self.offset = float(targets.mean())
        kernel = self.train_matrix @ self.train_matrix.T
        self.dual = numpy.linalg.solve(kernel + RIDGE_ALPHA * numpy.eye(len(train)), targets - self.offset)

    def _matrix(self, items: Sequence[SoldItem]) -> numpy.ndarray:
        conditions = list(ListingCondition)
        matrix = numpy.zeros((len(items), HASH_DIM + len(conditions)), dtype=numpy.float32)
        for position, item in enumerate(items):
            for slot, value in _hashed(features(_text(item))).items():
                matrix[position, slot] = value * self.idf[slot]
            norm = float(numpy.linalg.norm(matrix[position, :HASH_DIM])) or 1.0
            matrix[position, :HASH_DIM] /= norm
            matrix[position, HASH_DIM + conditions.index(item.condition)] = 1.0
        return matrix

    def predict(self, items: Sequence[SoldItem]) -> numpy.ndarray:
        return self.offset + (self._matrix(items) @ self.train_matrix.T) @ self.dual
