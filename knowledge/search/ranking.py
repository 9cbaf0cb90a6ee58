"""Top-N selection over the (rowid, score) arrays both in-memory indexes produce."""

from __future__ import annotations

import numpy


def top_pairs(rowids: numpy.ndarray, scores: numpy.ndarray, top_n: int) -> list[tuple[int, float]]:
    """The `top_n` highest-scoring (rowid, score) pairs, best first; equal scores go to the lower rowid."""
    if len(scores) > top_n:
        keep = numpy.argpartition(-scores, top_n - 1)[:top_n]
        rowids, scores = rowids[keep], scores[keep]
    order = numpy.lexsort((rowids, -scores))
    return [(int(rowids[i]), float(scores[i])) for i in order]
