"""The API's start-up sync: index only what the index lacks (curated knowledge, tenants' new products), from
either store backend, and stop between batches when asked."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

from core.catalog.demo import build_demo_catalog
from core.storage.repositories import Store
from knowledge.ingest import index_documents, product_doc_id, product_id_of, sync_knowledge_base
from knowledge.search.documents import GLOBAL_TENANT, DocType, KnowledgeDoc
from knowledge.search.embedded import EmbeddedSearchBackend

SHOP, OTHER = "shop", "other"
CURATED = [
    KnowledgeDoc(
        id=f"article:guide-{number}",
        doc_type=DocType.ARTICLE,
        title=f"Guide {number}",
        text="Measure your foot in the evening.",
        source="pakka curated",
    )
    for number in range(3)
]


def curated() -> list[KnowledgeDoc]:
    return CURATED


@pytest.fixture
def catalogs(store: Store) -> Store:
    store.products.put_many(build_demo_catalog(SHOP).products[:30])
    store.products.put_many(build_demo_catalog(OTHER).products[:5])
    return store


def test_an_empty_index_gets_the_curated_knowledge_and_every_catalog(
    catalogs: Store, backend: EmbeddedSearchBackend
) -> None:
    report = sync_knowledge_base(backend, None, catalogs, [SHOP, OTHER], curated)

    assert (report.curated, report.products, report.complete) == (3, {SHOP: 30, OTHER: 5}, True)
    assert (backend.count(GLOBAL_TENANT), backend.count(SHOP), backend.count(OTHER)) == (3, 30, 5)


def test_an_index_in_line_with_the_store_is_left_as_it_is(
    catalogs: Store, backend: EmbeddedSearchBackend
) -> None:
    sync_knowledge_base(backend, None, catalogs, [SHOP, OTHER], curated)

    again = sync_knowledge_base(backend, None, catalogs, [SHOP, OTHER], curated)

    assert (again.curated, again.products, again.complete) == (0, {}, True)


def test_a_tenant_with_products_added_since_is_indexed_again(
    catalogs: Store, backend: EmbeddedSearchBackend
) -> None:
    sync_knowledge_base(backend, None, catalogs, [SHOP, OTHER], curated)
    catalogs.products.put_many(build_demo_catalog(SHOP).products[30:32])

    report = sync_knowledge_base(backend, None, catalogs, [SHOP, OTHER], curated)

    assert (report.curated, report.products) == (0, {SHOP: 32})
    assert backend.count(SHOP) == 32


def test_new_curated_documents_are_indexed(catalogs: Store, backend: EmbeddedSearchBackend) -> None:
    sync_knowledge_base(backend, None, catalogs, [SHOP], lambda: CURATED[:2])

    report = sync_knowledge_base(backend, None, catalogs, [SHOP], curated)

    assert (report.curated, backend.count(GLOBAL_TENANT)) == (3, 3)


def test_documents_of_deleted_products_are_reported_not_reindexed(
    catalogs: Store, backend: EmbeddedSearchBackend, caplog: pytest.LogCaptureFixture
) -> None:
    sync_knowledge_base(backend, None, catalogs, [SHOP], curated)
    first = build_demo_catalog(SHOP).products[0]
    catalogs.products.delete(SHOP, first.id)

    with caplog.at_level(logging.INFO, logger="pakka.knowledge"):
        report = sync_knowledge_base(backend, None, catalogs, [SHOP], curated)

    assert report.products == {}
    assert "1 product documents of the index are no longer in the store" in caplog.text


def test_a_stop_set_before_the_sync_indexes_nothing(catalogs: Store, backend: EmbeddedSearchBackend) -> None:
    stop = threading.Event()
    stop.set()

    report = sync_knowledge_base(backend, None, catalogs, [SHOP], curated, stop=stop)

    assert (report.curated, report.products, report.complete) == (0, {SHOP: 0}, False)
    assert backend.count() == 0


def test_indexing_ends_at_the_next_batch_boundary_once_stopped(backend: EmbeddedSearchBackend) -> None:
    stop = threading.Event()

    def documents() -> Iterator[KnowledgeDoc]:
        for number, doc in enumerate(CURATED):
            if number == 2:
                stop.set()  # the first batch of two is indexed; the third document is not
            yield doc

    assert index_documents(backend, None, documents(), batch=2, stop=stop) == 2
    assert backend.count() == 2


def test_a_product_document_id_leads_back_to_the_product() -> None:
    doc = KnowledgeDoc(
        id=product_doc_id("sh:run-1"),
        tenant_id=SHOP,
        doc_type=DocType.PRODUCT,
        title="Run",
        text="",
        source="catalog",
    )

    assert product_id_of(doc) == "sh:run-1"
