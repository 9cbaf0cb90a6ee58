"""Payment providers and the gateway (core/commerce/payments.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from core.commerce.payments import (
    CashOnDelivery,
    PaymentGateway,
    PaymentResult,
    TestPaymentProvider,
    default_gateway,
)
from core.errors import InvalidInput
from core.schemas import Order
from tests.core.commerce.shop import SNEAKER, abandoned_order


class UnreachableBank:
    """A provider whose network call fails, as a real card processor's might."""

    method = "netbanking"

    def charge(self, order: Order) -> PaymentResult:
        raise ConnectionError(f"bank unreachable while charging {order.id}")


def order_paid_with(method: str) -> Order:
    return abandoned_order((SNEAKER, "UK8", 1)).model_copy(update={"payment_method": method})


def test_cash_on_delivery_always_accepts_with_a_cod_reference() -> None:
    order = order_paid_with("cod")

    assert CashOnDelivery().charge(order) == PaymentResult(ok=True, reference=f"COD-{order.id}")


def test_test_provider_accepts_and_records_the_charged_order() -> None:
    provider = TestPaymentProvider()
    order = order_paid_with("test")

    result = provider.charge(order)

    assert result.ok and result.reference == f"TEST-{order.id}"
    assert provider.charged == [order.id]


def test_test_provider_with_a_decline_reason_declines_with_that_reason() -> None:
    provider = TestPaymentProvider(decline_reason="card declined by issuer")
    order = order_paid_with("test")

    assert provider.charge(order) == PaymentResult(ok=False, reason="card declined by issuer")
    assert provider.charged == [order.id]


def test_test_provider_records_every_charge_made_from_many_threads() -> None:
    provider = TestPaymentProvider()
    orders = [order_paid_with("test") for _ in range(40)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(provider.charge, orders))

    assert sorted(provider.charged) == sorted(order.id for order in orders)


def test_gateway_lists_its_payment_methods() -> None:
    gateway = PaymentGateway([TestPaymentProvider(), CashOnDelivery()])

    assert gateway.methods() == ["cod", "test"]


def test_gateway_charges_through_the_provider_of_the_orders_payment_method() -> None:
    card = TestPaymentProvider()
    gateway = PaymentGateway([CashOnDelivery(), card])
    by_card, by_cash = order_paid_with("test"), order_paid_with("cod")

    assert gateway.charge(by_card).reference == f"TEST-{by_card.id}"
    assert gateway.charge(by_cash).reference == f"COD-{by_cash.id}"
    assert card.charged == [by_card.id]


def test_gateway_rejects_a_payment_method_it_has_no_provider_for() -> None:
    with pytest.raises(InvalidInput) as raised:
        default_gateway().charge(order_paid_with("upi"))

    assert raised.value.details == {"payment_method": "upi", "accepted": ["cod"]}


def test_a_provider_that_raises_counts_as_a_payment_declined_for_the_error_class() -> None:
    gateway = PaymentGateway([UnreachableBank()])

    result = gateway.charge(order_paid_with("netbanking"))

    assert result == PaymentResult(ok=False, reason="ConnectionError")


def test_two_providers_for_one_payment_method_are_refused() -> None:
    with pytest.raises(ValueError, match="'test'"):
        PaymentGateway([TestPaymentProvider(), TestPaymentProvider()])


def test_the_default_gateway_takes_cash_on_delivery_only() -> None:
    assert default_gateway().methods() == ["cod"]
