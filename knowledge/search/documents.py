"""Records exchanged between ingestion, search backends and the retrieval tool.

A `KnowledgeDoc` is one indexed chunk. Its `id` is the stable source id quoted in citations, so it must
not change between builds. Curated knowledge lives under `GLOBAL_TENANT` and is visible to every tenant;
a tenant's own documents (its catalog) are visible only to that tenant.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

GLOBAL_TENANT = "global"


class DocType(StrEnum):
    PRODUCT = "product"
    SIZE_CHART = "size_chart"
    INGREDIENT = "ingredient"
    ARTICLE = "article"
    REGION = "region"
    FIT_RULE = "fit_rule"


class KnowledgeDoc(BaseModel):
    id: str = Field(min_length=1, max_length=256)
    tenant_id: str = GLOBAL_TENANT
    doc_type: DocType
    title: str
    text: str
    category: str | None = None
    brand: str | None = None
    source: str
    metadata: dict[str, Any] = Field(default_factory=dict)


class SearchFilters(BaseModel):
    """Restricts a search to the tenant's own documents plus global ones, optionally narrowed further."""

    tenant_id: str
    category: str | None = None
    brand: str | None = None
    doc_types: list[DocType] | None = None


class SearchMode(StrEnum):
    LEXICAL = "lexical"
    VECTOR = "vector"
    HYBRID = "hybrid"


class SearchHit(BaseModel):
    """One result; the ranks say which retriever found it (1-based, None when that side missed it)."""

    doc: KnowledgeDoc
    score: float
    lexical_rank: int | None = None
    vector_rank: int | None = None
