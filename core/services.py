"""The service bundle opened once at start-up and handed to routes, graphs and tools (via `AppContext`).

`model` is the model router: every model call of every graph goes through it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from langchain_core.language_models import BaseChatModel

from agents.router import build_router
from core.commerce.carts import CartService
from core.commerce.orders import OrderService
from core.commerce.payments import PaymentGateway, default_gateway
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store

if TYPE_CHECKING:
    from knowledge.search.service import KnowledgeBase


@dataclass
class Services:
    settings: Settings
    store: Store
    payments: PaymentGateway
    orders: OrderService
    carts: CartService
    model: BaseChatModel
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
        )

    def close(self) -> None:
        self.store.close()
        if self.knowledge is not None:
            self.knowledge.close()
