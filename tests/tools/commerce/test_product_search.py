"""search_products ranked by the knowledge base's hybrid search (embedded index, bundled MiniLM), with the
store's products and filters, on each store backend; and the fall back to the store's full-text search."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy
import pytest

from core.context import AppContext
from core.schemas import Product
from core.storage.repositories import Store
from graphs.services import Services
from knowledge.embeddings import MiniLMEmbedder
from knowledge.ingest import embedding_text, product_document
from knowledge.search.documents import DocType, KnowledgeDoc, SearchHit
from knowledge.search.embedded import EmbeddedSearchBackend
from knowledge.search.opensearch import OpenSearchBackend, open_client
from knowledge.search.service import KnowledgeBase
from tests.tools.commerce.conftest import PRODUCTS, TENANT
from tools.commerce.product_search import MEANING_ONLY_RANKS, is_match

OTHER_TENANTS_SHOE = Product(
    id="other-runner",
    tenant_id="elsewhere",
    name="Elsewhere Running Shoes",
    brand="Stride",
    category="footwear",
    price_inr=Decimal("999"),
    sizes=["9"],
)


def ids(result: dict[str, Any]) -> list[str]:
    return [product["id"] for product in result["products"]]


@pytest.fixture(scope="module")
def catalog_documents(minilm: MiniLMEmbedder) -> tuple[list[KnowledgeDoc], numpy.ndarray]:
    """The shop's catalog and another tenant's shoe as documents, embedded once for the whole module."""
    docs = [product_document(p) for p in [*PRODUCTS, OTHER_TENANTS_SHOE]]
    return docs, minilm.embed([embedding_text(doc) for doc in docs])


@pytest.fixture
def knowledge(
    tmp_path: Path, minilm: MiniLMEmbedder, catalog_documents: tuple[list[KnowledgeDoc], numpy.ndarray]
) -> Iterator[KnowledgeBase]:
    """An embedded index of the catalog documents, with their vectors."""
    opened = KnowledgeBase(backend=EmbeddedSearchBackend(tmp_path / "knowledge.db"), embedder=minilm)
    opened.backend.index(*catalog_documents)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def with_knowledge(services: Services, knowledge: KnowledgeBase) -> Services:
    services.knowledge = knowledge
    return services


@pytest.mark.usefixtures("with_knowledge")
def test_products_are_found_by_meaning_where_no_query_word_matches(tool_ok: Callable[..., Any]) -> None:
    result = tool_ok("search_products", {"query": "sneakers for jogging"})

    assert ids(result)[0] == "sh-runner"


def test_without_the_knowledge_base_the_same_words_find_nothing(tool_ok: Callable[..., Any]) -> None:
    assert tool_ok("search_products", {"query": "sneakers for jogging"})["total_matches"] == 0


@pytest.mark.usefixtures("with_knowledge")
def test_results_keep_the_compact_shape_with_the_stores_prices(tool_ok: Callable[..., Any]) -> None:
    result = tool_ok("search_products", {"query": "running shoes", "limit": 1})

    assert result["in_stock_region"] == "mumbai"
    assert result["products"] == [
        {
            "id": "sh-runner",
            "name": "Stride Runner Running Shoes",
            "brand": "Stride",
            "category": "footwear",
            "price_inr": 2499.0,
            "sizes": ["8", "9", "10"],
            "rating": 4.3,
        }
    ]


@pytest.mark.usefixtures("with_knowledge")
def test_category_price_brand_size_and_region_filters_apply_as_in_the_store_search(
    tool_ok: Callable[..., Any],
) -> None:
    def search(**filters: Any) -> list[str]:
        return ids(tool_ok("search_products", {"query": "leather shoes", "category": "footwear", **filters}))

    assert search(in_stock_region="delhi", size="10") == ["sh-loafer"]
    assert search(in_stock_region="delhi", max_price_inr=3000) == ["sh-runner"]
    assert search(in_stock_region="delhi", min_price_inr=2500) == ["sh-loafer"]
    assert search(brand="STRIDE") == ["sh-runner"]
    assert search(brand="Kora") == []


@pytest.mark.usefixtures("with_knowledge")
def test_the_limit_caps_the_products_but_not_the_match_count(
    tool_ok: Callable[..., Any], shopper: AppContext
) -> None:
    everywhere = replace(shopper, region=None)

    result = tool_ok("search_products", {"query": "shoes", "limit": 1}, context=everywhere)

    # A catalog smaller than MEANING_ONLY_RANKS: every product is near enough by meaning to count.
    assert result["total_matches"] == len(PRODUCTS)
    assert ids(result) == ["sh-runner"]


@pytest.mark.usefixtures("with_knowledge")
def test_products_are_read_from_the_store_so_changes_and_deletions_show_at_once(
    tool_ok: Callable[..., Any], stocked_store: Store
) -> None:
    runner = stocked_store.products.get(TENANT, "sh-runner")
    assert runner is not None
    stocked_store.products.put(runner.model_copy(update={"price_inr": Decimal("1999")}))
    stocked_store.products.delete(TENANT, "sk-serum")

    result = tool_ok("search_products", {"query": "niacinamide serum or running shoes"})

    assert "sk-serum" not in ids(result)
    assert [p["price_inr"] for p in result["products"] if p["id"] == "sh-runner"] == [1999.0]


@pytest.mark.usefixtures("with_knowledge")
def test_another_tenants_indexed_products_never_show(
    tool_ok: Callable[..., Any], shopper: AppContext
) -> None:
    everywhere = replace(shopper, region=None)

    result = tool_ok("search_products", {"query": "Elsewhere running shoes"}, context=everywhere)

    assert "other-runner" not in ids(result)
    assert ids(result)[0] == "sh-runner"


def test_without_a_knowledge_base_the_store_search_answers_and_the_log_says_so(
    tool_ok: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="pakka.catalog"):
        result = tool_ok("search_products", {"query": "running shoes"})

    assert ids(result) == ["sh-runner"]
    assert "no knowledge base is open" in caplog.text


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_when_the_knowledge_base_fails_the_store_search_answers_and_the_log_says_why(
    tool_ok: Callable[..., Any], services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = OpenSearchBackend(
        open_client(f"http://127.0.0.1:{closed_port()}", timeout_s=2, max_retries=0),
        index_prefix="t",
        dimension=None,
    )
    services.knowledge = KnowledgeBase(backend=unreachable, embedder=None)

    with caplog.at_level(logging.WARNING, logger="pakka.catalog"):
        result = tool_ok("search_products", {"query": "running shoes"})

    assert ids(result) == ["sh-runner"]
    [record] = [r for r in caplog.records if r.name == "pakka.catalog"]
    assert record.getMessage().endswith("the knowledge base failed")
    assert record.exc_info is not None and "cannot reach the cluster" in str(record.exc_info[1])


@pytest.mark.usefixtures("with_knowledge")
def test_a_query_without_words_lists_the_catalog_by_name(
    tool_ok: Callable[..., Any], shopper: AppContext
) -> None:
    result = tool_ok("search_products", {"query": "?!"}, context=replace(shopper, region=None))

    assert ids(result) == ["sk-serum", "ap-tee", "sh-loafer", "sh-runner"]


def hit(lexical_rank: int | None, vector_rank: int | None) -> SearchHit:
    doc = KnowledgeDoc(
        id="product:p", tenant_id=TENANT, doc_type=DocType.PRODUCT, title="P", text="", source="catalog"
    )
    return SearchHit(doc=doc, score=0.1, lexical_rank=lexical_rank, vector_rank=vector_rank)


def test_a_hit_matches_when_a_word_found_it_or_it_is_among_the_nearest_by_meaning() -> None:
    assert is_match(hit(lexical_rank=40, vector_rank=None))
    assert is_match(hit(lexical_rank=40, vector_rank=90))
    assert is_match(hit(lexical_rank=None, vector_rank=MEANING_ONLY_RANKS))
    assert not is_match(hit(lexical_rank=None, vector_rank=MEANING_ONLY_RANKS + 1))


def test_hits_from_a_fused_score_without_ranks_all_match() -> None:
    assert is_match(hit(lexical_rank=None, vector_rank=None))
