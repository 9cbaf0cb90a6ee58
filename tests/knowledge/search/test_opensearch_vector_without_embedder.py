"""Vector search with no query vector on OpenSearch is bad input (`InvalidInput`, a 4xx), never a ValueError,
whether the backend is called directly or through the knowledge base; nothing reaches the cluster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.errors import status_for
from core.errors import InvalidInput
from knowledge.search.documents import SearchFilters, SearchMode
from knowledge.search.service import KnowledgeBase
from tests.knowledge.search.fake_opensearch import FakeOpenSearch, backend_for, serve

FILTERS = SearchFilters(tenant_id="demo", category="footwear")


@pytest.fixture
def fake() -> Iterator[FakeOpenSearch]:
    yield from serve()


def test_the_backend_refuses_vector_mode_without_a_query_vector_as_invalid_input(
    fake: FakeOpenSearch,
) -> None:
    backend = backend_for(fake)
    try:
        with pytest.raises(InvalidInput) as refused:
            backend.search("running shoes", None, FILTERS, mode=SearchMode.VECTOR)
    finally:
        backend.close()

    assert status_for(refused.value) == 422
    assert fake.requests == []


def test_a_lexical_only_knowledge_base_on_opensearch_refuses_vector_mode_as_invalid_input(
    fake: FakeOpenSearch,
) -> None:
    knowledge = KnowledgeBase(backend=backend_for(fake, dimension=None), embedder=None)
    try:
        with pytest.raises(InvalidInput, match="embedding model") as refused:
            knowledge.search("running shoes", FILTERS, mode=SearchMode.VECTOR)
    finally:
        knowledge.close()

    assert refused.value.details == {"mode": "vector"}
    assert status_for(refused.value) == 422
    assert fake.requests == []
