"""open_search_backend and KnowledgeBase: the backends settings name, opened once and passed down."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.settings import Settings
from knowledge.search.documents import DocType, KnowledgeDoc, SearchFilters, SearchMode
from knowledge.search.embedded import EmbeddedSearchBackend
from knowledge.search.factory import open_search_backend
from knowledge.search.service import KnowledgeBase


def test_without_an_opensearch_url_the_embedded_backend_opens_the_knowledge_file(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)

    backend = open_search_backend(settings)
    try:
        assert isinstance(backend, EmbeddedSearchBackend)
        assert settings.kb_sqlite_file == tmp_path / "data" / "knowledge.db"
        assert settings.kb_sqlite_file.is_file()
    finally:
        backend.close()


def test_a_lexical_only_knowledge_base_answers_hybrid_queries_and_refuses_vector_ones(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, embedding_model="none", _env_file=None)
    knowledge = KnowledgeBase.open(settings)
    doc = KnowledgeDoc(
        id="article:care",
        doc_type=DocType.ARTICLE,
        title="Suede care",
        text="Brush suede dry.",
        source="pakka curated",
    )
    try:
        knowledge.backend.index([doc], None)

        assert knowledge.embedder is None
        assert [hit.doc.id for hit in knowledge.search("suede", SearchFilters(tenant_id="demo"))] == [
            "article:care"
        ]
        with pytest.raises(InvalidInput, match="embedding model"):
            knowledge.search("suede", SearchFilters(tenant_id="demo"), mode=SearchMode.VECTOR)
    finally:
        knowledge.close()
