"""Turning class probabilities into one answer for macro-F1.

With three quarters of reports `fit`, the most probable class is almost always `fit`, and macro-F1 rewards
answering `small` and `large` too. The rule scales the `small` and `large` probabilities by weights chosen
on training users (a grid search for the best macro-F1 there) and answers the largest."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evals.decision.metrics import macro_f1
from evals.decision.rtr_data import CLASSES, FloatArray, IntArray

GRID = np.geomspace(0.25, 16.0, 25)


@dataclass(frozen=True)
class DecisionRule:
    """Multipliers of P(small), P(fit) (always 1) and P(large) before taking the largest."""

    weights: tuple[float, float, float]

    def decide(self, probabilities: FloatArray) -> IntArray:
        return np.asarray(np.argmax(probabilities * np.array(self.weights), axis=1))


def tune_decision_rule(probabilities: FloatArray, labels: IntArray) -> DecisionRule:
    """The grid weights with the best macro-F1 on these (training) rows; ties keep the smaller weights."""
    best, best_f1 = DecisionRule((1.0, 1.0, 1.0)), -1.0
    for small in GRID:
        for large in GRID:
            rule = DecisionRule((float(small), 1.0, float(large)))
            f1 = macro_f1(rule.decide(probabilities), labels, len(CLASSES))
            if f1 > best_f1:
                best, best_f1 = rule, f1
    return best
