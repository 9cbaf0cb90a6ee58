"""Index lifecycle through a real opensearch-py client against a recording fake cluster:
creating the versioned index and alias, bulk upserts and deletes, counts, and reindexing by alias swap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy
import pytest

from core.errors import InvalidInput
from knowledge.search.backend import SearchBackend
from knowledge.search.documents import DocType, KnowledgeDoc
from knowledge.search.opensearch.client import SearchBackendRejected
from knowledge.search.opensearch.mapping import hybrid_pipeline_body, knowledge_index_body
from tests.knowledge.search.fake_opensearch import (
    FakeOpenSearch,
    backend_for,
    bulk_answer,
    created,
    error_body,
    serve,
)

ALIASES = r"/t-knowledge-v\*/_alias"


@pytest.fixture
def fake() -> Iterator[FakeOpenSearch]:
    yield from serve()


def doc(doc_id: str, tenant_id: str = "sprintara") -> KnowledgeDoc:
    return KnowledgeDoc(
        id=doc_id,
        tenant_id=tenant_id,
        doc_type=DocType.ARTICLE,
        title=f"Guide {doc_id}",
        text="How to measure your foot at home",
        category="footwear",
        source="pakka curated",
    )


def aliased(*indices: str, current: str | None = None) -> tuple[int, dict[str, Any]]:
    """The answer of GET /{prefix}-knowledge-v*/_alias for these physical indices."""
    return 200, {name: {"aliases": {"t-knowledge": {}} if name == current else {}} for name in indices}


def test_the_backend_fulfils_the_search_backend_protocol(fake: FakeOpenSearch) -> None:
    backend = backend_for(fake)

    assert isinstance(backend, SearchBackend)
    assert backend.kind == "opensearch"
    assert backend.alias == "t-knowledge"


def test_ensure_index_creates_version_one_with_the_mapping_and_points_the_alias_at_it(
    fake: FakeOpenSearch,
) -> None:
    fake.on("GET", ALIASES, (200, {}))
    fake.on("PUT", "/t-knowledge-v1", (200, {"acknowledged": True, "index": "t-knowledge-v1"}))
    fake.on("POST", "/_aliases")

    assert backend_for(fake, replicas=0).ensure_index() == "t-knowledge-v1"

    [create] = fake.requests_to("PUT", "/t-knowledge-v1")
    assert create.json() == knowledge_index_body(2, replicas=0)
    [swap] = fake.requests_to("POST", "/_aliases")
    assert swap.json() == {"actions": [{"add": {"index": "t-knowledge-v1", "alias": "t-knowledge"}}]}


def test_ensure_index_leaves_an_existing_alias_alone(fake: FakeOpenSearch) -> None:
    fake.on("GET", ALIASES, aliased("t-knowledge-v4", current="t-knowledge-v4"))

    assert backend_for(fake).ensure_index() == "t-knowledge-v4"
    assert [r.method for r in fake.requests] == ["GET"]


def test_ensure_index_puts_the_normalization_pipeline_for_pipeline_hybrid(fake: FakeOpenSearch) -> None:
    fake.on("PUT", "/_search/pipeline/t-knowledge-hybrid")
    fake.on("GET", ALIASES, aliased("t-knowledge-v1", current="t-knowledge-v1"))

    backend_for(fake, hybrid="pipeline").ensure_index()

    [pipeline] = fake.requests_to("PUT", "/_search/pipeline/t-knowledge-hybrid")
    assert pipeline.json() == hybrid_pipeline_body()


def test_a_rejected_mapping_raises_a_clear_error_naming_opensearchs_reason(fake: FakeOpenSearch) -> None:
    reason = "No handler for type [knn_vector] declared on field [embedding]"
    fake.on("GET", ALIASES, (200, {}))
    fake.on("PUT", "/t-knowledge-v1", (400, error_body("mapper_parsing_exception", reason)))

    expected = r"rejected create index: mapper_parsing_exception: No handler"
    with pytest.raises(SearchBackendRejected, match=expected) as info:
        backend_for(fake).ensure_index()

    assert info.value.details == {
        "operation": "create index",
        "status": 400,
        "type": "mapper_parsing_exception",
        "reason": reason,
    }
    assert fake.requests_to("POST", "/_aliases") == []


def test_index_bulk_upserts_through_the_alias_with_vectors_and_the_refresh_policy(
    fake: FakeOpenSearch,
) -> None:
    fake.on("POST", "/_bulk", bulk_answer(created))
    docs = [doc("a"), doc("b", tenant_id="global")]
    vectors = numpy.array([[1.0, 0.0], [0.0, 1.0]], dtype=numpy.float32)

    assert backend_for(fake).index(docs, vectors) == 2

    [bulk] = fake.requests
    assert bulk.query == {"refresh": "wait_for"}
    action_a, source_a, action_b, source_b = bulk.ndjson()
    assert action_a == {"index": {"_index": "t-knowledge", "_id": "sprintara|a"}}
    assert action_b == {"index": {"_index": "t-knowledge", "_id": "global|b"}}
    assert source_a == {**docs[0].model_dump(mode="json"), "embedding": [1.0, 0.0]}
    assert source_b["embedding"] == [0.0, 1.0]


def test_index_without_vectors_sends_no_embedding(fake: FakeOpenSearch) -> None:
    fake.on("POST", "/_bulk", bulk_answer(created))

    assert backend_for(fake, refresh="false").index([doc("a")], None) == 1

    [bulk] = fake.requests
    assert bulk.query == {"refresh": "false"}
    assert "embedding" not in bulk.ndjson()[1]


def test_vectors_that_do_not_match_the_documents_are_refused_before_any_request(fake: FakeOpenSearch) -> None:
    wrong_rows = numpy.zeros((3, 2), dtype=numpy.float32)
    wrong_dimension = numpy.zeros((1, 5), dtype=numpy.float32)

    with pytest.raises(InvalidInput, match="one row per document"):
        backend_for(fake).index([doc("a")], wrong_rows)
    with pytest.raises(InvalidInput, match="one row per document"):
        backend_for(fake).index([doc("a")], wrong_dimension)
    assert fake.requests == []


def test_a_lexical_only_index_refuses_vectors(fake: FakeOpenSearch) -> None:
    with pytest.raises(InvalidInput, match="lexical-only"):
        backend_for(fake, dimension=None).index([doc("a")], numpy.zeros((1, 2), dtype=numpy.float32))


def test_a_document_the_mapping_rejects_fails_the_bulk_with_its_reason(fake: FakeOpenSearch) -> None:
    reason = "mapping set to strict, dynamic introduction of [colour] within [_doc] is not allowed"

    def reject_b(op: str, action: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if action["_id"] == "sprintara|b":
            return 400, {"error": {"type": "strict_dynamic_mapping_exception", "reason": reason}}
        return created(op, action)

    fake.on("POST", "/_bulk", bulk_answer(reject_b))

    with pytest.raises(SearchBackendRejected, match="strict_dynamic_mapping_exception") as info:
        backend_for(fake).index([doc("a"), doc("b")], None)

    assert info.value.details["reason"] == reason
    assert info.value.details["failed_items"] == 1


def test_items_rejected_for_a_full_write_queue_are_resent(fake: FakeOpenSearch) -> None:
    def queue_full(op: str, action: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 429, {"error": {"type": "rejected_execution_exception", "reason": "queue full"}}

    fake.on("POST", "/_bulk", bulk_answer(created))
    fake.on("POST", "/_bulk", bulk_answer(queue_full), times=1)

    assert backend_for(fake).index([doc("a"), doc("b")], None) == 2

    first, retry = fake.requests_to("POST", "/_bulk")
    assert len(first.ndjson()) == len(retry.ndjson()) == 4


def test_delete_counts_only_documents_that_existed(fake: FakeOpenSearch) -> None:
    def only_a_exists(op: str, action: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if action["_id"] == "sprintara|a":
            return 200, {"result": "deleted"}
        return 404, {"result": "not_found"}

    fake.on("POST", "/_bulk", bulk_answer(only_a_exists))

    assert backend_for(fake).delete("sprintara", ["a", "missing"]) == 1

    [bulk] = fake.requests
    assert bulk.ndjson() == [
        {"delete": {"_index": "t-knowledge", "_id": "sprintara|a"}},
        {"delete": {"_index": "t-knowledge", "_id": "sprintara|missing"}},
    ]


def test_count_asks_for_one_tenants_documents_or_all(fake: FakeOpenSearch) -> None:
    fake.on("POST", "/t-knowledge/_count", (200, {"count": 42, "_shards": {"total": 1}}))
    backend = backend_for(fake)

    assert backend.count("sprintara") == 42
    assert backend.count() == 42

    tenant, everything = fake.requests
    assert tenant.json() == {"query": {"term": {"tenant_id": "sprintara"}}}
    assert everything.json() == {"query": {"match_all": {}}}


def test_reindex_builds_the_next_version_swaps_the_alias_atomically_and_drops_old_versions(
    fake: FakeOpenSearch,
) -> None:
    fake.on("GET", ALIASES, aliased("t-knowledge-v1", "t-knowledge-v2", current="t-knowledge-v2"))
    fake.on("PUT", "/t-knowledge-v3")
    fake.on("POST", "/_bulk", bulk_answer(created))
    fake.on("POST", "/t-knowledge-v3/_refresh", (200, {"_shards": {"total": 1}}))
    fake.on("POST", "/_aliases")
    fake.on("DELETE", "/t-knowledge-v1,t-knowledge-v2")

    vectors = numpy.array([[0.6, 0.8]], dtype=numpy.float32)

    assert backend_for(fake).reindex([doc("a")], vectors) == "t-knowledge-v3"

    assert [(r.method, r.path) for r in fake.requests] == [
        ("GET", "/t-knowledge-v*/_alias"),
        ("PUT", "/t-knowledge-v3"),
        ("POST", "/_bulk"),
        ("POST", "/t-knowledge-v3/_refresh"),
        ("POST", "/_aliases"),
        ("DELETE", "/t-knowledge-v1,t-knowledge-v2"),
    ]
    bulk = fake.requests[2]
    assert bulk.query == {"refresh": "false"}
    assert bulk.ndjson()[0] == {"index": {"_index": "t-knowledge-v3", "_id": "sprintara|a"}}
    assert fake.requests[4].json() == {
        "actions": [
            {"remove": {"index": "t-knowledge-v2", "alias": "t-knowledge"}},
            {"add": {"index": "t-knowledge-v3", "alias": "t-knowledge"}},
        ]
    }


def test_a_failed_reindex_deletes_the_half_built_index_and_keeps_the_alias(fake: FakeOpenSearch) -> None:
    def reject(op: str, action: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 400, {"error": {"type": "mapper_parsing_exception", "reason": "failed to parse field [title]"}}

    fake.on("GET", ALIASES, aliased("t-knowledge-v1", current="t-knowledge-v1"))
    fake.on("PUT", "/t-knowledge-v2")
    fake.on("POST", "/_bulk", bulk_answer(reject))
    fake.on("DELETE", "/t-knowledge-v2")

    with pytest.raises(SearchBackendRejected, match="failed to parse field"):
        backend_for(fake).reindex([doc("a")], None)

    assert len(fake.requests_to("DELETE", "/t-knowledge-v2")) == 1
    assert fake.requests_to("POST", "/_aliases") == []
