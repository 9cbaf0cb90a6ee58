"""The macro-F1 decision rule: weights chosen on training rows make the model answer small and large too."""

from __future__ import annotations

import numpy as np

from evals.decision.decision_rule import DecisionRule, tune_decision_rule
from evals.decision.metrics import macro_f1


def skewed_predictions(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Three quarters `fit`; probabilities that rank well but never put small or large on top."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(3, size=count, p=[0.13, 0.74, 0.13])
    signal = np.eye(3)[labels] * 0.15 + rng.uniform(0.0, 0.1, (count, 3))
    probabilities = signal + np.array([0.1, 0.6, 0.1])
    return probabilities / probabilities.sum(axis=1, keepdims=True), labels


def test_the_argmax_of_skewed_probabilities_only_ever_answers_fit() -> None:
    probabilities, _ = skewed_predictions(2000, seed=1)

    assert set(DecisionRule((1.0, 1.0, 1.0)).decide(probabilities)) == {1}


def test_tuned_weights_answer_every_class_and_raise_macro_f1_on_new_rows() -> None:
    train_probabilities, train_labels = skewed_predictions(4000, seed=1)
    test_probabilities, test_labels = skewed_predictions(2000, seed=2)

    rule = tune_decision_rule(train_probabilities, train_labels)

    answers = rule.decide(test_probabilities)
    assert set(answers) == {0, 1, 2}
    assert rule.weights[1] == 1.0 and rule.weights[0] > 1.0 and rule.weights[2] > 1.0
    argmax_f1 = macro_f1(np.argmax(test_probabilities, axis=1), test_labels, 3)
    assert macro_f1(answers, test_labels, 3) > argmax_f1 + 0.2
