"""Embedded hybrid search: in-memory BM25 and vector indexes over documents kept in one SQLite file.

SQLite holds every document with its BM25 postings (computed when it is indexed) and its vector (a float32
blob): that is the source of truth. The in-memory indexes are rebuilt from it per tenant, lazily, on the
first search after that tenant's documents change. Hybrid search fuses the lexical and vector top-N lists
with reciprocal rank fusion.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy

from core.errors import InvalidInput
from core.storage.sqlite.database import SqliteDatabase
from knowledge.search.backend import reciprocal_rank_fusion
from knowledge.search.bm25_index import Bm25Index, LexicalRow
from knowledge.search.documents import (
    GLOBAL_TENANT,
    KnowledgeDoc,
    SearchFilters,
    SearchHit,
    SearchMode,
)
from knowledge.search.row_filter import RowFilter
from knowledge.search.text_analysis import POSTING, postings, query_terms
from knowledge.search.vector_index import VectorIndex, VectorRow

SCHEMA = """
CREATE TABLE IF NOT EXISTS kb_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kb_docs (
    rowid INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    category TEXT,
    brand TEXT,
    source TEXT NOT NULL,
    metadata TEXT NOT NULL,
    vector BLOB,
    postings BLOB,
    UNIQUE (tenant_id, doc_id)
);
CREATE INDEX IF NOT EXISTS kb_docs_by_tenant ON kb_docs (tenant_id);
DROP TABLE IF EXISTS kb_fts;
"""

CANDIDATES_PER_RESULT = 5
MIN_CANDIDATES = 50
BUSY_TIMEOUT_MS = 5000
# The vector half of a hybrid query runs on one of these threads while the BM25 half runs on the caller's:
# numpy releases the GIL in the matrix scan, so a query costs about the slower half, not the sum.
VECTOR_WORKERS = 4
BACKFILL_BATCH = 1000


class EmbeddedSearchBackend:
    """`SearchBackend` over one SQLite file; safe to share between threads."""

    kind = "embedded"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = SqliteDatabase(path, busy_timeout_ms=BUSY_TIMEOUT_MS)
        self._lock = threading.Lock()
        with self._db.reading() as connection:
            connection.executescript(SCHEMA)
        self._add_postings_to_older_files()
        self._dim = self._stored_dim()
        self._lexical = Bm25Index()
        self._vectors = VectorIndex(self._dim) if self._dim else None
        self._stale_tenants: set[str] = set(self._tenants())
        self._vector_workers = ThreadPoolExecutor(max_workers=VECTOR_WORKERS, thread_name_prefix="kb-vector")

    @property
    def dim(self) -> int | None:
        """Dimension of the stored vectors, None until vectors are indexed."""
        return self._dim

    def index(self, docs: Sequence[KnowledgeDoc], vectors: numpy.ndarray | None) -> int:
        if vectors is not None:
            vectors = self._checked_vectors(docs, vectors)
        blobs = [postings(doc.title, doc.text).tobytes() for doc in docs]
        with self._lock, self._db.transaction() as connection:
            for i, doc in enumerate(docs):
                self._upsert(connection, doc, blobs[i], vectors[i].tobytes() if vectors is not None else None)
            if vectors is not None and self._dim is None:
                self._dim = int(vectors.shape[1])
                self._vectors = VectorIndex(self._dim)
                connection.execute("INSERT INTO kb_meta (key, value) VALUES ('dim', ?)", (str(self._dim),))
            self._stale_tenants.update(doc.tenant_id for doc in docs)
        return len(docs)

    def delete(self, tenant_id: str, ids: Sequence[str]) -> int:
        deleted = 0
        with self._lock, self._db.transaction() as connection:
            for doc_id in ids:
                cursor = connection.execute(
                    "DELETE FROM kb_docs WHERE tenant_id = ? AND doc_id = ?", (tenant_id, doc_id)
                )
                deleted += cursor.rowcount
            self._stale_tenants.add(tenant_id)
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
        if mode is SearchMode.VECTOR and query_vector is None:
            raise InvalidInput(
                "vector search needs a query vector (no embedding model is configured)", {"mode": mode.value}
            )
        with self._lock:
            self._refresh_stale_tenants()
            vectors = self._vectors
        tenants = (filters.tenant_id, GLOBAL_TENANT)
        wanted = RowFilter(
            doc_types=[t.value for t in filters.doc_types] if filters.doc_types is not None else None,
            category=filters.category,
            brand=filters.brand,
        )
        top_n = max(k * CANDIDATES_PER_RESULT, MIN_CANDIDATES)
        lexical: list[tuple[int, float]] = []
        vector: list[tuple[int, float]] = []
        wants_vector = mode in (SearchMode.VECTOR, SearchMode.HYBRID)
        pending: Future[list[tuple[int, float]]] | None = None
        if wants_vector and query_vector is not None and vectors is not None:
            pending = self._vector_workers.submit(
                vectors.search, query_vector, tenants, top_n=top_n, wanted=wanted
            )
        if mode in (SearchMode.LEXICAL, SearchMode.HYBRID):
            lexical = self._lexical.search(query_terms(query), tenants, top_n=top_n, wanted=wanted)
        if pending is not None:
            vector = pending.result()
        lexical_rank = {rowid: rank for rank, (rowid, _) in enumerate(lexical, start=1)}
        vector_rank = {rowid: rank for rank, (rowid, _) in enumerate(vector, start=1)}
        if mode is SearchMode.LEXICAL or (mode is SearchMode.HYBRID and not vector):
            ranked = lexical[:k]  # a lexical-only index answers hybrid queries with BM25 scores
        elif mode is SearchMode.VECTOR:
            ranked = vector[:k]
        else:
            fused = reciprocal_rank_fusion([[str(r) for r, _ in lexical], [str(r) for r, _ in vector]])
            ranked = [(int(rowid), score) for rowid, score in fused[:k]]
        docs = self._docs([rowid for rowid, _ in ranked])
        return [
            SearchHit(
                doc=docs[rowid],
                score=score,
                lexical_rank=lexical_rank.get(rowid),
                vector_rank=vector_rank.get(rowid),
            )
            for rowid, score in ranked
            if rowid in docs
        ]

    def count(self, tenant_id: str | None = None) -> int:
        with self._db.reading() as connection:
            if tenant_id is None:
                row = connection.execute("SELECT count(*) FROM kb_docs").fetchone()
            else:
                row = connection.execute(
                    "SELECT count(*) FROM kb_docs WHERE tenant_id = ?", (tenant_id,)
                ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._vector_workers.shutdown(wait=True)
        self._db.close()

    def _checked_vectors(self, docs: Sequence[KnowledgeDoc], vectors: numpy.ndarray) -> numpy.ndarray:
        vectors = numpy.ascontiguousarray(vectors, dtype=numpy.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(docs):
            raise ValueError(f"expected {len(docs)} row-aligned vectors, got shape {vectors.shape}")
        if self._dim is not None and vectors.shape[1] != self._dim:
            raise ValueError(f"vectors have {vectors.shape[1]} dimensions, the index holds {self._dim}")
        return vectors

    @staticmethod
    def _upsert(
        connection: sqlite3.Connection, doc: KnowledgeDoc, terms: bytes, vector: bytes | None
    ) -> None:
        connection.execute(
            """
            INSERT INTO kb_docs
                (tenant_id, doc_id, doc_type, title, text, category, brand, source, metadata,
                 vector, postings)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, doc_id) DO UPDATE SET
                doc_type = excluded.doc_type, title = excluded.title, text = excluded.text,
                category = excluded.category, brand = excluded.brand, source = excluded.source,
                metadata = excluded.metadata, vector = excluded.vector, postings = excluded.postings
            """,
            (
                doc.tenant_id,
                doc.id,
                doc.doc_type.value,
                doc.title,
                doc.text,
                doc.category,
                doc.brand,
                doc.source,
                json.dumps(doc.metadata, default=str),
                vector,
                terms,
            ),
        )

    def _refresh_stale_tenants(self) -> None:
        """Rebuild the in-memory partitions of tenants whose documents changed (caller holds the lock)."""
        if not self._stale_tenants:
            return
        with self._db.reading() as connection:
            for tenant_id in sorted(self._stale_tenants):
                rows = connection.execute(
                    "SELECT rowid, doc_type, category, brand, postings, vector FROM kb_docs "
                    "WHERE tenant_id = ? ORDER BY rowid",
                    (tenant_id,),
                ).fetchall()
                self._lexical.replace_tenant(
                    tenant_id,
                    [
                        LexicalRow(
                            rowid=row["rowid"],
                            doc_type=row["doc_type"],
                            category=row["category"],
                            brand=row["brand"],
                            postings=numpy.frombuffer(row["postings"], dtype=POSTING),
                        )
                        for row in rows
                    ],
                )
                if self._vectors is not None:
                    self._vectors.replace_tenant(
                        tenant_id,
                        [
                            VectorRow(
                                rowid=row["rowid"],
                                doc_type=row["doc_type"],
                                category=row["category"],
                                brand=row["brand"],
                                vector=numpy.frombuffer(row["vector"], dtype=numpy.float32),
                            )
                            for row in rows
                            if row["vector"] is not None
                        ],
                    )
        self._stale_tenants.clear()

    def _docs(self, rowids: Sequence[int]) -> dict[int, KnowledgeDoc]:
        if not rowids:
            return {}
        placeholders = ", ".join("?" for _ in rowids)
        with self._db.reading() as connection:
            rows = connection.execute(
                f"SELECT rowid, * FROM kb_docs WHERE rowid IN ({placeholders})", tuple(rowids)
            ).fetchall()
        return {
            int(row["rowid"]): KnowledgeDoc(
                id=row["doc_id"],
                tenant_id=row["tenant_id"],
                doc_type=row["doc_type"],
                title=row["title"],
                text=row["text"],
                category=row["category"],
                brand=row["brand"],
                source=row["source"],
                metadata=json.loads(row["metadata"]),
            )
            for row in rows
        }

    def _stored_dim(self) -> int | None:
        with self._db.reading() as connection:
            row = connection.execute("SELECT value FROM kb_meta WHERE key = 'dim'").fetchone()
        return int(row["value"]) if row is not None else None

    def _tenants(self) -> list[str]:
        with self._db.reading() as connection:
            rows = connection.execute("SELECT DISTINCT tenant_id FROM kb_docs").fetchall()
        return [row["tenant_id"] for row in rows]

    def _add_postings_to_older_files(self) -> None:
        """Files written before the in-memory BM25 index have no postings column: add and fill it."""
        with self._db.reading() as connection:
            columns = {row["name"] for row in connection.execute("PRAGMA table_info(kb_docs)")}
            if "postings" not in columns:
                connection.execute("ALTER TABLE kb_docs ADD COLUMN postings BLOB")
        while True:
            with self._db.transaction() as connection:
                rows = connection.execute(
                    "SELECT rowid, title, text FROM kb_docs WHERE postings IS NULL LIMIT ?", (BACKFILL_BATCH,)
                ).fetchall()
                connection.executemany(
                    "UPDATE kb_docs SET postings = ? WHERE rowid = ?",
                    [(postings(row["title"], row["text"]).tobytes(), row["rowid"]) for row in rows],
                )
            if len(rows) < BACKFILL_BATCH:
                return
