"""The search-backend contract shared by the embedded (SQLite + numpy) and OpenSearch backends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy

from knowledge.search.documents import KnowledgeDoc, SearchFilters, SearchHit, SearchMode

RRF_K = 60


@runtime_checkable
class SearchBackend(Protocol):
    kind: str

    def index(self, docs: Sequence[KnowledgeDoc], vectors: numpy.ndarray | None) -> int:
        """Upsert `docs`; `vectors` are row-aligned, L2-normalised float32, or None for lexical-only."""
        ...

    def delete(self, tenant_id: str, ids: Sequence[str]) -> int:
        """Remove the tenant's documents with these ids; returns how many existed."""
        ...

    def search(
        self,
        query: str,
        query_vector: numpy.ndarray | None,
        filters: SearchFilters,
        *,
        k: int = 10,
        mode: SearchMode = SearchMode.HYBRID,
    ) -> list[SearchHit]:
        """Top-`k` hits; hybrid fuses lexical and vector top-N with reciprocal rank fusion."""
        ...

    def count(self, tenant_id: str | None = None) -> int:
        """Number of indexed documents, for one tenant or overall."""
        ...

    def close(self) -> None: ...


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Fuse ranked id lists: each id scores sum(1 / (k + rank)); ties keep first-seen order.

    RRF needs no score calibration between BM25 and cosine, which is why both backends use it.
    """
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)
