"""Ranking metrics with binary relevance."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence


def recall_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant ids found in the top `k`."""
    if not relevant:
        return float("nan")
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def ndcg_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """DCG of the top `k` over the DCG of a perfect ranking (gain 1 per relevant id, log2 discount)."""
    if not relevant:
        return float("nan")
    relevant_set = set(relevant)
    dcg = sum(
        1.0 / math.log2(rank + 1) for rank, doc_id in enumerate(ranked[:k], start=1) if doc_id in relevant_set
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant_set), k) + 1))
    return dcg / ideal


def hit_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> bool:
    """Whether any relevant id is in the top `k`."""
    return not set(ranked[:k]).isdisjoint(relevant)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")
