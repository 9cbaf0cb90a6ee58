"""Hit rate@5 of the curated knowledge base on the project's own question set.

kb_questions.jsonl holds shopper questions written by the project, each with the source ids that answer
it; a question is a hit when any of them is in the top five. The curated documents are indexed with the
demo catalog (as tenant products, so they compete) in a throw-away embedded index, and every question is
asked in each search mode.

Run: `python -m evals.retrieval.kb_questions`.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.catalog.demo import build_demo_catalog
from core.settings import Settings
from evals.retrieval.metrics import hit_at_k, mean
from knowledge.documents import curated_documents
from knowledge.embeddings import Embedder, build_embedder
from knowledge.ingest import index_documents, product_document
from knowledge.search.documents import SearchFilters, SearchMode
from knowledge.search.embedded import EmbeddedSearchBackend

QUESTIONS = Path(__file__).with_name("kb_questions.jsonl")
TENANT = "demo"
K = 5


@dataclass(frozen=True)
class Question:
    question: str
    sources: frozenset[str]


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Question(row["question"], frozenset(row["sources"])) for row in rows]


def evaluate(questions: list[Question], embedder: Embedder | None, index_dir: Path) -> dict[str, list[bool]]:
    """Per mode, whether each question found an answering source in the top five."""
    backend = EmbeddedSearchBackend(index_dir / "kb.db")
    try:
        distractors = [product_document(p) for p in build_demo_catalog(TENANT).products]
        index_documents(backend, embedder, [*curated_documents(), *distractors])
        modes = list(SearchMode) if embedder is not None else [SearchMode.LEXICAL]
        filters = SearchFilters(tenant_id=TENANT)
        hits: dict[str, list[bool]] = {}
        for mode in modes:
            hits[mode.value] = []
            for question in questions:
                vector = embedder.embed([question.question])[0] if embedder is not None else None
                ranked = [
                    hit.doc.id for hit in backend.search(question.question, vector, filters, k=K, mode=mode)
                ]
                hits[mode.value].append(hit_at_k(ranked, question.sources, K))
        return hits
    finally:
        backend.close()


def main() -> None:
    questions = load_questions()
    embedder = build_embedder(Settings(_env_file=None))
    with tempfile.TemporaryDirectory(prefix="pakka-kb-eval-") as index_dir:
        hits = evaluate(questions, embedder, Path(index_dir))
    print(f"KB question set: {len(questions)} questions; embedder: {embedder.name if embedder else 'none'}")
    print(f"{'mode':<10} {'hit@5':>7}")
    for mode, found in hits.items():
        print(f"{mode:<10} {mean([float(f) for f in found]):>7.3f}")
    reported = SearchMode.HYBRID.value if embedder is not None else SearchMode.LEXICAL.value
    misses = [q.question for q, found in zip(questions, hits[reported], strict=True) if not found]
    if misses:
        print(f"missed ({reported}):", *misses, sep="\n  ")


if __name__ == "__main__":
    main()
