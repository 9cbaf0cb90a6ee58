"""Request bodies for the knowledge index, and the reading of OpenSearch's answers. Pure functions.

Every query applies the same filters inside each sub-query (the bool `filter` of the lexical query and
the k-NN `filter`), so the k nearest neighbours are chosen among documents the tenant may see rather than
filtered away after the fact.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy

from knowledge.search.documents import GLOBAL_TENANT, KnowledgeDoc, SearchFilters
from knowledge.search.opensearch.mapping import LEXICAL_FIELDS, VECTOR_FIELD

SOURCE_WITHOUT_VECTOR = {"excludes": [VECTOR_FIELD]}


def document_id(tenant_id: str, doc_id: str) -> str:
    """The OpenSearch `_id`: source ids are unique per tenant, so the tenant is part of the key."""
    return f"{tenant_id}|{doc_id}"


def visible_tenants(tenant_id: str) -> list[str]:
    """A tenant sees its own documents and the curated global ones."""
    return [GLOBAL_TENANT] if tenant_id == GLOBAL_TENANT else [tenant_id, GLOBAL_TENANT]


def filter_clauses(filters: SearchFilters) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = [{"terms": {"tenant_id": visible_tenants(filters.tenant_id)}}]
    if filters.category is not None:
        clauses.append({"term": {"category": filters.category}})
    if filters.brand is not None:
        clauses.append({"term": {"brand": filters.brand}})
    if filters.doc_types is not None:
        clauses.append({"terms": {"doc_type": [str(doc_type) for doc_type in filters.doc_types]}})
    return clauses


def lexical_clause(query: str, filters: SearchFilters) -> dict[str, Any]:
    """BM25 over title (boosted) and text, restricted by the filters."""
    return {
        "bool": {
            "must": [
                {"multi_match": {"query": query, "fields": list(LEXICAL_FIELDS), "type": "best_fields"}}
            ],
            "filter": filter_clauses(filters),
        }
    }


def knn_clause(vector: numpy.ndarray, filters: SearchFilters, k: int) -> dict[str, Any]:
    """Approximate k-NN with efficient filtering (lucene, or faiss since 2.9)."""
    return {
        "knn": {
            VECTOR_FIELD: {
                "vector": vector_values(vector),
                "k": k,
                "filter": {"bool": {"filter": filter_clauses(filters)}},
            }
        }
    }


def vector_values(vector: numpy.ndarray) -> list[float]:
    values: list[float] = numpy.asarray(vector, dtype=numpy.float32).ravel().tolist()
    return values


def lexical_search_body(query: str, filters: SearchFilters, size: int) -> dict[str, Any]:
    return {"size": size, "_source": SOURCE_WITHOUT_VECTOR, "query": lexical_clause(query, filters)}


def knn_search_body(vector: numpy.ndarray, filters: SearchFilters, size: int) -> dict[str, Any]:
    return {"size": size, "_source": SOURCE_WITHOUT_VECTOR, "query": knn_clause(vector, filters, size)}


def hybrid_search_body(
    query: str, vector: numpy.ndarray, filters: SearchFilters, size: int, candidates: int
) -> dict[str, Any]:
    """The neural-search `hybrid` query; scores are combined by the search pipeline named in the request."""
    return {
        "size": size,
        "_source": SOURCE_WITHOUT_VECTOR,
        "query": {
            "hybrid": {
                "queries": [lexical_clause(query, filters), knn_clause(vector, filters, candidates)],
            }
        },
    }


def msearch_body(index: str, bodies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Several searches in one round trip (the client-side fusion path sends BM25 and k-NN together)."""
    lines: list[dict[str, Any]] = []
    for body in bodies:
        lines.extend(({"index": index}, body))
    return lines


def count_body(tenant_id: str | None) -> dict[str, Any]:
    """Counts one tenant's own documents (not the global ones it can also see), or all documents."""
    if tenant_id is None:
        return {"query": {"match_all": {}}}
    return {"query": {"term": {"tenant_id": tenant_id}}}


def index_actions(
    index: str, docs: Sequence[KnowledgeDoc], vectors: numpy.ndarray | None
) -> Iterator[dict[str, Any]]:
    """Bulk `index` actions (upserts by `_id`); a document without a vector is searchable lexically only."""
    for row, doc in enumerate(docs):
        source = doc.model_dump(mode="json")
        if vectors is not None:
            source[VECTOR_FIELD] = vector_values(vectors[row])
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": document_id(doc.tenant_id, doc.id),
            "_source": source,
        }


def delete_actions(index: str, tenant_id: str, ids: Sequence[str]) -> Iterator[dict[str, Any]]:
    for doc_id in ids:
        yield {"_op_type": "delete", "_index": index, "_id": document_id(tenant_id, doc_id)}


def response_hits(response: dict[str, Any]) -> list[tuple[str, KnowledgeDoc, float]]:
    """(`_id`, document, score) for each hit, in the order OpenSearch ranked them."""
    return [
        (str(hit["_id"]), KnowledgeDoc.model_validate(hit["_source"]), float(hit.get("_score") or 0.0))
        for hit in response["hits"]["hits"]
    ]


def cosine_from_knn_score(score: float, space_type: str) -> float:
    """Undo OpenSearch's k-NN score transform so vector-mode scores read as cosine similarity.

    cosinesimil scores are (1 + cos) / 2; innerproduct scores are 1 + ip for ip >= 0, else 1 / (1 - ip).
    """
    if space_type == "cosinesimil":
        return 2.0 * score - 1.0
    if space_type == "innerproduct":
        return score - 1.0 if score >= 1.0 else 1.0 - 1.0 / score
    raise ValueError(f"no cosine conversion for space type {space_type!r}")
