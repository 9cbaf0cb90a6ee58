"""The baseline the issue names: class-balanced multinomial logistic regression on body measurements (plus
the rented size and category), by full-batch gradient descent."""

from __future__ import annotations

import numpy as np

from evals.decision.rtr_data import CLASSES, FloatArray, IntArray, Rentals

SIZE_CENTRE = 12.0
SIZE_SPREAD = 8.0


def baseline_features(rentals: Rentals) -> FloatArray:
    """Body measurements, category one-hot and the rented size (roughly standardised)."""
    size = (rentals.sizes - SIZE_CENTRE) / SIZE_SPREAD
    return np.hstack([rentals.body, rentals.categories, size[:, None]])


def softmax_regression(x: FloatArray, labels: IntArray, *, steps: int = 400, rate: float = 0.5) -> FloatArray:
    """Class-balanced multinomial logistic regression by gradient descent; returns the weights."""
    x = np.hstack([x, np.ones((len(x), 1))])
    targets = np.eye(len(CLASSES))[labels]
    class_weight = len(labels) / (len(CLASSES) * np.bincount(labels, minlength=len(CLASSES)))
    row_weight = class_weight[labels][:, None]
    weights = np.zeros((x.shape[1], len(CLASSES)))
    for _ in range(steps):
        weights -= rate * x.T @ (row_weight * (_softmax(x @ weights) - targets)) / row_weight.sum()
    return weights


def predict_softmax(weights: FloatArray, x: FloatArray) -> FloatArray:
    return _softmax(np.hstack([x, np.ones((len(x), 1))]) @ weights)


def _softmax(logits: FloatArray) -> FloatArray:
    exponentials = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(exponentials / exponentials.sum(axis=1, keepdims=True))
