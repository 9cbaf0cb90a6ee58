"""Services.load_knowledge: the knowledge base opened from settings and synced with the store, on every
store backend (a lexical-only index, so no model runs; tests/api/test_knowledge_startup.py covers the API)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from core.catalog.demo import build_demo_catalog
from core.errors import StoreUnavailable
from core.schemas import Tenant
from core.settings import Settings
from graphs.services import Services
from knowledge.documents import curated_documents
from knowledge.search.documents import GLOBAL_TENANT

TENANT = "acme"
PRODUCTS = 12


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    opened = Services.open(settings.model_copy(update={"embedding_model": "none"}))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def shop(services: Services) -> Services:
    services.store.products.put_many(build_demo_catalog(TENANT).products[:PRODUCTS])
    services.store.tenants.put(Tenant(id=TENANT, name="Acme Retail"))
    return services


def test_loading_indexes_curated_knowledge_and_each_tenants_catalog_then_attaches_the_index(
    shop: Services,
) -> None:
    report = shop.load_knowledge(threading.Event())

    assert report is not None and report.complete
    assert (report.curated, report.products) == (len(curated_documents()), {TENANT: PRODUCTS})
    assert shop.knowledge is not None
    assert shop.knowledge.backend.count(TENANT) == PRODUCTS
    assert shop.knowledge.backend.count(GLOBAL_TENANT) == report.curated


def test_closing_the_services_closes_the_attached_index(settings: Settings) -> None:
    services = Services.open(settings.model_copy(update={"embedding_model": "none"}))
    services.store.tenants.put(Tenant(id=TENANT, name="Acme Retail"))
    services.load_knowledge(threading.Event())
    knowledge = services.knowledge
    assert knowledge is not None

    services.close()

    with pytest.raises(StoreUnavailable):
        knowledge.backend.count()


def test_with_no_tenant_nothing_is_opened(services: Services) -> None:
    assert services.load_knowledge(threading.Event()) is None
    assert services.knowledge is None
    assert not services.settings.kb_sqlite_file.exists()


def test_a_stop_set_before_loading_leaves_no_index_open(shop: Services) -> None:
    stop = threading.Event()
    stop.set()

    report = shop.load_knowledge(stop)

    assert report is not None and not report.complete
    assert shop.knowledge is None
    assert not shop.settings.kb_sqlite_file.exists()
