"""DynamoDB item codec: records survive the round trip through typed attribute values exactly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from core.errors import InvalidInput, StoreUnavailable
from core.schemas import AuditEntry, Order, OrderStatus, Product, StatusChange
from core.storage.dynamodb.codec import RecordCodec, serialize, timestamp
from tests.core.storage.factories import at, make_audit, make_line, make_order, make_product

PRODUCTS = RecordCodec(Product, frozenset({"attributes", "fit"}))
ORDERS = RecordCodec(Order)
AUDIT = RecordCodec(AuditEntry, frozenset({"details"}))
INDIA = timezone(timedelta(hours=5, minutes=30))


def test_a_product_round_trips_with_money_floats_and_free_form_fields_unchanged() -> None:
    product = make_product(
        price_inr=Decimal("2499.50"),
        rating=4.2,
        attributes={"weight_g": 2.0, "colours": ["blue", None], "nested": {"depth": 1}},
        fit={"size_offset": -0.5},
    )

    restored = PRODUCTS.from_item(PRODUCTS.to_item(product))

    assert restored == product
    assert isinstance(restored.attributes["weight_g"], float)
    assert restored.price_inr == Decimal("2499.50")


def test_numbers_are_stored_as_dynamodb_numbers_and_free_form_fields_as_json_text() -> None:
    item = PRODUCTS.to_item(make_product(price_inr=Decimal("10.50"), rating=4.2, attributes={"a": 1}))

    assert item["price_inr"] == {"N": "10.50"}
    assert item["rating"] == {"N": "4.2"}
    assert item["attributes"] == {"S": '{"a":1}'}
    assert item["sizes"] == {"L": [{"S": "8"}, {"S": "9"}, {"S": "10"}]}


def test_an_order_keeps_its_lines_history_and_status() -> None:
    order = make_order(
        lines=[make_line(quantity=2), make_line(size="10")],
        status=OrderStatus.CONFIRMED,
        history=[StatusChange(status=OrderStatus.CONFIRMED, at=at(1), reason=None)],
    )

    item = ORDERS.to_item(order)

    assert item["status"] == {"S": "CONFIRMED"}
    assert ORDERS.from_item(item) == order


def test_none_fields_are_left_out_of_the_item_and_come_back_as_none() -> None:
    order = make_order(failure_reason=None, payment_reference=None)

    item = ORDERS.to_item(order)

    assert "failure_reason" not in item
    assert "payment_reference" not in item
    assert ORDERS.from_item(item).failure_reason is None


def test_derived_key_attributes_are_written_and_dropped_on_the_way_back() -> None:
    audit = make_audit()

    item = AUDIT.to_item(audit, sk="2025-01-15T10:00:00.000000+00:00#aud_1")

    assert item["sk"] == {"S": "2025-01-15T10:00:00.000000+00:00#aud_1"}
    assert AUDIT.from_item(item) == audit


def test_timestamps_are_fixed_width_utc_so_text_order_is_time_order() -> None:
    moments = [at(0).astimezone(INDIA), at(1), datetime(2025, 1, 15, 10, 0, 0, 5), at(60 * 24 * 365)]

    texts = [timestamp(moment) for moment in moments]

    assert texts[0] == "2025-01-15T10:00:00.000000+00:00"
    assert texts[2] == "2025-01-15T10:00:00.000005+00:00"  # a naive datetime counts as UTC
    assert len(set(map(len, texts))) == 1
    assert sorted(texts) == [texts[0], texts[2], texts[1], texts[3]]


def test_a_datetime_in_another_zone_comes_back_as_the_same_instant() -> None:
    product = make_product(created_at=at(0).astimezone(INDIA))

    restored = PRODUCTS.from_item(PRODUCTS.to_item(product))

    assert restored.created_at == at(0)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_number_dynamodb_cannot_hold_is_invalid_input(value: float) -> None:
    with pytest.raises(InvalidInput):
        serialize({"score": value})


def test_a_stored_item_that_no_longer_fits_the_schema_is_a_backend_fault() -> None:
    item = PRODUCTS.to_item(make_product())
    item["price_inr"] = {"N": "-1"}

    with pytest.raises(StoreUnavailable):
        PRODUCTS.from_item(item)
