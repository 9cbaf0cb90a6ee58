"""EmbeddedSearchBackend keeps its in-memory BM25 and vector indexes in step with the SQLite rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy

from knowledge.search.documents import DocType, KnowledgeDoc, SearchFilters, SearchHit, SearchMode
from knowledge.search.embedded import EmbeddedSearchBackend

DIM = 8
TENANT = "shop"
QUERIES = ("running shoes", "leather boots waterproof", "suede care", "cotton kurta", "size chart")
WORDS = [
    "running",
    "shoes",
    "leather",
    "boots",
    "waterproof",
    "suede",
    "care",
    "cotton",
    "kurta",
    "size",
    "chart",
    "mesh",
    "trail",
]


def doc(i: int, rng: numpy.random.Generator, tenant: str = TENANT) -> KnowledgeDoc:
    return KnowledgeDoc(
        id=f"product:{i}",
        tenant_id=tenant,
        doc_type=DocType.PRODUCT,
        title=" ".join(rng.choice(WORDS, size=3)),
        text=" ".join(rng.choice(WORDS, size=12)),
        category=str(rng.choice(["footwear", "apparel"])),
        brand=str(rng.choice(["Stride", "Kadam"])),
        source="catalog",
    )


def unit_vectors(count: int, rng: numpy.random.Generator) -> numpy.ndarray:
    vectors = rng.standard_normal((count, DIM)).astype(numpy.float32)
    return vectors / numpy.linalg.norm(vectors, axis=1, keepdims=True)


def results(backend: EmbeddedSearchBackend, query_vector: numpy.ndarray) -> list[list[tuple[str, float]]]:
    """Every query in every mode, with and without a filter, as (doc id, rounded score) lists."""
    found = []
    for query in QUERIES:
        for mode in SearchMode:
            for filters in (SearchFilters(tenant_id=TENANT), SearchFilters(tenant_id=TENANT, brand="stride")):
                hits = backend.search(query, query_vector, filters, k=20, mode=mode)
                found.append([(hit.doc.id, round(hit.score, 5)) for hit in hits])
    return found


def test_after_upserts_and_deletes_a_warm_index_answers_like_one_rebuilt_from_sqlite(
    backend: EmbeddedSearchBackend, knowledge_db: Path
) -> None:
    rng = numpy.random.default_rng(5)
    query_vector = unit_vectors(1, rng)[0]
    docs = [doc(i, rng) for i in range(40)]
    backend.index(docs, unit_vectors(40, rng))
    results(backend, query_vector)  # builds the in-memory indexes, which the writes below make stale

    backend.index([doc(i, rng) for i in range(30, 50)], unit_vectors(20, rng))  # 10 updates, 10 new
    backend.delete(TENANT, [f"product:{i}" for i in range(0, 50, 7)])
    backend.index([doc(3, rng)], unit_vectors(1, rng))

    reopened = EmbeddedSearchBackend(knowledge_db)
    try:
        assert results(backend, query_vector) == results(reopened, query_vector)
    finally:
        reopened.close()


def test_an_updated_document_is_found_by_its_new_words_only(backend: EmbeddedSearchBackend) -> None:
    original = KnowledgeDoc(
        id="product:1", tenant_id=TENANT, doc_type=DocType.PRODUCT, title="Suede loafers", text="", source="c"
    )
    backend.index([original], None)
    assert ids(backend.search("suede", None, SearchFilters(tenant_id=TENANT))) == ["product:1"]

    backend.index([original.model_copy(update={"title": "Canvas sneakers"})], None)

    assert backend.search("suede", None, SearchFilters(tenant_id=TENANT)) == []
    assert ids(backend.search("canvas", None, SearchFilters(tenant_id=TENANT))) == ["product:1"]


def test_a_write_for_one_tenant_leaves_another_tenants_results_alone(backend: EmbeddedSearchBackend) -> None:
    rng = numpy.random.default_rng(8)
    backend.index([doc(i, rng) for i in range(10)], unit_vectors(10, rng))
    backend.index([doc(i, rng, tenant="rival") for i in range(10)], unit_vectors(10, rng))
    query_vector = unit_vectors(1, rng)[0]
    before = results(backend, query_vector)

    backend.index([doc(i, rng, tenant="rival") for i in range(10, 30)], unit_vectors(20, rng))
    backend.delete("rival", ["product:1", "product:2"])

    assert results(backend, query_vector) == before


def test_a_devanagari_query_finds_a_hindi_document_across_inflections(backend: EmbeddedSearchBackend) -> None:
    hindi = KnowledgeDoc(
        id="article:joote-ka-naap",
        doc_type=DocType.ARTICLE,
        title="जूतों का सही साइज़ कैसे चुनें",
        text="पैर की लंबाई नापें और चार्ट से मिलाएँ।",
        source="pakka curated",
    )
    english = KnowledgeDoc(
        id="article:how-to-measure-foot",
        doc_type=DocType.ARTICLE,
        title="How to measure your foot",
        text="Measure the length of your foot.",
        source="pakka curated",
    )
    backend.index([hindi, english], None)

    assert ids(backend.search("जूते का साइज़", None, SearchFilters(tenant_id=TENANT))) == [hindi.id]
    assert ids(backend.search("लंबाई", None, SearchFilters(tenant_id=TENANT))) == [hindi.id]


def test_a_file_written_by_the_fts5_version_is_migrated_on_open(knowledge_db: Path) -> None:
    with sqlite3.connect(knowledge_db) as connection:
        connection.executescript(
            """
            CREATE TABLE kb_docs (
                rowid INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, doc_id TEXT NOT NULL,
                doc_type TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, category TEXT, brand TEXT,
                source TEXT NOT NULL, metadata TEXT NOT NULL, vector BLOB, UNIQUE (tenant_id, doc_id)
            );
            CREATE VIRTUAL TABLE kb_fts USING fts5(title, text, tenant_id UNINDEXED);
            INSERT INTO kb_docs (tenant_id, doc_id, doc_type, title, text, source, metadata)
            VALUES ('global', 'article:suede', 'article', 'Suede care', 'Brush it dry.', 'pakka', '{}');
            """
        )
    connection.close()

    backend = EmbeddedSearchBackend(knowledge_db)
    try:
        assert ids(backend.search("suede", None, SearchFilters(tenant_id=TENANT))) == ["article:suede"]
    finally:
        backend.close()
    with sqlite3.connect(knowledge_db) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    connection.close()
    assert "kb_fts" not in tables


def ids(hits: list[SearchHit]) -> list[str]:
    return [hit.doc.id for hit in hits]
