"""Embedded hybrid search: SQLite FTS5 (BM25) plus an in-memory vector matrix, all in one SQLite file.

Documents and their vectors (float32 blobs) are the source of truth in SQLite; the matrix is rebuilt from
them per tenant, lazily, after that tenant's documents change. Hybrid search fuses the lexical and
vector top-N lists with reciprocal rank fusion.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy

from core.storage.sqlite.database import SqliteDatabase
from knowledge.search.backend import reciprocal_rank_fusion
from knowledge.search.documents import (
    GLOBAL_TENANT,
    KnowledgeDoc,
    SearchFilters,
    SearchHit,
    SearchMode,
)
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
    UNIQUE (tenant_id, doc_id)
);
CREATE INDEX IF NOT EXISTS kb_docs_by_tenant ON kb_docs (tenant_id);
CREATE VIRTUAL TABLE IF NOT EXISTS kb_fts USING fts5(
    title, text, tenant_id UNINDEXED, doc_type UNINDEXED, category UNINDEXED, brand UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
"""

# BM25 column weights for (title, text): a term in the title says more about the document.
TITLE_WEIGHT = 3.0
TEXT_WEIGHT = 1.0
CANDIDATES_PER_RESULT = 5
MIN_CANDIDATES = 50
# In an index of more than PRUNE_TERMS_ABOVE_DOCS chunks, a query term found in more than
# MAX_TERM_DOC_SHARE of them is left out of the BM25 query (when rarer terms remain): its IDF is near
# zero, so it barely moves the ranking, yet FTS5 would score every chunk holding it. Small indexes are
# cheap to score in full.
MAX_TERM_DOC_SHARE = 0.2
PRUNE_TERMS_ABOVE_DOCS = 5_000
MAX_CACHED_TERMS = 50_000
BUSY_TIMEOUT_MS = 5000
_WORD = re.compile(r"\w+", re.UNICODE)
# Dropped from queries (not from the index): in an OR-query they match nearly every chunk, and BM25 then
# scores all of them for almost no ranking signal.
STOPWORDS = frozenset(
    "a an and are as at be by can do does for from how i if in is it me my of on or should so the to what "
    "when where which who why will with you your".split()
)


def query_terms(text: str) -> list[str]:
    """The distinct lower-cased words of a query, stopwords dropped unless nothing else is left."""
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))
    return [word for word in words if word not in STOPWORDS] or words


def fts_query(text: str) -> str | None:
    """The user's words as an FTS5 OR-query of quoted terms (so no input is parsed as FTS syntax)."""
    return or_query(query_terms(text))


def or_query(terms: Sequence[str]) -> str | None:
    return " OR ".join(f'"{term}"' for term in terms) if terms else None


class EmbeddedSearchBackend:
    """`SearchBackend` over one SQLite file; safe to share between threads."""

    kind = "embedded"

    def __init__(self, path: Path, *, prune_terms_above_docs: int = PRUNE_TERMS_ABOVE_DOCS) -> None:
        self._prune_terms_above_docs = prune_terms_above_docs
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = SqliteDatabase(path, busy_timeout_ms=BUSY_TIMEOUT_MS)
        self._lock = threading.Lock()
        with self._db.reading() as connection:
            connection.executescript(SCHEMA)
        self._dim = self._stored_dim()
        self._vectors = VectorIndex(self._dim) if self._dim else None
        self._stale_tenants: set[str] = set(self._tenants_with_vectors())
        self._doc_frequency: dict[str, int] = {}  # per query term; cleared whenever documents change

    @property
    def dim(self) -> int | None:
        """Dimension of the stored vectors, None until vectors are indexed."""
        return self._dim

    def index(self, docs: Sequence[KnowledgeDoc], vectors: numpy.ndarray | None) -> int:
        if vectors is not None:
            vectors = self._checked_vectors(docs, vectors)
        with self._lock, self._db.transaction() as connection:
            for i, doc in enumerate(docs):
                blob = vectors[i].tobytes() if vectors is not None else None
                self._upsert(connection, doc, blob)
            if vectors is not None and self._dim is None:
                self._dim = int(vectors.shape[1])
                self._vectors = VectorIndex(self._dim)
                connection.execute("INSERT INTO kb_meta (key, value) VALUES ('dim', ?)", (str(self._dim),))
            self._stale_tenants.update(doc.tenant_id for doc in docs)
            self._doc_frequency = {}
        return len(docs)

    def delete(self, tenant_id: str, ids: Sequence[str]) -> int:
        deleted = 0
        with self._lock, self._db.transaction() as connection:
            for doc_id in ids:
                row = connection.execute(
                    "DELETE FROM kb_docs WHERE tenant_id = ? AND doc_id = ? RETURNING rowid",
                    (tenant_id, doc_id),
                ).fetchone()
                if row is not None:
                    connection.execute("DELETE FROM kb_fts WHERE rowid = ?", (row["rowid"],))
                    deleted += 1
            self._stale_tenants.add(tenant_id)
            self._doc_frequency = {}
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
            raise ValueError("vector search needs a query vector (no embedding model is configured)")
        top_n = max(k * CANDIDATES_PER_RESULT, MIN_CANDIDATES)
        lexical: list[tuple[int, float]] = []
        vector: list[tuple[int, float]] = []
        if mode in (SearchMode.LEXICAL, SearchMode.HYBRID):
            lexical = self._lexical(query, filters, top_n)
        if mode in (SearchMode.VECTOR, SearchMode.HYBRID) and query_vector is not None:
            vector = self._vector(query_vector, filters, top_n)
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
        self._db.close()

    def _checked_vectors(self, docs: Sequence[KnowledgeDoc], vectors: numpy.ndarray) -> numpy.ndarray:
        vectors = numpy.ascontiguousarray(vectors, dtype=numpy.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(docs):
            raise ValueError(f"expected {len(docs)} row-aligned vectors, got shape {vectors.shape}")
        if self._dim is not None and vectors.shape[1] != self._dim:
            raise ValueError(f"vectors have {vectors.shape[1]} dimensions, the index holds {self._dim}")
        return vectors

    @staticmethod
    def _upsert(connection: sqlite3.Connection, doc: KnowledgeDoc, vector: bytes | None) -> None:
        row = connection.execute(
            """
            INSERT INTO kb_docs
                (tenant_id, doc_id, doc_type, title, text, category, brand, source, metadata, vector)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (tenant_id, doc_id) DO UPDATE SET
                doc_type = excluded.doc_type, title = excluded.title, text = excluded.text,
                category = excluded.category, brand = excluded.brand, source = excluded.source,
                metadata = excluded.metadata, vector = excluded.vector
            RETURNING rowid
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
            ),
        ).fetchone()
        rowid = row["rowid"]
        connection.execute("DELETE FROM kb_fts WHERE rowid = ?", (rowid,))
        connection.execute(
            "INSERT INTO kb_fts (rowid, title, text, tenant_id, doc_type, category, brand)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                rowid,
                doc.title,
                doc.text,
                doc.tenant_id,
                doc.doc_type.value,
                doc.category.casefold() if doc.category else None,
                doc.brand.casefold() if doc.brand else None,
            ),
        )

    def _lexical(self, query: str, filters: SearchFilters, top_n: int) -> list[tuple[int, float]]:
        """BM25 top-N straight from the FTS table: the filter columns live there too, so no join per match."""
        match = or_query(self._selective_terms(query_terms(query)))
        if match is None:
            return []
        clauses, params = self._filter_sql(filters)
        sql = f"""
            SELECT rowid, bm25(kb_fts, {TITLE_WEIGHT}, {TEXT_WEIGHT}) AS score FROM kb_fts
            WHERE kb_fts MATCH ? AND {" AND ".join(clauses)}
            ORDER BY score LIMIT ?
        """
        with self._db.reading() as connection:
            rows = connection.execute(sql, (match, *params, top_n)).fetchall()
        return [(int(row["rowid"]), -float(row["score"])) for row in rows]

    def _selective_terms(self, terms: list[str]) -> list[str]:
        """The terms worth a BM25 pass: those in at most MAX_TERM_DOC_SHARE of the chunks, else the rarest."""
        if len(terms) < 2:
            return terms
        if len(self._doc_frequency) > MAX_CACHED_TERMS:
            self._doc_frequency = {}
        frequency = self._doc_frequency
        with self._db.reading() as connection:
            for term in terms:
                if term not in frequency:
                    row = connection.execute(
                        "SELECT count(*) FROM kb_fts WHERE kb_fts MATCH ?", (f'"{term}"',)
                    )
                    frequency[term] = int(row.fetchone()[0])
            if "" not in frequency:
                frequency[""] = int(connection.execute("SELECT count(*) FROM kb_docs").fetchone()[0])
        if frequency[""] <= self._prune_terms_above_docs:
            return terms
        limit = MAX_TERM_DOC_SHARE * frequency[""]
        selective = [term for term in terms if frequency[term] <= limit]
        return selective or [min(terms, key=lambda term: frequency[term])]

    @staticmethod
    def _filter_sql(filters: SearchFilters) -> tuple[list[str], list[object]]:
        """Category and brand are stored casefolded in kb_fts, so they compare case-insensitively."""
        clauses = ["tenant_id IN (?, ?)"]
        params: list[object] = [filters.tenant_id, GLOBAL_TENANT]
        if filters.category is not None:
            clauses.append("category = ?")
            params.append(filters.category.casefold())
        if filters.brand is not None:
            clauses.append("brand = ?")
            params.append(filters.brand.casefold())
        if filters.doc_types is not None:
            clauses.append(f"doc_type IN ({', '.join('?' for _ in filters.doc_types) or 'NULL'})")
            params.extend(t.value for t in filters.doc_types)
        return clauses, params

    def _vector(
        self, query_vector: numpy.ndarray, filters: SearchFilters, top_n: int
    ) -> list[tuple[int, float]]:
        with self._lock:
            self._refresh_stale_tenants()
            vectors = self._vectors
        if vectors is None:
            return []
        return vectors.search(
            query_vector,
            (filters.tenant_id, GLOBAL_TENANT),
            top_n=top_n,
            doc_types=[t.value for t in filters.doc_types] if filters.doc_types is not None else None,
            category=filters.category,
            brand=filters.brand,
        )

    def _refresh_stale_tenants(self) -> None:
        """Reload the matrix partitions of tenants whose documents changed (caller holds the lock)."""
        if self._vectors is None or not self._stale_tenants:
            return
        with self._db.reading() as connection:
            for tenant_id in sorted(self._stale_tenants):
                rows = connection.execute(
                    "SELECT rowid, doc_type, category, brand, vector FROM kb_docs "
                    "WHERE tenant_id = ? AND vector IS NOT NULL ORDER BY rowid",
                    (tenant_id,),
                ).fetchall()
                self._vectors.replace_tenant(
                    tenant_id,
                    [
                        VectorRow(
                            rowid=row["rowid"],
                            tenant_id=tenant_id,
                            doc_type=row["doc_type"],
                            category=row["category"],
                            brand=row["brand"],
                            vector=numpy.frombuffer(row["vector"], dtype=numpy.float32),
                        )
                        for row in rows
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

    def _tenants_with_vectors(self) -> list[str]:
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT DISTINCT tenant_id FROM kb_docs WHERE vector IS NOT NULL"
            ).fetchall()
        return [row["tenant_id"] for row in rows]
