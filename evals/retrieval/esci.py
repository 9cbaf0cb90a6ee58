"""Product retrieval on Amazon ESCI: recall@10 and nDCG@10 for lexical, vector and hybrid search.

The 485 Exact (query, product) pairs of ../shared/data/esci (50 queries, 3-30 products each, Apache-2.0)
are indexed together with the 300-product demo catalog as distractors, in a throw-away embedded index
(a temporary SQLite file; nothing from the shared data is written into the repository). Each of the 50
queries is run in every mode; a product is relevant to a query when the pair is labelled Exact.

Recall@10 is capped below 1 for queries with more than ten Exact products; the "ceiling" row says how
high it can go.

Run: `python -m evals.retrieval.esci [--esci-dir PATH]`. Without the data it says so and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from core.catalog.demo import build_demo_catalog
from core.settings import Settings
from evals.retrieval.metrics import mean, ndcg_at_k, recall_at_k
from evals.shared_data import SHARED_DATA
from knowledge.embeddings import Embedder, build_embedder
from knowledge.ingest import index_documents, product_document
from knowledge.search.documents import DocType, KnowledgeDoc, SearchFilters, SearchMode
from knowledge.search.embedded import EmbeddedSearchBackend

DEFAULT_ESCI_DIR = SHARED_DATA / "esci"
ESCI_FILE = "esci_exact_485rows_50queries_grandi9.csv"
TENANT = "esci"
K = 10
DESCRIPTION_CHARS = 1500
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class EsciSet:
    docs: list[KnowledgeDoc]
    relevant: dict[str, set[str]]  # query -> doc ids labelled Exact


def _clean(text: str) -> str:
    return " ".join(_TAG.sub(" ", text).split())


def load_esci(path: Path) -> EsciSet:
    """ESCI rows as product documents (one per product id) and the Exact doc ids of each query."""
    docs: dict[str, KnowledgeDoc] = {}
    relevant: dict[str, set[str]] = defaultdict(set)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            doc_id = f"esci:{row['product_id']}"
            if row["esci_label"] == "E":
                relevant[row["query"]].add(doc_id)
            if doc_id in docs:
                continue
            text = ". ".join(
                part
                for part in (
                    f"{row['product_brand']} {row['product_color']}".strip(),
                    _clean(row["product_bullet_point"]),
                    _clean(row["product_description"])[:DESCRIPTION_CHARS],
                )
                if part
            )
            docs[doc_id] = KnowledgeDoc(
                id=doc_id,
                tenant_id=TENANT,
                doc_type=DocType.PRODUCT,
                title=_clean(row["product_title"]),
                text=text,
                brand=row["product_brand"] or None,
                source="Apache-2.0: amazon-science/esci-data (evaluation only)",
            )
    return EsciSet(docs=list(docs.values()), relevant=dict(relevant))


def evaluate(esci: EsciSet, embedder: Embedder | None, index_dir: Path) -> dict[str, dict[str, float]]:
    """Mean recall@10 and nDCG@10 per search mode over every query."""
    distractors = [product_document(p) for p in build_demo_catalog(TENANT).products]
    backend = EmbeddedSearchBackend(index_dir / "esci.db")
    try:
        index_documents(backend, embedder, [*esci.docs, *distractors])
        modes = list(SearchMode) if embedder is not None else [SearchMode.LEXICAL]
        filters = SearchFilters(tenant_id=TENANT, doc_types=[DocType.PRODUCT])
        results: dict[str, dict[str, float]] = {}
        for mode in modes:
            recalls, ndcgs = [], []
            for query, relevant in esci.relevant.items():
                vector = embedder.embed([query])[0] if embedder is not None else None
                ranked = [hit.doc.id for hit in backend.search(query, vector, filters, k=K, mode=mode)]
                recalls.append(recall_at_k(ranked, relevant, K))
                ndcgs.append(ndcg_at_k(ranked, relevant, K))
            results[mode.value] = {"recall@10": mean(recalls), "ndcg@10": mean(ndcgs)}
        results["ceiling"] = {
            "recall@10": mean([min(len(r), K) / len(r) for r in esci.relevant.values()]),
            "ndcg@10": 1.0,
        }
        return results
    finally:
        backend.close()


def format_table(results: dict[str, dict[str, float]]) -> str:
    lines = [f"{'mode':<10} {'recall@10':>10} {'nDCG@10':>10}"]
    lines += [f"{mode:<10} {m['recall@10']:>10.3f} {m['ndcg@10']:>10.3f}" for mode, m in results.items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--esci-dir", type=Path, default=DEFAULT_ESCI_DIR)
    args = parser.parse_args()
    path = args.esci_dir / ESCI_FILE
    if not path.is_file():
        print(f"skipped: {path} not found (the ESCI subset is not part of the repository)")
        return
    esci = load_esci(path)
    embedder = build_embedder(Settings(_env_file=None))
    print(
        f"ESCI: {len(esci.relevant)} queries, {len(esci.docs)} products + 300 demo distractors; "
        f"embedder: {embedder.name if embedder is not None else 'none (lexical only)'}"
    )
    with tempfile.TemporaryDirectory(prefix="pakka-esci-") as index_dir:
        print(format_table(evaluate(esci, embedder, Path(index_dir))))


if __name__ == "__main__":
    main()
