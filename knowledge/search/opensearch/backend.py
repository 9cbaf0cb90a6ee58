"""`SearchBackend` on OpenSearch: BM25 + k-NN over one aliased, versioned index.

Hybrid search has two strategies, chosen by `PAKKA_OPENSEARCH_HYBRID`:
- `client_rrf` (default): one `_msearch` with a BM25 and a k-NN query, fused here by reciprocal rank
  fusion, so scores and ranks mean what they mean in the embedded backend; works on any k-NN cluster.
- `pipeline`: the neural-search `hybrid` query through a search pipeline that min-max normalises and
  averages the two score lists (OpenSearch >= 2.10); one query, but no per-retriever ranks.
Without a query vector (no embedding model) hybrid search is plain BM25 under either strategy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy
from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import NotFoundError

from core.errors import InvalidInput
from knowledge.search.backend import reciprocal_rank_fusion
from knowledge.search.documents import KnowledgeDoc, SearchFilters, SearchHit, SearchMode
from knowledge.search.opensearch import queries
from knowledge.search.opensearch.client import backend_faults, bulk_fault, fault_for_status
from knowledge.search.opensearch.mapping import (
    SPACE_BY_ENGINE,
    KnnEngine,
    alias_name,
    hybrid_pipeline_body,
    index_version,
    knowledge_index_body,
    pipeline_name,
    versioned_index_name,
    versioned_index_pattern,
)

HybridStrategy = Literal["pipeline", "client_rrf"]
RefreshPolicy = Literal["true", "false", "wait_for"]

BULK_CHUNK_DOCS = 500
BULK_MAX_RETRIES = 3
"""Bulk items rejected with 429 (write queue full) are re-sent this many times, with backoff."""


class OpenSearchBackend:
    """Knowledge search on an OpenSearch cluster; the client is passed in and closed by `close()`.

    Reads and writes go through the alias, so `reindex()` can swap in a rebuilt index without downtime.
    Writes that land on the old index while a reindex runs are lost at the swap: `reindex()` is a full
    rebuild from the knowledge sources (`pakka kb build`), not a live copy.
    """

    kind = "opensearch"

    def __init__(
        self,
        client: OpenSearch,
        *,
        index_prefix: str,
        dimension: int | None,
        hybrid: HybridStrategy = "client_rrf",
        engine: KnnEngine = "lucene",
        replicas: int = 1,
        refresh: RefreshPolicy = "wait_for",
        candidates: int = 50,
        bulk_initial_backoff_s: float = 1.0,
    ) -> None:
        self._client = client
        self._prefix = index_prefix
        self._dimension = dimension
        self._hybrid = hybrid
        self._engine = engine
        self._replicas = replicas
        self._refresh = refresh
        self._candidates = candidates
        self._bulk_initial_backoff_s = bulk_initial_backoff_s

    @property
    def alias(self) -> str:
        return alias_name(self._prefix)

    def ensure_index(self) -> str:
        """Create the first index version and its alias (and the hybrid pipeline) if missing; idempotent."""
        if self._hybrid == "pipeline":
            with backend_faults("put search pipeline"):
                self._client.search_pipeline.put(id=pipeline_name(self._prefix), body=hybrid_pipeline_body())
        current, versions = self._versions()
        if current is not None:
            return current
        index = versioned_index_name(self._prefix, max(versions, default=0) + 1)
        self._create_index(index)
        with backend_faults("add alias"):
            self._client.indices.update_aliases(
                body={"actions": [{"add": {"index": index, "alias": self.alias}}]}
            )
        return index

    def current_index(self) -> str | None:
        """The physical index the alias points at, or None before `ensure_index()`."""
        return self._versions()[0]

    def index(self, docs: Sequence[KnowledgeDoc], vectors: numpy.ndarray | None) -> int:
        self._check_vectors(docs, vectors)
        return self._bulk_index(self.alias, docs, vectors, refresh=self._refresh)

    def delete(self, tenant_id: str, ids: Sequence[str]) -> int:
        deleted = 0
        with backend_faults("bulk delete"):
            for ok, item in helpers.streaming_bulk(
                self._client,
                queries.delete_actions(self.alias, tenant_id, ids),
                chunk_size=BULK_CHUNK_DOCS,
                ignore_status=(404,),
                refresh=self._refresh,
            ):
                deleted += int(ok and item["delete"].get("result") == "deleted")
        return deleted

    def search(
        self,
        query: str,
        query_vector: numpy.ndarray | None,
        filters: SearchFilters,
        *,
        k: int = 10,
        mode: SearchMode = SearchMode.HYBRID,
    ) -> list[SearchHit]:
        if k < 1:
            raise InvalidInput("k must be at least 1", {"k": k})
        vector = None if query_vector is None else self._checked_query_vector(query_vector)
        if mode == SearchMode.LEXICAL:
            return self._lexical(query, filters, k)
        if mode == SearchMode.VECTOR:
            if vector is None:
                raise InvalidInput("vector search needs a query vector (no embedding model configured?)")
            return self._vector(vector, filters, k)
        if vector is None:
            return self._lexical(query, filters, k)
        if self._hybrid == "pipeline":
            return self._pipeline_hybrid(query, vector, filters, k)
        return self._fused_hybrid(query, vector, filters, k)

    def count(self, tenant_id: str | None = None) -> int:
        with backend_faults("count"):
            response = self._client.count(index=self.alias, body=queries.count_body(tenant_id))
        return int(response["count"])

    def reindex(self, docs: Sequence[KnowledgeDoc], vectors: numpy.ndarray | None) -> str:
        """Build the next index version from `docs`, swap the alias to it atomically, drop the old ones.

        Searches keep reading the old version until the swap. If loading fails, the half-built index is
        deleted and the alias is left as it was.
        """
        self._check_vectors(docs, vectors)
        current, versions = self._versions()
        new_index = versioned_index_name(self._prefix, max(versions, default=0) + 1)
        self._create_index(new_index)
        try:
            self._bulk_index(new_index, docs, vectors, refresh="false")
            with backend_faults("refresh"):
                self._client.indices.refresh(index=new_index)
        except Exception:
            with backend_faults("delete index"):
                self._client.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        actions: list[dict[str, Any]] = [{"add": {"index": new_index, "alias": self.alias}}]
        if current is not None:
            actions.insert(0, {"remove": {"index": current, "alias": self.alias}})
        with backend_faults("swap alias"):
            self._client.indices.update_aliases(body={"actions": actions})
        stale = [versioned_index_name(self._prefix, version) for version in versions]
        if stale:
            with backend_faults("delete index"):
                self._client.indices.delete(index=",".join(stale), ignore_unavailable=True)
        return new_index

    def close(self) -> None:
        self._client.close()

    def _versions(self) -> tuple[str | None, list[int]]:
        """(index the alias points at, versions of every existing physical index of ours)."""
        with backend_faults("get aliases"):
            try:
                indices = self._client.indices.get_alias(index=versioned_index_pattern(self._prefix))
            except NotFoundError:
                return None, []
        versions: list[int] = []
        current = None
        for name, entry in indices.items():
            version = index_version(self._prefix, name)
            if version is None:
                continue
            versions.append(version)
            if self.alias in entry.get("aliases", {}):
                current = name
        return current, sorted(versions)

    def _create_index(self, index: str) -> None:
        body = knowledge_index_body(self._dimension, engine=self._engine, replicas=self._replicas)
        with backend_faults("create index"):
            self._client.indices.create(index=index, body=body)

    def _bulk_index(
        self,
        index: str,
        docs: Sequence[KnowledgeDoc],
        vectors: numpy.ndarray | None,
        *,
        refresh: RefreshPolicy,
    ) -> int:
        """Upsert in chunks; items refused with 429 are re-sent, any other failed item fails the call.

        `raise_on_error=False` because opensearch-py's helper raises on the first 429 item otherwise,
        before its own `max_retries` can re-send it.
        """
        indexed = 0
        failures: list[dict[str, Any]] = []
        with backend_faults("bulk index"):
            for ok, item in helpers.streaming_bulk(
                self._client,
                queries.index_actions(index, docs, vectors),
                chunk_size=BULK_CHUNK_DOCS,
                max_retries=BULK_MAX_RETRIES,
                initial_backoff=self._bulk_initial_backoff_s,
                raise_on_error=False,
                refresh=refresh,
            ):
                if ok:
                    indexed += 1
                else:
                    failures.append(item)
        if failures:
            raise bulk_fault("bulk index", failures)
        return indexed

    def _check_vectors(self, docs: Sequence[KnowledgeDoc], vectors: numpy.ndarray | None) -> None:
        if vectors is None:
            return
        if self._dimension is None:
            raise InvalidInput("this index is lexical-only (created without an embedding model)")
        if vectors.shape != (len(docs), self._dimension):
            raise InvalidInput(
                "vectors must have one row per document and the index's dimension",
                {"shape": list(vectors.shape), "expected": [len(docs), self._dimension]},
            )

    def _checked_query_vector(self, query_vector: numpy.ndarray) -> numpy.ndarray:
        if self._dimension is None:
            raise InvalidInput("this index is lexical-only (created without an embedding model)")
        vector = numpy.asarray(query_vector, dtype=numpy.float32).ravel()
        if vector.shape != (self._dimension,):
            raise InvalidInput(
                "query vector has the wrong dimension",
                {"dimension": int(vector.size), "expected": self._dimension},
            )
        return vector

    def _search(
        self, operation: str, body: dict[str, Any], **params: Any
    ) -> list[tuple[str, KnowledgeDoc, float]]:
        with backend_faults(operation):
            response = self._client.search(index=self.alias, body=body, **params)
        return queries.response_hits(response)

    def _lexical(self, query: str, filters: SearchFilters, k: int) -> list[SearchHit]:
        body = queries.lexical_search_body(query, filters, k)
        return self._lexical_hits(self._search("lexical search", body))

    def _vector(self, vector: numpy.ndarray, filters: SearchFilters, k: int) -> list[SearchHit]:
        return self._vector_hits(self._search("vector search", queries.knn_search_body(vector, filters, k)))

    def _lexical_hits(self, hits: Sequence[tuple[str, KnowledgeDoc, float]]) -> list[SearchHit]:
        return [
            SearchHit(doc=doc, score=score, lexical_rank=rank)
            for rank, (_, doc, score) in enumerate(hits, start=1)
        ]

    def _vector_hits(self, hits: Sequence[tuple[str, KnowledgeDoc, float]]) -> list[SearchHit]:
        space_type = SPACE_BY_ENGINE[self._engine]
        return [
            SearchHit(doc=doc, score=queries.cosine_from_knn_score(score, space_type), vector_rank=rank)
            for rank, (_, doc, score) in enumerate(hits, start=1)
        ]

    def _pipeline_hybrid(
        self, query: str, vector: numpy.ndarray, filters: SearchFilters, k: int
    ) -> list[SearchHit]:
        body = queries.hybrid_search_body(query, vector, filters, k, max(k, self._candidates))
        hits = self._search("hybrid search", body, search_pipeline=pipeline_name(self._prefix))
        return [SearchHit(doc=doc, score=score) for _, doc, score in hits]

    def _fused_hybrid(
        self, query: str, vector: numpy.ndarray, filters: SearchFilters, k: int
    ) -> list[SearchHit]:
        """BM25 and k-NN top-N in one `_msearch`, fused by reciprocal rank fusion.

        When one side finds nothing the other side's hits come back with their own scores, as in the
        embedded backend.
        """
        depth = max(k, self._candidates)
        bodies = [
            queries.lexical_search_body(query, filters, depth),
            queries.knn_search_body(vector, filters, depth),
        ]
        with backend_faults("hybrid search"):
            response = self._client.msearch(body=queries.msearch_body(self.alias, bodies))
        lexical, nearest = (self._msearch_item_hits(item) for item in response["responses"])
        if not nearest:
            return self._lexical_hits(lexical[:k])
        if not lexical:
            return self._vector_hits(nearest[:k])
        docs = {hit_id: doc for hit_id, doc, _ in [*lexical, *nearest]}
        lexical_ranks = {hit_id: rank for rank, (hit_id, _, _) in enumerate(lexical, start=1)}
        vector_ranks = {hit_id: rank for rank, (hit_id, _, _) in enumerate(nearest, start=1)}
        fused = reciprocal_rank_fusion([list(lexical_ranks), list(vector_ranks)])
        return [
            SearchHit(
                doc=docs[hit_id],
                score=score,
                lexical_rank=lexical_ranks.get(hit_id),
                vector_rank=vector_ranks.get(hit_id),
            )
            for hit_id, score in fused[:k]
        ]

    @staticmethod
    def _msearch_item_hits(item: dict[str, Any]) -> list[tuple[str, KnowledgeDoc, float]]:
        """`_msearch` answers 200 overall and reports each search's failure inside its own item."""
        if "error" in item:
            raise fault_for_status("hybrid search", item.get("status"), item)
        return queries.response_hits(item)
