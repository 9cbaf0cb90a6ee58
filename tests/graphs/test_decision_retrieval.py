"""The decision graph's retrieve node: size guides and ingredient articles from the knowledge base's hybrid
search (a real embedded index with the bundled MiniLM model) become citations, and a missing or failing
knowledge base only costs those citations."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.context import AppContext
from core.settings import Settings
from core.storage.factory import open_store
from domain.decision.results import DecisionResult
from graphs.answer_cache import AnswerCache
from graphs.decision import graph, guide_question_vector
from graphs.services import Services
from knowledge.documents import ARTICLES_DIR, article_document, ingredient_document
from knowledge.embeddings import MiniLMEmbedder
from knowledge.ingest import embedding_text
from knowledge.ingredients.table import curated_table
from knowledge.search.documents import KnowledgeDoc
from knowledge.search.embedded import EmbeddedSearchBackend
from knowledge.search.service import KnowledgeBase
from tests.graphs.test_decision_graph import FACE, FOOT, TENANT, seed_shoes

GUIDED_INGREDIENTS = {"Niacinamide", "Salicylic Acid", "Cocos Nucifera Oil", "Glycerin"}


@pytest.fixture(scope="module")
def embedded_docs(minilm: MiniLMEmbedder) -> tuple[list[KnowledgeDoc], np.ndarray]:
    """The curated articles and a few ingredient entries with their vectors, embedded once for the module."""
    docs = [article_document(path) for path in sorted(ARTICLES_DIR.glob("*.md"))]
    docs += [ingredient_document(info) for info in curated_table().curated if info.inci in GUIDED_INGREDIENTS]
    return docs, minilm.embed([embedding_text(doc) for doc in docs])


@pytest.fixture
def services(
    sqlite_settings: Settings,
    tmp_path: Path,
    minilm: MiniLMEmbedder,
    embedded_docs: tuple[list[KnowledgeDoc], np.ndarray],
) -> Iterator[Services]:
    backend = EmbeddedSearchBackend(tmp_path / "knowledge.db")
    backend.index(*embedded_docs)
    built = Services.build(sqlite_settings, open_store(sqlite_settings))
    seed_shoes(built.store)
    built.knowledge = KnowledgeBase(backend=backend, embedder=minilm)
    try:
        yield built
    finally:
        built.close()
        backend.close()


async def run(services: Services, **request: Any) -> dict[str, Any]:
    context = AppContext(services=services, tenant_id=TENANT, user_id="u-1")
    state: dict[str, Any] = await graph.ainvoke(
        {"user_id": "u-1", "category": "footwear", "region": "mumbai", **request}, context=context
    )
    return state


async def test_footwear_recommendations_cite_the_foot_measuring_guide(services: Services) -> None:
    state = await run(services, scan=FOOT)

    assert state["guides"][0]["source_id"] == "article:how-to-measure-foot"
    assert {guide["category"] for guide in state["guides"]} == {"footwear"}
    result: DecisionResult = state["result"]
    assert len(result.recommendations) >= 3
    for item in result.recommendations:
        assert item.citations[0].startswith("chart:")
        assert "article:how-to-measure-foot" in item.citations
        assert 'our guide "How to measure your foot at home"' in item.explanation
        assert "article:" not in item.explanation
        guide = next(source for source in item.sources if source.id == "article:how-to-measure-foot")
        assert guide.title == "How to measure your foot at home"


async def test_skincare_recommendations_cite_their_ingredient_rules_then_the_best_skincare_articles(
    services: Services,
) -> None:
    state = await run(services, category="skincare", scan=FACE)

    found = [guide["source_id"] for guide in state["guides"]]
    assert {(guide["doc_type"], guide["category"]) for guide in state["guides"]} == {("article", "skincare")}
    serum = state["result"].recommendations[0]
    assert serum.product_id == "serum-a"
    assert "ingredient:niacinamide" in serum.citations
    assert serum.citations[-2:] == found[:2]
    assert f'our guide "{state["guides"][0]["title"]}"' in serum.explanation
    assert found[0] not in serum.explanation


async def test_without_a_knowledge_base_recommendations_cite_only_what_they_were_scored_on(
    services: Services,
) -> None:
    services.knowledge = None

    state = await run(services, scan=FOOT)

    assert state["guides"] == []
    sprint = next(item for item in state["result"].recommendations if item.product_id == "sprint-c")
    assert sprint.citations[0] == "chart:sprintara:uk-7"
    assert [source.split(":")[0] for source in sprint.citations] == ["chart", "chart-source", "fit"]
    assert all(source.url for source in sprint.sources if source.id == "fit:toe-allowance")


async def test_a_failing_knowledge_base_is_logged_and_the_recommendations_still_come(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    assert services.knowledge is not None
    services.knowledge.backend.close()  # every later search raises StoreUnavailable

    with caplog.at_level(logging.WARNING, logger="pakka.decision"):
        state = await run(services, scan=FOOT)

    assert state["guides"] == []
    assert len(state["result"].recommendations) >= 3
    cited = [source for item in state["result"].recommendations for source in item.citations]
    assert not [source for source in cited if source.startswith("article:")]
    assert "knowledge search failed" in caplog.text


async def test_the_guide_question_is_embedded_once_and_reused_by_later_requests(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert services.knowledge is not None and services.knowledge.embedder is not None
    embedder = services.knowledge.embedder
    embedded: list[str] = []

    def embed_and_count(texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return MiniLMEmbedder.embed(embedder, texts)

    guide_question_vector.cache_clear()
    monkeypatch.setattr(embedder, "embed", embed_and_count)

    first = await run(services, scan=FOOT)
    second = await run(services, scan={**FOOT, "length_mm": 255.0})

    assert len(embedded) == 1
    assert first["guides"] == second["guides"]


async def test_a_guide_search_is_kept_for_the_next_shoppers_while_the_result_cache_is_on(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert services.knowledge is not None and services.answers.enabled
    searched: list[str] = []
    search = services.knowledge.backend.search

    def counted(question: str, *args: Any, **kwargs: Any) -> Any:
        searched.append(question)
        return search(question, *args, **kwargs)

    monkeypatch.setattr(services.knowledge.backend, "search", counted)
    first = await run(services, scan=FOOT)
    other_foot = await run(services, scan={**FOOT, "length_mm": FOOT["length_mm"] + 5})
    assert len(searched) == 1
    assert other_foot["guides"] == first["guides"]

    await run(services, category="skincare", scan=FACE)
    assert len(searched) == 2

    services.answers = AnswerCache(max_bytes=0)
    await run(services, scan=FOOT)
    assert len(searched) == 3


async def test_a_failed_guide_search_is_not_kept(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    assert services.knowledge is not None
    search = services.knowledge.backend.search
    failing = {"left": 1}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        if failing["left"]:
            failing["left"] -= 1
            raise RuntimeError("the search backend is briefly away")
        return search(*args, **kwargs)

    monkeypatch.setattr(services.knowledge.backend, "search", flaky)
    assert (await run(services, scan=FOOT))["guides"] == []
    assert (await run(services, scan=FOOT))["guides"][0]["source_id"] == "article:how-to-measure-foot"
