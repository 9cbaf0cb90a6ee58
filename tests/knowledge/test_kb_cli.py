"""`pakka kb`: building the index from the configured store and searching it, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.catalog.demo import seed_demo_data
from core.settings import Settings
from core.storage.factory import open_store
from knowledge.kb_cli import kb_app

TENANT = "demo"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings the CLI will read from the environment, with the demo catalog in a SQLite store."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAKKA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PAKKA_DEFAULT_TENANT", TENANT)
    monkeypatch.setenv("PAKKA_LOG_JSON", "false")
    configured = Settings()
    store = open_store(configured)
    try:
        seed_demo_data(store, TENANT)
    finally:
        store.close()
    return configured


def run(*args: str) -> str:
    result = CliRunner().invoke(kb_app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_search_prints_json_hits_with_citable_ids(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAKKA_EMBEDDING_MODEL", "none")
    run("build")

    hits = json.loads(
        run("search", "sprintara running shoes", "--category", "footwear", "--json", "--k", "3")
    )

    assert len(hits) == 3
    assert all(hit["doc"]["category"] == "footwear" for hit in hits)
    assert hits[0]["doc"]["id"].startswith("product:fw-") and hits[0]["doc"]["brand"] == "Sprintara"
    assert hits[0]["lexical_rank"] == 1 and hits[0]["vector_rank"] is None


def test_build_embeds_curated_knowledge_and_the_catalog_for_hybrid_search(settings: Settings) -> None:
    """One test for both: embedding ~600 documents with the bundled model is the slow part."""
    from knowledge.documents import curated_documents

    output = run("build")
    hits = json.loads(run("search", "moisturiser for oily skin", "--type", "product", "--json"))

    assert (
        f"indexed {len(list(curated_documents()))} curated documents (embeddings: all-MiniLM-L6-v2)" in output
    )
    assert "indexed 300 products of tenant demo" in output
    assert settings.kb_sqlite_file.is_file()
    assert hits and all(hit["doc"]["doc_type"] == "product" for hit in hits)
    assert any(hit["vector_rank"] is not None for hit in hits)
    assert hits[0]["doc"]["category"] == "skincare"


def test_search_prints_a_table_of_source_ids(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAKKA_EMBEDDING_MODEL", "none")
    run("build")

    output = run("search", "sprintara", "--mode", "lexical", "--k", "2")

    assert "product:fw-" in output and "source id" in output


def test_vector_search_without_an_embedding_model_is_a_usage_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAKKA_EMBEDDING_MODEL", "none")

    result = CliRunner().invoke(kb_app, ["search", "shoes", "--mode", "vector"])

    assert result.exit_code == 2
    assert "needs an embedding model" in result.output


def add_tenant_with_products(settings: Settings, tenant_id: str, count: int) -> None:
    from decimal import Decimal

    from core.schemas import Product, Tenant

    store = open_store(settings)
    try:
        store.tenants.put(Tenant(id=tenant_id, name=tenant_id))
        store.products.put_many(
            Product(
                id=f"p{number}",
                tenant_id=tenant_id,
                name=f"Chappal {number}",
                category="footwear",
                price_inr=Decimal(499),
            )
            for number in range(count)
        )
    finally:
        store.close()


def test_build_indexes_every_tenant_in_the_store(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAKKA_EMBEDDING_MODEL", "none")
    add_tenant_with_products(settings, "shop", 3)

    report = json.loads(run("build", "--json"))

    assert report["products"] == {"demo": 300, "shop": 3}
    assert report["curated"] > 0


def test_search_on_a_never_built_index_builds_it_first_and_says_so(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAKKA_EMBEDDING_MODEL", "none")

    result = CliRunner().invoke(kb_app, ["search", "sprintara", "--json", "--k", "2"])

    assert result.exit_code == 0, result.output
    assert "lacks the curated knowledge (never built)" in result.stderr
    assert "indexing it now" in result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 2 and hits[0]["doc"]["brand"] == "Sprintara"


def test_search_with_no_build_on_a_never_built_index_says_what_to_run(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAKKA_EMBEDDING_MODEL", "none")

    result = CliRunner().invoke(kb_app, ["search", "sprintara", "--no-build"])

    assert result.exit_code == 1
    assert "error: the knowledge index" in result.stderr
    assert "run `pakka kb build`" in result.stderr
    assert result.stdout == ""


def test_search_indexes_products_imported_since_the_last_build(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAKKA_EMBEDDING_MODEL", "none")
    run("build")
    add_tenant_with_products(settings, "shop", 2)

    result = CliRunner().invoke(
        kb_app, ["search", "chappal", "--tenant", "shop", "--type", "product", "--json"]
    )

    assert result.exit_code == 0, result.output
    assert "2 of shop's 2 products" in result.stderr or "2 of tenant shop's 2 products" in result.stderr
    assert {hit["doc"]["id"] for hit in json.loads(result.stdout)} == {"product:p0", "product:p1"}
