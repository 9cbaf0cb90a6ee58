"""The API opens the knowledge base at start-up, in the background: curated knowledge and every tenant's
catalog are indexed when the index lacks them (first start, products imported since), and the index is
closed on shutdown. Product search uses the store until the index is ready.

Most tests index lexically (PAKKA_EMBEDDING_MODEL=none) so that indexing the 300-product demo catalog
stays fast; the shutdown test runs the bundled embedder to show a long sync is stopped between batches.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.catalog.flipkart import import_flipkart
from core.errors import StoreUnavailable
from core.schemas import ProductQuery
from core.settings import Settings
from core.storage.factory import open_store
from graphs.services import Services
from knowledge.documents import curated_documents
from knowledge.ingest import embedding_text, product_document
from knowledge.search.documents import GLOBAL_TENANT
from knowledge.search.service import KnowledgeBase
from tests.api.test_cli_commands import write_flipkart_csv
from tools.commerce.product_search import search_catalog

# The start-up sync reads the store through the same repositories on every backend (tests/knowledge covers
# ingestion from both); seeding the demo catalog into moto takes minutes, as in test_app_lifespan.py.
pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)

LOADING_LIMIT_S = 300
"""How long a test waits for the background sync before failing: a hang guard, not a speed check."""
DEMO_PRODUCTS = 300


def services_of(client: TestClient) -> Services:
    services: Services = client.app.state.services
    return services


def wait_until_loaded(client: TestClient) -> Services:
    assert client.app.state.services.knowledge_loaded.wait(LOADING_LIMIT_S), (
        "the knowledge base never finished"
    )
    return services_of(client)


def lexical(settings: Settings, **overrides: Any) -> Settings:
    return settings.model_copy(update={"embedding_model": "none", **overrides})


def test_the_first_start_indexes_the_curated_knowledge_and_the_seeded_demo_catalog(
    settings: Settings,
) -> None:
    with TestClient(create_app(lexical(settings, seed_demo_data=True))) as client:
        services = wait_until_loaded(client)
        knowledge = services.knowledge

        assert isinstance(knowledge, KnowledgeBase)
        assert knowledge.backend.count("demo") == services.store.products.count("demo") == DEMO_PRODUCTS
        assert knowledge.backend.count(GLOBAL_TENANT) == len(curated_documents())
        assert settings.kb_sqlite_file.is_file()


def test_once_loaded_product_search_ranks_with_the_index(settings: Settings) -> None:
    """The index matches any query word; the store's search needs every word, so it finds nothing here."""
    query = ProductQuery(text="running qwertyuiop", page_size=5)
    with TestClient(create_app(lexical(settings, seed_demo_data=True))) as client:
        services = wait_until_loaded(client)

        ranked = search_catalog(services, "demo", query)

        assert services.store.products.search("demo", query).total == 0
        assert ranked.total > 0
        assert all("run" in embedding_text(product_document(p)).lower() for p in ranked.items)


def test_a_restart_indexes_products_imported_since_and_leaves_the_rest(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(lexical(settings, seed_demo_data=True))) as client:
        wait_until_loaded(client)
    store = open_store(settings)  # what `pakka catalog import FILE --format flipkart` runs, app stopped
    try:
        assert import_flipkart(store, write_flipkart_csv(tmp_path / "flipkart.csv"), "demo").imported == 3
    finally:
        store.close()

    caplog.clear()
    restarted = create_app(lexical(settings))
    with caplog.at_level(logging.INFO, logger="pakka.services"), TestClient(restarted) as client:
        services = wait_until_loaded(client)
        knowledge = services.knowledge
        assert knowledge is not None

        assert knowledge.backend.count("demo") == services.store.products.count("demo") == DEMO_PRODUCTS + 3
        best = search_catalog(services, "demo", ProductQuery(text="sofa bed")).items[0]
        assert best.name == "FabHomeDecor Fabric Double Sofa Bed"
    [ready] = [r for r in caplog.records if r.getMessage() == "knowledge base ready"]
    assert (ready.curated_indexed, ready.products_indexed) == (0, {"demo": DEMO_PRODUCTS + 3})


def test_with_no_tenant_in_the_store_no_knowledge_base_is_opened(settings: Settings) -> None:
    with TestClient(create_app(lexical(settings))) as client:
        services = wait_until_loaded(client)

        assert services.knowledge is None
        assert not settings.kb_sqlite_file.exists()


def test_shutdown_closes_the_knowledge_base(settings: Settings) -> None:
    with TestClient(create_app(lexical(settings, seed_demo_data=True))) as client:
        knowledge = wait_until_loaded(client).knowledge
        assert knowledge is not None

    with pytest.raises(StoreUnavailable):
        knowledge.backend.count()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_index_leaves_the_api_serving_from_the_store(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = lexical(settings, seed_demo_data=True, opensearch_url=f"http://127.0.0.1:{closed_port()}")
    with (
        caplog.at_level(logging.ERROR, logger="pakka.services"),
        TestClient(create_app(unreachable)) as client,
    ):
        services = wait_until_loaded(client)
        page = client.get("/v1/products", params={"q": "running shoes", "page_size": 1})

        assert services.knowledge is None
        assert page.status_code == 200
        assert page.json()["total"] > 0
    assert "knowledge base unavailable" in caplog.text


def test_shutdown_stops_a_long_first_build_between_batches(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """The first build embeds 600-odd documents (tens of seconds); the app is stopped right after start."""
    embedded = settings.model_copy(update={"seed_demo_data": True, "embedding_model": "local"})
    with caplog.at_level(logging.INFO, logger="pakka.services"), TestClient(create_app(embedded)) as client:
        loaded = client.app.state.services.knowledge_loaded
        services = services_of(client)

    assert loaded.is_set()
    assert services.knowledge is None
    assert "knowledge base sync stopped at shutdown" in caplog.text
