"""Ranking metrics the retrieval scripts lack (evals/retrieval/metrics.py holds recall, nDCG and hit)."""

from __future__ import annotations

from collections.abc import Collection, Sequence


def reciprocal_rank(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1 / rank of the first relevant id in the top `k`; 0 when none is there; nan with nothing relevant."""
    if not relevant:
        return float("nan")
    for rank, doc_id in enumerate(ranked[:k], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0
