"""The knowledge base as graphs and tools use it: a search backend plus the embedder for queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import InvalidInput
from core.settings import Settings
from knowledge.embeddings import Embedder, build_embedder
from knowledge.search.backend import SearchBackend
from knowledge.search.documents import SearchFilters, SearchHit, SearchMode
from knowledge.search.factory import open_search_backend

if TYPE_CHECKING:
    from knowledge.ingest import LiveCatalogSync


@dataclass
class KnowledgeBase:
    """Hybrid search when an embedder is configured, lexical-only otherwise."""

    backend: SearchBackend
    embedder: Embedder | None
    catalog_sync: LiveCatalogSync | None = None
    """Set by a running server (graphs.services): catalog search asks it to index products added since."""

    @classmethod
    def open(cls, settings: Settings) -> KnowledgeBase:
        embedder = build_embedder(settings)
        backend = open_search_backend(settings, dimension=embedder.dim if embedder is not None else None)
        return cls(backend=backend, embedder=embedder)

    def search(
        self, query: str, filters: SearchFilters, *, k: int = 5, mode: SearchMode = SearchMode.HYBRID
    ) -> list[SearchHit]:
        if self.embedder is None:
            if mode is SearchMode.VECTOR:
                raise InvalidInput(
                    "vector search needs an embedding model (PAKKA_EMBEDDING_MODEL)", {"mode": mode.value}
                )
            mode = SearchMode.LEXICAL
        vector = (
            self.embedder.embed([query])[0]
            if self.embedder is not None and mode is not SearchMode.LEXICAL
            else None
        )
        return self.backend.search(query, vector, filters, k=k, mode=mode)

    def close(self) -> None:
        if self.catalog_sync is not None:
            self.catalog_sync.close()
        self.backend.close()
