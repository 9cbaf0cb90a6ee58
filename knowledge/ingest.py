"""Fill a search backend: the curated knowledge (global) and each tenant's catalog as PRODUCT documents.

`build_knowledge_base` (`pakka kb build`) upserts everything. `sync_knowledge_base` is the start-up step of
the API: it indexes only what the index lacks, so a restart costs a few counts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from core.schemas import Product, ProductQuery
from core.storage.repositories import Store
from knowledge.embeddings import Embedder
from knowledge.search.backend import SearchBackend
from knowledge.search.documents import GLOBAL_TENANT, DocType, KnowledgeDoc

logger = logging.getLogger("pakka.knowledge")

INDEX_BATCH = 256
SYNC_BATCH = 32
PROGRESS_BATCH = 64
"""Batch size when a progress bar shows the build: a few seconds between updates on a slow machine."""
"""Documents embedded between two checks of the stop signal while the API syncs (a few seconds of work)."""
STORE_PAGE_SIZE = 100
PRODUCT_DOC_PREFIX = "product:"


def product_doc_id(product_id: str) -> str:
    return f"{PRODUCT_DOC_PREFIX}{product_id}"


def product_id_of(doc: KnowledgeDoc) -> str:
    """The catalog id of the product a PRODUCT document was made from."""
    return doc.id.removeprefix(PRODUCT_DOC_PREFIX)


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


Advance = Callable[[int], None]
"""Told how many more documents were indexed, after each batch (progress bars)."""
TaskProgress = Callable[[str], Advance]
"""The progress callback of one task ("curated knowledge", "catalog of demo")."""


def curated_task() -> str:
    return "curated knowledge"


def catalog_task(tenant_id: str) -> str:
    return f"catalog of {tenant_id}"


def index_documents(
    backend: SearchBackend,
    embedder: Embedder | None,
    docs: Iterable[KnowledgeDoc],
    *,
    batch: int = INDEX_BATCH,
    stop: threading.Event | None = None,
    advance: Advance | None = None,
) -> int:
    """Embed (unless lexical-only) and upsert `docs` in batches; returns how many were indexed.

    When `stop` is set, indexing ends after the current batch (the rest is left out). `advance` is told
    each batch's count."""
    indexed = 0
    pending: list[KnowledgeDoc] = []
    for doc in docs:
        if stop is not None and stop.is_set():
            return indexed
        pending.append(doc)
        if len(pending) == batch:
            indexed += _indexed(backend, embedder, pending, advance)
            pending = []
    if pending and not (stop is not None and stop.is_set()):
        indexed += _indexed(backend, embedder, pending, advance)
    return indexed


def _indexed(
    backend: SearchBackend, embedder: Embedder | None, docs: Sequence[KnowledgeDoc], advance: Advance | None
) -> int:
    count = _index_batch(backend, embedder, docs)
    if advance is not None:
        advance(count)
    return count


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
    """What one knowledge-base build indexed and how long it took; `complete` is False when it was stopped."""

    curated: int = 0
    products: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    embedder: str | None = None
    complete: bool = True


def ingest_tenant_products(
    backend: SearchBackend,
    embedder: Embedder | None,
    store: Store,
    tenant_id: str,
    *,
    batch: int = INDEX_BATCH,
    stop: threading.Event | None = None,
    advance: Advance | None = None,
) -> int:
    """Index (upsert) every product the tenant has in the store."""
    return index_documents(
        backend,
        embedder,
        (product_document(p) for p in tenant_products(store, tenant_id)),
        batch=batch,
        stop=stop,
        advance=advance,
    )


def build_knowledge_base(
    backend: SearchBackend,
    embedder: Embedder | None,
    store: Store,
    tenant_ids: Sequence[str],
    curated: Iterable[KnowledgeDoc],
    *,
    progress: TaskProgress | None = None,
) -> BuildReport:
    """`curated` (knowledge.documents.curated_documents(), global) plus the catalogs of `tenant_ids`.

    Safe to re-run: every write is an upsert. `progress` gets one callback per task (`curated_task()`,
    `catalog_task(tenant)`), told each batch's count.
    """
    started = time.perf_counter()
    report = BuildReport(embedder=embedder.name if embedder is not None else None)
    batch = PROGRESS_BATCH if progress is not None else INDEX_BATCH
    report.curated = index_documents(
        backend, embedder, curated, batch=batch, advance=_advance(progress, curated_task())
    )
    for tenant_id in tenant_ids:
        report.products[tenant_id] = ingest_tenant_products(
            backend,
            embedder,
            store,
            tenant_id,
            batch=batch,
            advance=_advance(progress, catalog_task(tenant_id)),
        )
    report.seconds = time.perf_counter() - started
    return report


def sync_knowledge_base(
    backend: SearchBackend,
    embedder: Embedder | None,
    store: Store,
    tenant_ids: Sequence[str],
    curated: Callable[[], Sequence[KnowledgeDoc]],
    *,
    stop: threading.Event | None = None,
    progress: TaskProgress | None = None,
) -> BuildReport:
    """Index what the index lacks: the curated documents when it holds a different number of global ones,
    and a tenant's catalog when it holds fewer of the tenant's products than the store does.

    Run by the API at start-up, after the demo seed, so products seeded or imported (`pakka catalog import`)
    since the last start are indexed. Products changed in place keep their old documents until
    `pakka kb build`, deleted ones keep theirs for good (the backend contract has no listing to find them);
    product search reads names, prices, stock and filters from the store and leaves out ids the store no
    longer has, so such documents can only shift the ranking. `stop` ends the sync between batches (the
    report is then not `complete`).
    """
    started = time.perf_counter()
    report = BuildReport(embedder=embedder.name if embedder is not None else None)
    docs = curated()
    if backend.count(GLOBAL_TENANT) != len(docs):
        report.curated = index_documents(
            backend, embedder, docs, batch=SYNC_BATCH, stop=stop, advance=_advance(progress, curated_task())
        )
    for tenant_id in tenant_ids:
        in_store, in_index = store.products.count(tenant_id), backend.count(tenant_id)
        if in_index > in_store:
            logger.info(
                "%d product documents of the index are no longer in the store (search leaves them out)",
                in_index - in_store,
                extra={"tenant_id": tenant_id},
            )
        if in_index < in_store:
            report.products[tenant_id] = ingest_tenant_products(
                backend,
                embedder,
                store,
                tenant_id,
                batch=SYNC_BATCH,
                stop=stop,
                advance=_advance(progress, catalog_task(tenant_id)),
            )
    report.complete = stop is None or not stop.is_set()
    report.seconds = time.perf_counter() - started
    return report


def _advance(progress: TaskProgress | None, task: str) -> Advance | None:
    """The task's progress callback, told 0 at once: the task starts now (its clock and its bar)."""
    if progress is None:
        return None
    advance = progress(task)
    advance(0)
    return advance


CHECK_EVERY_S = 2.0
"""How often a running server compares a tenant's product count in the store with the one it indexed."""
CLOCK_SKEW_S = 5.0
"""Products updated this long before the last indexing began are indexed again too (writers' clocks)."""


class LiveCatalogSync:
    """Keeps a running server's index in step with the store's catalogs, without a restart.

    `check(tenant)` is called before a catalog search: at most every CHECK_EVERY_S per tenant it counts the
    tenant's products in the store (one cheap query) and, when the count changed since the last indexing
    (`pakka catalog import` into a running API, a new tenant, deletions), indexes in a background thread
    every product updated since that indexing began. The search that noticed answers from the index as it
    is; the new products are found as soon as the thread is done (seconds for a lexical index; embedding
    takes longer). A product changed in place without the count changing waits for `pakka kb build`.
    """

    def __init__(
        self,
        backend: SearchBackend,
        embedder: Embedder | None,
        store: Store,
        *,
        check_every_s: float = CHECK_EVERY_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._backend, self._embedder, self._store = backend, embedder, store
        self._check_every_s = check_every_s
        self._clock = clock
        self._lock = threading.Lock()
        self._synced: dict[str, tuple[int, float]] = {}
        """tenant -> (store count indexed, when that indexing began)"""
        self._checked: dict[str, float] = {}
        self._running: dict[str, threading.Thread] = {}
        self.stop = threading.Event()

    def synced(self, tenant_id: str, count: int, since: float) -> None:
        """Record that the tenant's `count` products were indexed by an indexing that began at `since`."""
        with self._lock:
            self._synced[tenant_id] = (count, since)

    def check(self, tenant_id: str) -> threading.Thread | None:
        """Start indexing the tenant's new products when its store count changed; returns the thread that
        does it (None when nothing was started)."""
        now = self._clock()
        with self._lock:
            if tenant_id in self._running or now - self._checked.get(tenant_id, -1e18) < self._check_every_s:
                return None
            self._checked[tenant_id] = now
        count = self._store.products.count(tenant_id)
        with self._lock:
            known_count, since = self._synced.get(tenant_id, (0, 0.0))
            if count == known_count or tenant_id in self._running or self.stop.is_set():
                return None
            worker = threading.Thread(
                target=self._index_new,
                args=(tenant_id, since, now),
                name=f"catalog-sync-{tenant_id}",
                daemon=True,
            )
            self._running[tenant_id] = worker
        worker.start()
        return worker

    def _index_new(self, tenant_id: str, since: float, began: float) -> None:
        try:
            count = self._store.products.count(tenant_id)
            cutoff = since - CLOCK_SKEW_S
            docs = (
                product_document(product)
                for product in tenant_products(self._store, tenant_id)
                if max(product.updated_at, product.created_at).timestamp() >= cutoff
            )
            indexed = index_documents(self._backend, self._embedder, docs, batch=SYNC_BATCH, stop=self.stop)
            if not self.stop.is_set():
                self.synced(tenant_id, count, began)
                logger.info(
                    "indexed %d new or changed products for search", indexed, extra={"tenant_id": tenant_id}
                )
        except Exception:  # the next check tries again; search meanwhile answers from the index as it is
            logger.warning("indexing new products failed", exc_info=True, extra={"tenant_id": tenant_id})
        finally:
            with self._lock:
                self._running.pop(tenant_id, None)

    def close(self) -> None:
        """Stop the indexing threads between batches and wait for them."""
        self.stop.set()
        with self._lock:
            running = list(self._running.values())
        for worker in running:
            worker.join()
