"""Chooses the search backend named by settings. Called once at start-up, like `open_store`."""

from __future__ import annotations

from core.settings import Settings
from knowledge.search.backend import SearchBackend

DEFAULT_OPENSEARCH_DIMENSION = 384


def open_search_backend(settings: Settings, *, dimension: int | None = None) -> SearchBackend:
    """OpenSearch when `PAKKA_OPENSEARCH_URL` is set, else the embedded SQLite file.

    `dimension` is the embedder's (the OpenSearch k-NN mapping needs it up front; the embedded backend learns
    it from the first vectors it indexes).
    """
    if settings.opensearch_url:
        from knowledge.search.opensearch.backend import OpenSearchBackend
        from knowledge.search.opensearch.client import open_client

        backend = OpenSearchBackend(
            open_client(settings.opensearch_url),
            index_prefix=settings.opensearch_index_prefix,
            dimension=dimension or DEFAULT_OPENSEARCH_DIMENSION,
            hybrid=settings.opensearch_hybrid,
        )
        backend.ensure_index()
        return backend
    from knowledge.search.embedded import EmbeddedSearchBackend

    return EmbeddedSearchBackend(settings.kb_sqlite_file)
