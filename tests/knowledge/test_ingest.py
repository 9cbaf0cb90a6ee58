"""Ingestion: curated documents and each tenant's catalog (from either store backend) into a search index."""

from __future__ import annotations

from decimal import Decimal

from core.catalog.demo import build_demo_catalog
from core.schemas import Product
from core.storage.repositories import Store
from knowledge.embeddings import MiniLMEmbedder
from knowledge.ingest import build_knowledge_base, index_documents, product_document, tenant_products
from knowledge.search.documents import GLOBAL_TENANT, DocType, KnowledgeDoc, SearchFilters, SearchMode
from knowledge.search.embedded import EmbeddedSearchBackend

TENANT = "demo"
CURATED = [
    KnowledgeDoc(
        id="article:how-to-measure-foot",
        doc_type=DocType.ARTICLE,
        title="How to measure your foot",
        text="Stand on a sheet of paper and mark the heel and the longest toe.",
        category="footwear",
        source="pakka curated",
    ),
    KnowledgeDoc(
        id="ingredient:niacinamide",
        doc_type=DocType.INGREDIENT,
        title="Niacinamide",
        text="Vitamin B3. Calms redness; suits oily skin.",
        category="skincare",
        source="pakka curated",
    ),
]


def test_a_product_becomes_a_tenant_document_citing_its_product_id() -> None:
    product = Product(
        id="sk-9",
        tenant_id="shop",
        name="Calm Gel Moisturiser",
        brand="Dermafolk",
        category="Skincare",
        subcategory="Moisturiser",
        description="Oil-free gel.",
        price_inr=Decimal("549.50"),
        sizes=["50 ml"],
        attributes={"skin_type": "oily"},
        ingredients=["Aqua", "Niacinamide"],
        rating=4.1,
    )

    doc = product_document(product)

    assert (doc.id, doc.tenant_id, doc.doc_type, doc.source) == (
        "product:sk-9",
        "shop",
        DocType.PRODUCT,
        "catalog",
    )
    assert (doc.title, doc.category, doc.brand) == ("Calm Gel Moisturiser", "skincare", "Dermafolk")
    assert doc.text == "Dermafolk Moisturiser. Oil-free gel. skin_type: oily. Aqua, Niacinamide"
    assert doc.metadata == {"product_id": "sk-9", "price_inr": 549.5, "sizes": ["50 ml"], "rating": 4.1}


def test_a_product_without_a_brand_has_no_brand_filter_value() -> None:
    product = Product(
        id="hm-1", tenant_id="shop", name="Cotton Towel", category="home", price_inr=Decimal("299")
    )

    assert product_document(product).brand is None


def test_every_product_of_a_tenant_is_read_across_store_pages(store: Store) -> None:
    catalog = build_demo_catalog(TENANT)
    store.products.put_many(catalog.products)
    store.products.put_many(build_demo_catalog("other").products[:3])

    products = list(tenant_products(store, TENANT))

    assert len(products) == len(catalog.products) > 100
    assert {p.id for p in products} == {p.id for p in catalog.products}


def test_a_build_indexes_curated_knowledge_globally_and_each_catalog_under_its_tenant(
    store: Store, backend: EmbeddedSearchBackend
) -> None:
    store.products.put_many(build_demo_catalog(TENANT).products[:40])
    store.products.put_many(build_demo_catalog("other").products[:5])

    report = build_knowledge_base(backend, None, store, [TENANT, "other"], CURATED)

    assert (report.curated, report.products, report.embedder) == (2, {TENANT: 40, "other": 5}, None)
    assert (backend.count(GLOBAL_TENANT), backend.count(TENANT), backend.count("other")) == (2, 40, 5)


def test_rebuilding_updates_documents_in_place(store: Store, backend: EmbeddedSearchBackend) -> None:
    products = build_demo_catalog(TENANT).products[:10]
    store.products.put_many(products)
    build_knowledge_base(backend, None, store, [TENANT], CURATED)
    store.products.put(products[0].model_copy(update={"name": "Renamed Trail Sandal"}))

    build_knowledge_base(backend, None, store, [TENANT], CURATED)

    assert backend.count() == 12
    hits = backend.search("renamed sandal", None, SearchFilters(tenant_id=TENANT), mode=SearchMode.LEXICAL)
    assert hits[0].doc.id == f"product:{products[0].id}"


def test_indexing_with_an_embedder_makes_documents_findable_by_meaning(
    backend: EmbeddedSearchBackend, minilm: MiniLMEmbedder
) -> None:
    assert index_documents(backend, minilm, CURATED, batch=1) == 2

    query = "serum ingredient for reducing skin redness"
    hits = backend.search(
        query, minilm.embed([query])[0], SearchFilters(tenant_id=TENANT), mode=SearchMode.VECTOR
    )

    assert backend.dim == minilm.dim
    assert hits[0].doc.id == "ingredient:niacinamide"
