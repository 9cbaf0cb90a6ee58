"""Payment providers and the gateway that picks one by the order's `payment_method`.

The order saga treats every outcome of a charge as a `PaymentResult`: a provider that raises is a declined
payment (reason = the exception's class name), so a flaky provider can never leave an order half-placed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Protocol

from pydantic import BaseModel

from core.errors import InvalidInput
from core.schemas import Order

logger = logging.getLogger(__name__)


class PaymentResult(BaseModel):
    ok: bool
    reference: str | None = None
    reason: str | None = None


class PaymentProvider(Protocol):
    method: str
    """The `payment_method` string clients send, e.g. "cod"."""

    def charge(self, order: Order) -> PaymentResult: ...


class CashOnDelivery:
    """Nothing to collect up front: always accepted, paid to the courier on delivery."""

    method = "cod"

    def charge(self, order: Order) -> PaymentResult:
        return PaymentResult(ok=True, reference=f"COD-{order.id}")


class TestPaymentProvider:
    """A real in-process provider for tests and demos: accepts every charge unless `decline_reason` is set.

    `charged` lists every order id it was asked to charge, in order, accepted or declined.
    """

    __test__ = False  # not a pytest test class despite the name
    method = "test"

    def __init__(self, decline_reason: str | None = None) -> None:
        self.decline_reason = decline_reason
        self._charged: list[str] = []
        self._lock = threading.Lock()

    @property
    def charged(self) -> list[str]:
        with self._lock:
            return list(self._charged)

    def charge(self, order: Order) -> PaymentResult:
        with self._lock:
            self._charged.append(order.id)
        if self.decline_reason is not None:
            return PaymentResult(ok=False, reason=self.decline_reason)
        return PaymentResult(ok=True, reference=f"TEST-{order.id}")


class PaymentGateway:
    """Routes a charge to the provider registered for the order's payment method."""

    def __init__(self, providers: Iterable[PaymentProvider]) -> None:
        self._providers: dict[str, PaymentProvider] = {}
        for provider in providers:
            if provider.method in self._providers:
                raise ValueError(f"two payment providers for method {provider.method!r}")
            self._providers[provider.method] = provider

    def methods(self) -> list[str]:
        return sorted(self._providers)

    def charge(self, order: Order) -> PaymentResult:
        provider = self._providers.get(order.payment_method)
        if provider is None:
            raise InvalidInput(
                f"unknown payment method {order.payment_method!r}",
                {"payment_method": order.payment_method, "accepted": self.methods()},
            )
        try:
            return provider.charge(order)
        except Exception as exc:  # any provider fault is a declined payment, never a half-placed order
            logger.warning(
                "payment provider %r failed for order %s", provider.method, order.id, exc_info=True
            )
            return PaymentResult(ok=False, reason=type(exc).__name__)


def default_gateway() -> PaymentGateway:
    """Cash on delivery only: the embedded default needs no payment account."""
    return PaymentGateway([CashOnDelivery()])
