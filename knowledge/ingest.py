"""Fill a search backend: the curated knowledge (global) and each tenant's catalog as PRODUCT documents."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from core.schemas import Product, ProductQuery
from core.storage.repositories import Store
from knowledge.embeddings import Embedder
from knowledge.search.backend import SearchBackend
from knowledge.search.documents import DocType, KnowledgeDoc

INDEX_BATCH = 256
STORE_PAGE_SIZE = 100


def product_doc_id(product_id: str) -> str:
    return f"product:{product_id}"


def product_document(product: Product) -> KnowledgeDoc:
    """A catalog product as a searchable document: the name as title; brand, type, description, attributes
    and ingredients as text."""
    attributes = "; ".join(f"{name}: {value}" for name, value in sorted(product.attributes.items()))
    parts = [
        f"{product.brand} {product.subcategory or product.category}".strip(),
        product.description.strip().rstrip("."),
        attributes,
        ", ".join(product.ingredients),
    ]
    return KnowledgeDoc(
        id=product_doc_id(product.id),
        tenant_id=product.tenant_id,
        doc_type=DocType.PRODUCT,
        title=product.name,
        text=". ".join(part for part in parts if part),
        category=product.category,
        brand=product.brand or None,
        source="catalog",
        metadata={
            "product_id": product.id,
            "price_inr": float(product.price_inr),
            "sizes": list(product.sizes),
            "rating": product.rating,
        },
    )


def embedding_text(doc: KnowledgeDoc) -> str:
    return f"{doc.title}\n{doc.text}"


def index_documents(
    backend: SearchBackend,
    embedder: Embedder | None,
    docs: Iterable[KnowledgeDoc],
    *,
    batch: int = INDEX_BATCH,
) -> int:
    """Embed (unless lexical-only) and upsert `docs` in batches; returns how many were indexed."""
    indexed = 0
    pending: list[KnowledgeDoc] = []
    for doc in docs:
        pending.append(doc)
        if len(pending) == batch:
            indexed += _index_batch(backend, embedder, pending)
            pending = []
    if pending:
        indexed += _index_batch(backend, embedder, pending)
    return indexed


def _index_batch(backend: SearchBackend, embedder: Embedder | None, docs: Sequence[KnowledgeDoc]) -> int:
    vectors = embedder.embed([embedding_text(doc) for doc in docs]) if embedder is not None else None
    return backend.index(docs, vectors)


def tenant_products(store: Store, tenant_id: str) -> Iterator[Product]:
    """Every product of the tenant, page by page."""
    page = 1
    while True:
        result = store.products.search(tenant_id, ProductQuery(page=page, page_size=STORE_PAGE_SIZE))
        yield from result.items
        if page * STORE_PAGE_SIZE >= result.total or not result.items:
            return
        page += 1


@dataclass
class BuildReport:
    """What one knowledge-base build indexed, and how long it took."""

    curated: int = 0
    products: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    embedder: str | None = None


def ingest_tenant_products(
    backend: SearchBackend, embedder: Embedder | None, store: Store, tenant_id: str
) -> int:
    """Index (upsert) every product the tenant has in the store."""
    return index_documents(
        backend, embedder, (product_document(p) for p in tenant_products(store, tenant_id))
    )


def build_knowledge_base(
    backend: SearchBackend,
    embedder: Embedder | None,
    store: Store,
    tenant_ids: Sequence[str],
    curated: Iterable[KnowledgeDoc],
) -> BuildReport:
    """`curated` (knowledge.documents.curated_documents(), global) plus the catalogs of `tenant_ids`.

    Safe to re-run: every write is an upsert.
    """
    started = time.perf_counter()
    report = BuildReport(embedder=embedder.name if embedder is not None else None)
    report.curated = index_documents(backend, embedder, curated)
    for tenant_id in tenant_ids:
        report.products[tenant_id] = ingest_tenant_products(backend, embedder, store, tenant_id)
    report.seconds = time.perf_counter() - started
    return report
