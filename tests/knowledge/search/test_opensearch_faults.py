"""How cluster faults reach callers: unreachable or failing clusters are `StoreUnavailable` (a 503 to the
API, after the transport's own retries); requests the cluster refuses are `SearchBackendRejected`."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import numpy
import pytest

from core.errors import StoreUnavailable
from knowledge.search.documents import SearchFilters, SearchMode
from knowledge.search.opensearch.backend import OpenSearchBackend
from knowledge.search.opensearch.client import SearchBackendRejected, open_client
from tests.knowledge.search.fake_opensearch import FakeOpenSearch, backend_for, error_body, serve

FILTERS = SearchFilters(tenant_id="sprintara")


@pytest.fixture
def fake() -> Iterator[FakeOpenSearch]:
    yield from serve()


def closed_port_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_an_unreachable_cluster_is_store_unavailable() -> None:
    client = open_client(closed_port_url(), timeout_s=2, max_retries=1)
    backend = OpenSearchBackend(client, index_prefix="t", dimension=2)

    with pytest.raises(StoreUnavailable, match="cannot reach the cluster") as info:
        backend.count()

    assert info.value.details == {"operation": "count"}


def test_a_503_is_retried_by_the_transport_then_reported_as_store_unavailable(fake: FakeOpenSearch) -> None:
    no_master = error_body("cluster_block_exception", "no master", status=503)
    fake.on("POST", "/t-knowledge/_search", (503, no_master))

    with pytest.raises(StoreUnavailable, match="503 cluster_block_exception") as info:
        backend_for(fake).search("measure", None, FILTERS, mode=SearchMode.LEXICAL)

    assert info.value.details["reason"] == "no master"
    assert len(fake.requests) == 3


def test_a_transient_503_heals_within_the_transports_retries(fake: FakeOpenSearch) -> None:
    fake.on("POST", "/t-knowledge/_count", (200, {"count": 5}))
    fake.on("POST", "/t-knowledge/_count", (503, error_body("unavailable", "busy", status=503)), times=1)

    assert backend_for(fake).count() == 5
    assert len(fake.requests) == 2


def test_an_internal_server_error_is_store_unavailable_without_retrying(fake: FakeOpenSearch) -> None:
    fake.on("POST", "/t-knowledge/_count", (500, error_body("null_pointer_exception", "boom", status=500)))

    with pytest.raises(StoreUnavailable, match="500"):
        backend_for(fake).count()
    assert len(fake.requests) == 1


def test_a_missing_index_is_store_unavailable_not_bad_input(fake: FakeOpenSearch) -> None:
    missing = error_body("index_not_found_exception", "no such index [t-knowledge]", status=404)
    fake.on("POST", "/t-knowledge/_count", (404, missing))

    with pytest.raises(StoreUnavailable, match="index_not_found_exception"):
        backend_for(fake).count()


def test_a_rejected_query_is_search_backend_rejected_and_not_retried(fake: FakeOpenSearch) -> None:
    reason = "[knn] requires k-NN plugin"
    fake.on("POST", "/t-knowledge/_search", (400, error_body("parsing_exception", reason)))

    with pytest.raises(SearchBackendRejected, match=r"parsing_exception: \[knn\] requires") as info:
        backend_for(fake).search("", numpy.array([1.0, 0.0]), FILTERS, mode=SearchMode.VECTOR)

    assert info.value.code == "SEARCH_BACKEND_REJECTED"
    assert len(fake.requests) == 1
