"""The logistic-regression baseline learns a signal that separates the classes, balanced across them."""

from __future__ import annotations

import numpy as np

from evals.decision.baseline import predict_softmax, softmax_regression
from evals.decision.metrics import average_one_vs_rest_auc


def test_class_balanced_softmax_regression_separates_a_rare_class_by_a_linear_signal() -> None:
    rng = np.random.default_rng(5)
    labels = rng.choice(3, size=3000, p=[0.1, 0.8, 0.1])
    x = np.eye(3)[labels] + rng.normal(0.0, 0.8, (3000, 3))

    weights = softmax_regression(x, labels)
    probabilities = predict_softmax(weights, x)

    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert average_one_vs_rest_auc(probabilities, labels) > 0.8
    assert set(np.argmax(probabilities, axis=1)) == {0, 1, 2}
