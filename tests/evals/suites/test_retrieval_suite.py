"""The retrieval suite measures what the retrieval scripts measure (the same numbers, query by query), gates
the mode pakka serves, and adds ragas metrics computed without a model."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from core.settings import Settings
from evals.metrics.ragas_env import ragas_unavailable
from evals.retrieval import esci, kb_questions
from evals.runner.suite import RunContext
from evals.suites.retrieval import (
    SUITE,
    Collection,
    Query,
    esci_collection,
    kb_collection,
    measure,
    rank,
    served_mode,
)
from knowledge.search.documents import DocType, KnowledgeDoc, SearchFilters, SearchMode
from tests.conftest import unless_installed

ESCI_PATH = next(d for d in SUITE.datasets if d.name == "esci").resolve()
KB_PATH = next(d for d in SUITE.datasets if d.name == "kb-questions").resolve()
needs_ragas = unless_installed(ragas_unavailable() is not None, "ragas (dev extra) is not installed")
needs_esci = pytest.mark.skipif(not ESCI_PATH.is_file(), reason=f"shared data absent: {ESCI_PATH}")


def doc(doc_id: str, title: str, text: str) -> KnowledgeDoc:
    return KnowledgeDoc(
        id=doc_id, tenant_id="t", doc_type=DocType.PRODUCT, title=title, text=text, source="test"
    )


TINY = Collection(
    name="tiny",
    docs=[
        doc("p:boots", "Leather trekking boots", "waterproof boots for the hills"),
        doc("p:kurta", "Cotton kurta", "a light cotton kurta for summer"),
        doc("p:serum", "Niacinamide serum", "serum for oily skin"),
    ],
    queries=[Query("trekking boots", frozenset({"p:boots"})), Query("cotton kurta", frozenset({"p:kurta"}))],
    filters=SearchFilters(tenant_id="t", doc_types=[DocType.PRODUCT]),
    k=2,
    measures={"hit@2": lambda ranked, relevant: float(bool(set(ranked[:2]) & relevant))},
)


def test_the_served_mode_is_hybrid_with_an_embedder_and_lexical_without() -> None:
    assert served_mode(None) is SearchMode.LEXICAL


def test_metrics_of_the_served_mode_are_gated_names_and_other_modes_are_suffixed(tmp_path: Path) -> None:
    ranked = rank(TINY, TINY.queries, None, tmp_path)
    ranked += [type(item)(item.query, "vector", list(reversed(item.ids))) for item in ranked]  # a second mode

    metrics, rows = measure(TINY, ranked, served="lexical", seed=0, with_ragas=False)

    by_name = {m.name: m.value for m in metrics}
    assert by_name["tiny/hit@2"] == 1.0
    assert "tiny/vector/hit@2" in by_name
    assert [row["mode"] for row in rows].count("lexical") == 2
    assert all(row["ranked"] for row in rows)


@needs_ragas
def test_ragas_scores_are_added_to_the_served_modes_rows(tmp_path: Path) -> None:
    ranked = rank(TINY, TINY.queries, None, tmp_path)

    metrics, rows = measure(TINY, ranked, served="lexical", seed=0, with_ragas=True)

    by_name = {m.name: m.value for m in metrics}
    assert by_name["tiny/id_context_recall"] == 1.0
    for row in rows:  # one relevant document per query: precision is one over the results returned
        assert row["ragas_id_context_precision"] == pytest.approx(1 / len(row["ranked"]))
        assert row["ragas_id_context_recall"] == 1.0


@needs_esci
def test_esci_numbers_equal_the_esci_script_query_by_query(tmp_path: Path) -> None:
    collection = esci_collection(ESCI_PATH)
    expected = esci.evaluate(esci.load_esci(ESCI_PATH), None, tmp_path / "script")["lexical"]

    metrics, _ = measure(
        collection, rank(collection, collection.queries, None, tmp_path), "lexical", 0, False
    )

    by_name = {m.name: m.value for m in metrics}
    assert by_name["esci/recall@10"] == pytest.approx(expected["recall@10"])
    assert by_name["esci/ndcg@10"] == pytest.approx(expected["ndcg@10"])


def test_kb_hit_rate_equals_the_kb_script(tmp_path: Path) -> None:
    collection = kb_collection(KB_PATH)
    hits = kb_questions.evaluate(kb_questions.load_questions(KB_PATH), None, tmp_path / "script")["lexical"]

    metrics, _ = measure(
        collection, rank(collection, collection.queries, None, tmp_path), "lexical", 0, False
    )

    assert {m.name: m.value for m in metrics}["kb/hit@5"] == pytest.approx(sum(hits) / len(hits))


@needs_esci
@needs_ragas
def test_a_smoke_run_reports_every_declared_metric(tmp_path: Path) -> None:
    ctx = RunContext(
        settings=Settings(_env_file=None, model_tiers=["rules"]),
        smoke=True,
        datasets={d.name: d.resolve() for d in SUITE.datasets},
        work_dir=tmp_path,
    )

    outcome = SUITE.run(ctx)

    values = {m.name: m.value for m in outcome.metrics}
    missing = [spec.name for spec in SUITE.metrics if values.get(spec.name) is None]
    assert missing == []
    assert all(0.0 <= values[spec.name] <= 1.0 + 1e-9 for spec in SUITE.metrics)
    assert not any(math.isnan(v) for v in values.values() if v is not None)
    assert any("served mode: lexical" in note for note in outcome.notes)
