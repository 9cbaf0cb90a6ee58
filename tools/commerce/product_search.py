"""Catalog search: ranked by the knowledge base's hybrid search, checked against the store.

The knowledge base ranks the tenant's product documents (BM25 and embeddings fused, `knowledge.search`);
the products are then read from the store, so names, prices, sizes and stock are always the store's, and
the structured filters are applied to them exactly as `ProductRepository.search` applies them. A product
found only by meaning (not by any query word) counts as a match only among the nearest
`MEANING_ONLY_RANKS`, so a query does not pull in the whole catalog.

Without a knowledge base (not opened, or still being built at start-up), without any query word, or when
the knowledge base fails, the store's own full-text search answers, and the log says which and why.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from core.schemas import Product, ProductPage, ProductQuery
from knowledge.ingest import product_id_of
from knowledge.search.documents import DocType, SearchFilters, SearchHit

if TYPE_CHECKING:
    from core.storage.repositories import Store
    from knowledge.search.service import KnowledgeBase

logger = logging.getLogger("pakka.catalog")

RANKED_CANDIDATES = 100
"""Product documents asked of the knowledge base per search (more when the requested page lies deeper)."""
MAX_RANKED_CANDIDATES = 1000
MEANING_ONLY_RANKS = 10


class CatalogServices(Protocol):
    """What catalog search reads of the opened backends (graphs.services.Services has both); typed here
    so that tools, below graphs, need not import the Services bundle."""

    @property
    def store(self) -> Store: ...

    @property
    def knowledge(self) -> KnowledgeBase | None: ...


def search_catalog(services: CatalogServices, tenant_id: str, query: ProductQuery) -> ProductPage:
    """The page of products matching `query`, best first; `total` counts every match found."""
    if query.text is None or not any(char.isalnum() for char in query.text):
        return services.store.products.search(tenant_id, query)
    knowledge = services.knowledge
    if knowledge is None:
        logger.info(
            "product search uses the store's full-text search: no knowledge base is open",
            extra={"tenant_id": tenant_id},
        )
        return services.store.products.search(tenant_id, query)
    if (
        knowledge.catalog_sync is not None
    ):  # products imported while the server runs: indexed in the background
        knowledge.catalog_sync.check(tenant_id)
    try:
        hits = ranked_product_hits(knowledge, tenant_id, query)
    except Exception:  # any fault of the index or the embedder: the store can still answer the search
        logger.warning(
            "product search falls back to the store's full-text search: the knowledge base failed",
            exc_info=True,
            extra={"tenant_id": tenant_id},
        )
        return services.store.products.search(tenant_id, query)
    matches = matching_products(services, tenant_id, query, [product_id_of(hit.doc) for hit in hits])
    start = (query.page - 1) * query.page_size
    return ProductPage(
        items=matches[start : start + query.page_size],
        total=len(matches),
        page=query.page,
        page_size=query.page_size,
    )


def ranked_product_hits(knowledge: KnowledgeBase, tenant_id: str, query: ProductQuery) -> list[SearchHit]:
    """The tenant's product documents for the query text, best first, in the query's category and brand."""
    depth = min(max(RANKED_CANDIDATES, query.page * query.page_size), MAX_RANKED_CANDIDATES)
    filters = SearchFilters(
        tenant_id=tenant_id, category=query.category, brand=query.brand, doc_types=[DocType.PRODUCT]
    )
    return [hit for hit in knowledge.search(query.text or "", filters, k=depth) if is_match(hit)]


def is_match(hit: SearchHit) -> bool:
    """Found by a query word, or among the nearest by meaning. Hits whose retrievers are unknown (the
    OpenSearch scoring pipeline reports none) all count."""
    return hit.lexical_rank is not None or hit.vector_rank is None or hit.vector_rank <= MEANING_ONLY_RANKS


def matching_products(
    services: CatalogServices, tenant_id: str, query: ProductQuery, ranked_ids: Sequence[str]
) -> list[Product]:
    """The store's products for `ranked_ids`, in that order, that pass every structured filter of `query`.

    Ids the store no longer has (deleted since they were indexed) are left out."""
    found = services.store.products.get_many(tenant_id, ranked_ids)
    candidates = [found[product_id] for product_id in dict.fromkeys(ranked_ids) if product_id in found]
    return [
        product
        for product in candidates
        if query.admits(product) and in_stock(services, tenant_id, product, query)
    ]


def in_stock(services: CatalogServices, tenant_id: str, product: Product, query: ProductQuery) -> bool:
    """Some inventory row of the product in the query's region (and size, when given) has units available."""
    if query.in_stock_region is None:
        return True
    return any(
        record.region == query.in_stock_region
        and record.available > 0
        and (query.size is None or record.size == query.size)
        for record in services.store.inventory.list_for_product(tenant_id, product.id)
    )
