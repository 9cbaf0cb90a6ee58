"""Fixtures shared by the knowledge tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.search.embedded import EmbeddedSearchBackend


@pytest.fixture
def knowledge_db(tmp_path: Path) -> Path:
    """Where the test's embedded index keeps its SQLite file."""
    return tmp_path / "knowledge.db"


@pytest.fixture
def backend(knowledge_db: Path) -> Iterator[EmbeddedSearchBackend]:
    """An empty embedded index in a fresh SQLite file."""
    opened = EmbeddedSearchBackend(knowledge_db)
    try:
        yield opened
    finally:
        opened.close()
