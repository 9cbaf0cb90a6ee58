"""Classification and calibration metrics in numpy: one-vs-rest AUC, macro-F1, ECE, isotonic regression."""

from __future__ import annotations

import numpy as np


def auc(scores: np.ndarray, positives: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U, ties counted half)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average_ranks = first + (counts + 1) / 2
    ranks[order] = np.repeat(average_ranks, counts)
    n_pos = int(positives.sum())
    n_neg = len(scores) - n_pos
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_one_vs_rest_auc(probabilities: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean([auc(probabilities[:, k], labels == k) for k in range(probabilities.shape[1])]))


def macro_f1(predicted: np.ndarray, labels: np.ndarray, classes: int) -> float:
    scores = []
    for k in range(classes):
        true_positive = np.sum((predicted == k) & (labels == k))
        precision = true_positive / max(np.sum(predicted == k), 1)
        recall = true_positive / max(np.sum(labels == k), 1)
        scores.append(0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall))
    return float(np.mean(scores))


def reliability_bins(
    confidence: np.ndarray, outcome: np.ndarray, bins: int = 10
) -> list[tuple[float, float, int]]:
    """(mean confidence, observed rate, count) per equal-width bin that has rows."""
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    return [
        (float(confidence[index == b].mean()), float(outcome[index == b].mean()), int(np.sum(index == b)))
        for b in range(bins)
        if np.any(index == b)
    ]


def expected_calibration_error(confidence: np.ndarray, outcome: np.ndarray, bins: int = 10) -> float:
    total = len(confidence)
    return float(
        sum(
            count / total * abs(mean - rate)
            for mean, rate, count in reliability_bins(confidence, outcome, bins)
        )
    )


def isotonic_fit(x: np.ndarray, y: np.ndarray, knots: int = 20) -> tuple[list[float], list[float]]:
    """Pool-adjacent-violators on (x, y) (equal neighbours pooled too), summarised as `knots` points: the
    mean x and mean fitted value of each quantile bin of x. Averaging over bins keeps a handful of rows at
    either end (a short all-fit or all-misfit block) from pinning the map to 0 or 1 there."""
    order = np.argsort(x, kind="mergesort")
    xs, ys = x[order], y[order].astype(float)
    blocks: list[list[float]] = []  # [sum_y, count]
    for yi in ys:
        blocks.append([yi, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            last = blocks.pop()
            blocks[-1] = [blocks[-1][0] + last[0], blocks[-1][1] + last[1]]
    fitted = np.repeat([total / count for total, count in blocks], [int(count) for _, count in blocks])
    bins = [part for part in np.array_split(np.arange(len(xs)), knots) if len(part)]
    raw = [float(xs[part].mean()) for part in bins]
    calibrated = [float(fitted[part].mean()) for part in bins]
    kept = [0] + [k for k in range(1, len(raw)) if round(raw[k], 5) > round(raw[k - 1], 5)]
    return [round(raw[k], 5) for k in kept], [round(calibrated[k], 5) for k in kept]
