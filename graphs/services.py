"""The service bundle opened once at start-up and handed to routes, graphs and tools (via `AppContext`).

`model` is the model router: every model call of every graph goes through it. `knowledge` (the search index)
is set by `load_knowledge`, which the API runs in the background at start-up."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from langchain_core.language_models import BaseChatModel

from agents.router import build_router
from core.commerce.carts import CartService
from core.commerce.orders import OrderService
from core.commerce.payments import PaymentGateway, default_gateway
from core.privacy import Pseudonymizer
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store

if TYPE_CHECKING:
    from knowledge.ingest import BuildReport
    from knowledge.search.service import KnowledgeBase


@dataclass
class Services:
    settings: Settings
    store: Store
    payments: PaymentGateway
    orders: OrderService
    carts: CartService
    model: BaseChatModel
    pseudonyms: Pseudonymizer
    """The deployment's keyed pseudonyms for audit entries and erasure records (its key read once here)."""
    knowledge: KnowledgeBase | None = None
    """Knowledge search for the retrieval tool and node; None where no index is opened."""

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        payments: PaymentGateway | None = None,
        model: BaseChatModel | None = None,
    ) -> Services:
        """Open the configured store and build every service on it (cash on delivery and the router built from
        PAKKA_MODEL_TIERS unless told otherwise)."""
        return cls.build(settings, open_store(settings), payments=payments, model=model)

    @classmethod
    def build(
        cls,
        settings: Settings,
        store: Store,
        *,
        payments: PaymentGateway | None = None,
        model: BaseChatModel | None = None,
    ) -> Services:
        """Build the services on an already opened store; the bundle takes ownership of it (`close`)."""
        gateway = payments or default_gateway()
        return cls(
            settings=settings,
            store=store,
            payments=gateway,
            orders=OrderService(
                store, gateway, reservation_ttl=timedelta(minutes=settings.reservation_ttl_minutes)
            ),
            carts=CartService(store),
            model=model or build_router(settings),
            pseudonyms=Pseudonymizer.for_settings(settings),
        )

    def load_knowledge(self, stop: threading.Event) -> BuildReport | None:
        """Open the configured knowledge base, index what it lacks (`knowledge.ingest.sync_knowledge_base`:
        the curated documents and every tenant's catalog), then set `knowledge`.

        Returns the sync report (not `complete` when `stop` ended it, and then nothing is kept open), or None
        when the store has no tenant yet (no search can be asked for). Until `knowledge` is set, searches fall
        back to the store's own.
        """
        # Imported here: the curated data and the search stack load only where a knowledge base is opened.
        from knowledge.documents import curated_documents
        from knowledge.ingest import BuildReport, sync_knowledge_base
        from knowledge.search.service import KnowledgeBase

        tenant_ids = [tenant.id for tenant in self.store.tenants.list()]
        if not tenant_ids:
            return None
        if stop.is_set():
            return BuildReport(complete=False)
        knowledge = KnowledgeBase.open(self.settings)
        try:
            report = sync_knowledge_base(
                knowledge.backend, knowledge.embedder, self.store, tenant_ids, curated_documents, stop=stop
            )
        except BaseException:
            knowledge.close()
            raise
        if not report.complete:
            knowledge.close()
            return report
        self.knowledge = knowledge
        return report

    def close(self) -> None:
        self.store.close()
        if self.knowledge is not None:
            self.knowledge.close()
