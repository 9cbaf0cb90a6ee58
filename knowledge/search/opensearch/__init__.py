"""OpenSearch search backend: index mapping, query bodies, client faults and the `SearchBackend` itself.

`knowledge.search.factory.open_search_backend` opens it when `PAKKA_OPENSEARCH_URL` is set.
"""

from __future__ import annotations

from knowledge.search.opensearch.backend import OpenSearchBackend
from knowledge.search.opensearch.client import SearchBackendRejected, open_client

__all__ = ["OpenSearchBackend", "SearchBackendRejected", "open_client"]
