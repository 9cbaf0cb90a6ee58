"""retrieval: product search on Amazon ESCI and the knowledge base on the project's question set.

The indexes and queries are those of evals/retrieval/esci.py and evals/retrieval/kb_questions.py (their
loaders, documents, distractors, filters, k and metric functions), run here query by query so each query's
ranking is kept: ESCI nDCG@10 and recall@10 and KB hit@5 equal those scripts' numbers for the same embedder.
Every search mode is measured (hybrid and vector only with an embedder); the gated metrics are those of the
mode pakka serves (hybrid with an embedder, lexical without), so a run whose settings break the embedder
(`--set embedding_model=none`) reports lexical numbers and fails the gate against a hybrid baseline. Per-mode
values are recorded beside them as `<dataset>/<mode>/<metric>`.

ragas (evals/metrics/retrieval_ragas.py, no model): id-based context precision and recall over the Exact
product ids and the KB source ids, non-LLM context precision over their texts, and for the top result against
its closest reference the string similarity of titles, ROUGE-L and BLEU. Faithfulness and answer relevancy
need an answer text, which retrieval does not write: the explanations suite judges them when a model tier is
set.

ESCI is an optional dataset: without the shared data the KB questions (the project's own) still run, and
the run notes that ESCI product search was skipped. Each mean metric names its items.jsonl column, so
`pakka eval compare` pairs two runs' queries (by text) for the delta's interval.

--smoke: lexical search only (no embedding of the 785 documents) over 10 queries of each set.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.catalog.demo import build_demo_catalog
from evals.metrics.ragas_env import ragas_unavailable
from evals.metrics.ranking import reciprocal_rank
from evals.metrics.retrieval_ragas import (
    RAGAS_METRICS,
    Context,
    RetrievalSample,
    score_samples,
)
from evals.retrieval import esci, kb_questions
from evals.retrieval.metrics import hit_at_k, ndcg_at_k, recall_at_k
from evals.runner.stats import mean_metric, point_metric
from evals.runner.suite import (
    Dataset,
    Direction,
    ItemColumn,
    MetricSpec,
    MetricValue,
    Plot,
    RunContext,
    Suite,
    SuiteOutcome,
)
from knowledge.documents import curated_documents
from knowledge.embeddings import Embedder, build_embedder
from knowledge.ingest import index_documents, product_document
from knowledge.search.documents import DocType, KnowledgeDoc, SearchFilters, SearchMode
from knowledge.search.embedded import EmbeddedSearchBackend

SMOKE_QUERIES = 10


@dataclass(frozen=True)
class Query:
    text: str
    relevant: frozenset[str]


@dataclass(frozen=True)
class Ranked:
    query: Query
    mode: str
    ids: list[str]


@dataclass(frozen=True)
class Collection:
    """One evaluation set: its documents, queries, search filter, cut-off and per-query ranking metrics."""

    name: str
    docs: list[KnowledgeDoc]
    queries: list[Query]
    filters: SearchFilters
    k: int
    measures: dict[str, Callable[[Sequence[str], frozenset[str]], float]]


def esci_collection(path: Path) -> Collection:
    data = esci.load_esci(path)
    distractors = [product_document(p) for p in build_demo_catalog(esci.TENANT).products]
    k = esci.K
    return Collection(
        name="esci",
        docs=[*data.docs, *distractors],
        queries=[Query(text, frozenset(ids)) for text, ids in data.relevant.items()],
        filters=SearchFilters(tenant_id=esci.TENANT, doc_types=[DocType.PRODUCT]),
        k=k,
        measures={
            f"ndcg@{k}": lambda ranked, relevant: ndcg_at_k(ranked, relevant, k),
            f"recall@{k}": lambda ranked, relevant: recall_at_k(ranked, relevant, k),
            f"mrr@{k}": lambda ranked, relevant: reciprocal_rank(ranked, relevant, k),
        },
    )


def kb_collection(path: Path) -> Collection:
    questions = kb_questions.load_questions(path)
    distractors = [product_document(p) for p in build_demo_catalog(kb_questions.TENANT).products]
    k = kb_questions.K
    return Collection(
        name="kb",
        docs=[*curated_documents(), *distractors],
        queries=[Query(q.question, q.sources) for q in questions],
        filters=SearchFilters(tenant_id=kb_questions.TENANT),
        k=k,
        measures={
            f"hit@{k}": lambda ranked, relevant: float(hit_at_k(ranked, relevant, k)),
            f"mrr@{k}": lambda ranked, relevant: reciprocal_rank(ranked, relevant, k),
            f"recall@{k}": lambda ranked, relevant: recall_at_k(ranked, relevant, k),
        },
    )


def modes_for(embedder: Embedder | None) -> list[SearchMode]:
    """Every mode with an embedder, lexical alone without (as the eval scripts do)."""
    return list(SearchMode) if embedder is not None else [SearchMode.LEXICAL]


def served_mode(embedder: Embedder | None) -> SearchMode:
    return SearchMode.HYBRID if embedder is not None else SearchMode.LEXICAL


def rank(
    collection: Collection,
    queries: Sequence[Query],
    embedder: Embedder | None,
    index_dir: Path,
    progress: Callable[[Sequence[Query], str], Sequence[Query]] = lambda items, _: items,
) -> list[Ranked]:
    """The top-k ids of each query in each mode, from a throw-away index of the collection's documents."""
    backend = EmbeddedSearchBackend(index_dir / f"{collection.name}.db")
    try:
        index_documents(backend, embedder, collection.docs)
        ranked: list[Ranked] = []
        for mode in modes_for(embedder):
            for query in progress(queries, f"retrieval {collection.name} {mode.value}"):
                vector = embedder.embed([query.text])[0] if embedder is not None else None
                hits = backend.search(query.text, vector, collection.filters, k=collection.k, mode=mode)
                ranked.append(Ranked(query, mode.value, [hit.doc.id for hit in hits]))
        return ranked
    finally:
        backend.close()


def ragas_samples(collection: Collection, ranked: Sequence[Ranked]) -> list[RetrievalSample]:
    by_id = {doc.id: Context(doc.id, doc.title, doc.text) for doc in collection.docs}
    return [
        RetrievalSample(
            query=item.query.text,
            retrieved=[by_id[doc_id] for doc_id in item.ids if doc_id in by_id],
            reference=[by_id[doc_id] for doc_id in sorted(item.query.relevant) if doc_id in by_id],
        )
        for item in ranked
    ]


def measure(
    collection: Collection, ranked: Sequence[Ranked], served: str, seed: int, with_ragas: bool
) -> tuple[list[MetricValue], list[dict[str, object]]]:
    """The collection's metrics for the served mode (gated names), per mode (recorded), and per-query rows."""
    rows: list[dict[str, object]] = []
    per_mode: dict[str, dict[str, list[float]]] = {}
    for item in ranked:
        values = {name: fn(item.ids, item.query.relevant) for name, fn in collection.measures.items()}
        for name, value in values.items():
            per_mode.setdefault(item.mode, {}).setdefault(name, []).append(value)
        rows.append(
            {
                "dataset": collection.name,
                "id": f"{collection.name}:{item.mode}:{item.query.text}",
                "query": item.query.text,
                "mode": item.mode,
                "ranked": item.ids,
                "relevant": len(item.query.relevant),
                **values,
            }
        )
    metrics: list[MetricValue] = []
    for mode, values in per_mode.items():
        for name, series in values.items():
            label = f"{collection.name}/{name}" if mode == served else f"{collection.name}/{mode}/{name}"
            # paired by query text: a run serving another mode answers the same queries
            column = ItemColumn(column=name, key="query", where={"dataset": collection.name, "mode": mode})
            metrics.append(mean_metric(label, series, seed, per_item=column))
    if with_ragas:
        served_ranked = [item for item in ranked if item.mode == served]
        scores = score_samples(ragas_samples(collection, served_ranked))
        served_rows = [row for row in rows if row["mode"] == served]
        for row, score in zip(served_rows, scores, strict=True):
            row.update(
                {f"ragas_{name}": None if math.isnan(value) else value for name, value in score.items()}
            )
        for name in RAGAS_METRICS:
            column = ItemColumn(
                column=f"ragas_{name}", key="query", where={"dataset": collection.name, "mode": served}
            )
            metrics.append(
                mean_metric(
                    f"{collection.name}/{name}", [score[name] for score in scores], seed, per_item=column
                )
            )
    return metrics, rows


def _specs() -> tuple[MetricSpec, ...]:
    ranking = (
        ("esci/ndcg@10", 0.02, "nDCG@10 of the served mode over the Exact products"),
        ("esci/recall@10", 0.02, "recall@10 (capped below 1 for queries with more than ten Exact products)"),
        ("esci/mrr@10", 0.03, "reciprocal rank of the first Exact product in the top 10"),
        ("kb/hit@5", 0.05, "share of KB questions with an answering source in the top 5"),
        ("kb/mrr@5", 0.05, "reciprocal rank of the first answering source in the top 5"),
    )
    ragas = tuple(
        (f"{dataset}/{name}", 0.03, f"ragas {name.replace('_', ' ')} (no model)")
        for dataset in ("esci", "kb")
        for name in RAGAS_METRICS
    )
    return tuple(
        MetricSpec(name, Direction.HIGHER, tolerance, about) for name, tolerance, about in ranking + ragas
    )


def run(ctx: RunContext) -> SuiteOutcome:
    embedder = None if ctx.smoke else build_embedder(ctx.settings)
    served = served_mode(embedder).value
    unavailable = ragas_unavailable()
    collections = [kb_collection(ctx.path("kb-questions"))]
    if ctx.has("esci"):  # optional: without it the KB questions (the project's own) still run
        collections.insert(0, esci_collection(ctx.path("esci")))
    metrics: list[MetricValue] = []
    items: list[dict[str, object]] = []
    plots: list[Plot] = []
    with tempfile.TemporaryDirectory(prefix="pakka-eval-retrieval-", dir=ctx.work_dir) as scratch:
        for collection in collections:
            queries = ctx.limited(collection.queries, smoke=SMOKE_QUERIES)
            ranked = rank(collection, queries, embedder, Path(scratch), ctx.progress)
            found, rows = measure(collection, ranked, served, ctx.seed, with_ragas=unavailable is None)
            metrics += found
            items += rows
            plots.append(_by_mode_plot(collection, found, served))
            metrics.append(point_metric(f"{collection.name}/queries", float(len(queries)), len(queries)))
    notes = [
        f"served mode: {served} (embedder: {embedder.name if embedder is not None else 'none'})",
        "faithfulness and answer relevancy: not judged here (retrieval writes no answer text); see the "
        "explanations suite",
    ]
    if unavailable is not None:
        notes.append(f"ragas metrics not computed: {unavailable}")
    if ctx.has("esci"):
        plots.append(
            Plot.histogram(
                f"ESCI nDCG@10 per query ({served})",
                {
                    "nDCG@10": [
                        float(r["ndcg@10"]) for r in items if r["dataset"] == "esci" and r["mode"] == served
                    ]
                },
                xlabel="nDCG@10",
            )
        )
    return SuiteOutcome(metrics=metrics, items=items, plots=plots, notes=notes)


def _by_mode_plot(collection: Collection, metrics: Sequence[MetricValue], served: str) -> Plot:
    """Each ranking metric per search mode, with its interval."""
    names = list(collection.measures)
    modes: list[str] = []
    values: dict[str, dict[str, MetricValue]] = {}
    for metric in metrics:
        path = metric.name.removeprefix(f"{collection.name}/").split("/")
        mode, base = (served, path[0]) if len(path) == 1 else (path[0], path[-1])
        if base not in names:
            continue
        if mode not in modes:
            modes.append(mode)
        values.setdefault(base, {})[mode] = metric
    series: dict[str, list[float]] = {}
    for name in names:
        shown = [values.get(name, {}).get(mode) for mode in modes]
        series[name] = [m.value if m and m.value is not None else math.nan for m in shown]
        series[f"{name}:low"] = [m.low if m and m.low is not None else math.nan for m in shown]
        series[f"{name}:high"] = [m.high if m and m.high is not None else math.nan for m in shown]
    return Plot.bars(f"{collection.name}: ranking by search mode", modes, series, ylabel="score")


SUITE = Suite(
    name="retrieval",
    description="ESCI product search and KB questions: nDCG/recall/MRR, hit@5, ragas context precision and "
    "recall (ids and texts), string similarity, ROUGE-L, BLEU",
    datasets=(
        Dataset("esci", f"esci/{esci.ESCI_FILE}", optional=True, part="ESCI product search"),
        Dataset("kb-questions", "evals/retrieval/kb_questions.jsonl", root="repo"),
    ),
    metrics=_specs(),
    run=run,
)
