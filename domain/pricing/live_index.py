"""The comparables indexes one process shares between pricing runs, rebuilt off the request path.

An index is built from the store in a background thread and published when warm (similarity index, column
arrays, learned history factors and calibration all built); a published index is never changed again, so runs
read it without a lock. A new one is built whenever this process stores a sale (`record_sale`, the event
service's `on_sale`) or the store is found to hold a different number of sales (ones other processes stored).
Under a steady stream of sales, a rebuild that follows another waits as long as the last one took
(`rest_ratio` 1), so background indexing takes at most half a core while runs go on.

A suggestion depends on the history as of its request, never on whether a rebuild happens to have finished:
`snapshot` compares the published index with the sales stored for the tenant (the store is counted at most
every `store_check_s`; sales this process stores are known at once) and, when the index is behind, waits for
the rebuild that covers them, up to `wait_s`. Only when that rebuild takes longer does the run price from the
last complete index, and the snapshot says so (`state` "previous", with how many sales it holds and how many
are stored), which the suggestion reports. A tenant's first index is always waited for.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from core.records.sales import SoldItem
from core.storage.repositories import SalesHistoryRepository
from domain.pricing.comparables import ComparablesIndex, ListingQuery, stored_vectors
from knowledge.embeddings import Embedder

logger = logging.getLogger("pakka.pricing")

REFRESH_S = 30.0
REST_RATIO = 1.0
STORE_CHECK_S = 1.0
WAIT_S = 30.0

IndexState = Literal["current", "waited", "previous"]


@dataclass(frozen=True)
class IndexSnapshot:
    """The index a run prices from and how it relates to the store: `current` (it holds every stored sale),
    `waited` (the run waited `waited_s` for the rebuild that holds them) or `previous` (that rebuild was still
    running after the wait: the last complete index, `sales` of the `stored` sales)."""

    index: ComparablesIndex
    state: IndexState
    sales: int
    stored: int
    waited_s: float = 0.0

    def note(self) -> str:
        if self.state == "current":
            return f"priced from all {self.sales} sales of this shop's history"
        if self.state == "waited":
            return (
                f"priced from all {self.sales} sales of this shop's history, after waiting "
                f"{self.waited_s:.1f} s for the newest to be indexed"
            )
        return (
            f"priced from the last complete index ({self.sales} of {self.stored} sales): the newest sales "
            "were still being indexed"
        )


def build_index(
    sales: SalesHistoryRepository, tenant_id: str, embedder: Embedder | None = None
) -> ComparablesIndex:
    """Every sale of the tenant, indexed and warmed: one search and the history factors per currency build
    everything a run would otherwise build on first use (similarity index, arrays, learned factors)."""
    index = ComparablesIndex(embedder)
    items = sales.sold_items(tenant_id)
    vectors = stored_vectors(sales, tenant_id) if embedder is not None and items else None
    index.add(items, vectors)
    newest_per_currency = {item.currency: item for item in reversed(items)}
    for currency, item in newest_per_currency.items():
        index.history(tenant_id, currency)
        query = ListingQuery(title=item.title, category=item.category, brand=item.brand, currency=currency)
        index.find(tenant_id, query)
    return index


class LiveComparables:
    """Per-tenant comparables indexes over one store, current within a rebuild (see the module notes)."""

    def __init__(
        self,
        sales: SalesHistoryRepository,
        *,
        embedder: Embedder | None = None,
        refresh_s: float = REFRESH_S,
        clock: Callable[[], float] = time.monotonic,
        rest_ratio: float = REST_RATIO,
        sleep: Callable[[float], None] = time.sleep,
        store_check_s: float = STORE_CHECK_S,
        wait_s: float = WAIT_S,
    ) -> None:
        self._sales = sales
        self._store_check_s = store_check_s
        self._wait_s = wait_s
        self._stored: dict[str, int] = {}
        self._stored_at: dict[str, float] = {}
        self._embedder = embedder
        self._refresh_s = refresh_s
        self._clock = clock
        self._rest_ratio = rest_ratio
        self._sleep = sleep
        self._lock = threading.Lock()
        self._published = threading.Condition(self._lock)
        self._indexes: dict[str, ComparablesIndex] = {}
        self._checked_at: dict[str, float] = {}
        self._builders: dict[str, threading.Thread] = {}
        self._wanted_again: set[str] = set()

    def loaded(self, tenant_id: str) -> bool:
        return tenant_id in self._indexes

    def warm(self, tenant_id: str) -> None:
        """Build the tenant's first index in the background, so its first run does not build it."""
        if tenant_id not in self._indexes:
            self._rebuild_later(tenant_id, only_if_changed=True)

    def current(self, tenant_id: str) -> ComparablesIndex:
        """The tenant's newest warm index; the first call per tenant builds it here unless `warm` is building
        it (the one slow run). An index without sales, which can price nothing, is served only when no build
        is under way: a shop's first sales, stored just after start, are waited for."""
        index = self._indexes.get(tenant_id)
        if index is None or index.count(tenant_id) == 0:
            with self._published:
                self._published.wait_for(
                    lambda: self._has_sales(tenant_id) or tenant_id not in self._builders
                )
                index = self._indexes.get(tenant_id)
        if index is None:
            index = build_index(self._sales, tenant_id, self._embedder)
            with self._lock:
                index = self._indexes.setdefault(tenant_id, index)
                self._checked_at[tenant_id] = self._clock()
        elif self._clock() - self._checked_at.get(tenant_id, 0.0) >= self._refresh_s:
            with self._lock:
                self._checked_at[tenant_id] = self._clock()
            self._rebuild_later(tenant_id, only_if_changed=True)
        return index

    def snapshot(self, tenant_id: str, *, wait_s: float | None = None) -> IndexSnapshot:
        """The index a run should price from: one holding every sale stored for the tenant, waiting up to
        `wait_s` (default the instance's) for the rebuild that indexes the newest; the last complete index
        when that rebuild takes longer (said in the snapshot). A tenant's first index is always waited for."""
        started = self._clock()
        stored = self._stored_count(tenant_id)
        with self._lock:
            index = self._indexes.get(tenant_id)
        if index is not None and index.count(tenant_id) >= stored:
            return IndexSnapshot(index, "current", index.count(tenant_id), stored)
        self._rebuild_later(tenant_id, only_if_changed=False)
        limit = self._wait_s if wait_s is None else wait_s
        with self._published:
            self._published.wait_for(
                lambda: self._covers(tenant_id, stored) or tenant_id not in self._builders,
                timeout=limit if index is not None else None,
            )
            latest = self._indexes.get(tenant_id)
        waited = self._clock() - started
        if latest is None:  # the first build failed in the background: build here, so its error is seen
            latest = build_index(self._sales, tenant_id, self._embedder)
            with self._published:
                latest = self._indexes.setdefault(tenant_id, latest)
        count = latest.count(tenant_id)
        if count >= stored:
            return IndexSnapshot(latest, "current" if index is None else "waited", count, stored, waited)
        return IndexSnapshot(latest, "previous", count, stored, waited)

    def _covers(self, tenant_id: str, stored: int) -> bool:
        index = self._indexes.get(tenant_id)
        return index is not None and index.count(tenant_id) >= stored

    def _stored_count(self, tenant_id: str) -> int:
        """The sales stored for the tenant: counted in the store at most every `store_check_s`, and raised
        at once by the sales this process records."""
        now = self._clock()
        with self._lock:
            fresh = now - self._stored_at.get(tenant_id, -self._store_check_s) < self._store_check_s
            if fresh and tenant_id in self._stored:
                return self._stored[tenant_id]
        counted = self._sales.count_sold(tenant_id)
        with self._lock:
            self._stored[tenant_id] = counted
            self._stored_at[tenant_id] = now
        return counted

    def _has_sales(self, tenant_id: str) -> bool:
        index = self._indexes.get(tenant_id)
        return index is not None and index.count(tenant_id) > 0

    def record_sale(self, item: SoldItem) -> None:
        """A sale this process stored: a tenant loaded (or loading) gets a new index in the background, and
        the next run waits for it."""
        with self._lock:
            if item.tenant_id in self._stored:
                self._stored[item.tenant_id] += 1
        if item.tenant_id in self._indexes or item.tenant_id in self._builders:
            self._rebuild_later(item.tenant_id, only_if_changed=False)

    def settle(self) -> None:
        """Wait until no rebuild is running (tests, benchmarks, shutdown)."""
        while True:
            with self._lock:
                builders = list(self._builders.values())
            if not builders:
                return
            for builder in builders:
                builder.join()

    def _rebuild_later(self, tenant_id: str, *, only_if_changed: bool) -> None:
        with self._lock:
            if tenant_id in self._builders:
                if not only_if_changed:
                    self._wanted_again.add(tenant_id)
                return
            builder = threading.Thread(
                target=self._rebuild,
                args=(tenant_id, only_if_changed),
                name=f"pricing-index-{tenant_id}",
                daemon=True,
            )
            self._builders[tenant_id] = builder
        builder.start()

    def _rebuild(self, tenant_id: str, only_if_changed: bool) -> None:
        while True:
            started = self._clock()
            try:
                current = self._indexes.get(tenant_id)
                if (
                    current is None
                    or not only_if_changed
                    or self._sales.count_sold(tenant_id) != current.count(tenant_id)
                ):
                    fresh = build_index(self._sales, tenant_id, self._embedder)
                    with self._published:
                        self._indexes[tenant_id] = fresh
                        self._checked_at.setdefault(tenant_id, self._clock())
                        self._published.notify_all()
            except Exception:  # runs keep the previous index; the next sale or refresh tries again
                logger.exception("could not rebuild the comparables index", extra={"tenant_id": tenant_id})
            with self._published:
                if tenant_id not in self._wanted_again:
                    self._builders.pop(tenant_id, None)
                    self._published.notify_all()
                    return
                self._wanted_again.discard(tenant_id)
            only_if_changed = False
            self._sleep(self._rest_ratio * (self._clock() - started))
