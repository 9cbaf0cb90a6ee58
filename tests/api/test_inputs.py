"""Request amounts and phone numbers are checked exactly as the OpenAPI document states them: an amount in a
JSON body is a number (not text), 0 to 999,999,999,999.99, rounded to the paisa; in a query string its
decimal text; a phone number is one of PHONE_INPUT_PATTERN's forms."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from api.inputs import AmountInput, AmountQuery
from core.errors import InvalidInput
from core.identity.service import PHONE_INPUT_PATTERN, normalize_phone
from tests.api.conftest import tokens_for


class Body(BaseModel):
    amount: AmountInput = None


class Query(BaseModel):
    amount: AmountQuery = None


@pytest.mark.parametrize(
    ("sent", "amount"),
    [("2499", Decimal("2499.00")), ("0.005", Decimal("0.00")), ("0.015", Decimal("0.02")), ("null", None)],
)
def test_an_amount_in_a_body_is_a_number_rounded_to_the_paisa(sent: str, amount: Decimal | None) -> None:
    assert Body.model_validate_json(f'{{"amount": {sent}}}').amount == amount


@pytest.mark.parametrize("sent", ['"2499"', '""', "true", "-1", "1e400", "999999999999.995"])
def test_text_booleans_negatives_and_too_much_are_refused_in_a_body(sent: str) -> None:
    with pytest.raises(ValidationError):
        Body.model_validate_json(f'{{"amount": {sent}}}')


def test_a_query_string_gives_the_amount_as_text_and_null_is_no_amount() -> None:
    assert Query.model_validate({"amount": "3000.5"}).amount == Decimal("3000.50")
    for text in ("null", "", "NaN", "Infinity"):
        with pytest.raises(ValidationError):
            Query.model_validate({"amount": text})


@pytest.mark.parametrize(("budget", "status"), [(2499, 200), (2499.5, 200), ("2499", 422), (True, 422)])
def test_a_json_body_on_a_route_takes_the_amount_as_a_number_only(
    client: TestClient, budget: object, status: int
) -> None:
    """FastAPI validates a parsed body in Python mode: the route still refuses text and booleans."""
    response = client.post(
        "/v1/recommendations",
        json={"category": "footwear", "budget_inr": budget},
        headers=tokens_for(client).shopper("u-1"),
    )

    assert response.status_code == status, response.text
    if status == 422:
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_a_query_string_on_a_route_gives_the_amount_as_decimal_text(client: TestClient) -> None:
    assert client.get("/v1/products", params={"max_price_inr": "2499.00"}).status_code == 200
    assert client.get("/v1/products", params={"max_price_inr": "true"}).status_code == 422


@pytest.mark.parametrize(
    ("phone", "normal"),
    [
        ("+919876543210", "+919876543210"),
        ("98765 43210", "+919876543210"),
        ("98765-43210", "+919876543210"),
        ("+1 415 555 0100", "+14155550100"),
    ],
)
def test_a_phone_number_in_a_published_form_is_normalised(phone: str, normal: str) -> None:
    assert re.fullmatch(PHONE_INPUT_PATTERN, phone)
    assert normalize_phone(phone) == normal


@pytest.mark.parametrize("phone", ["919876543210", "+0123456789", "+91\t9876543210", "(+91) 98765 43210", ""])
def test_anything_else_is_refused_and_the_pattern_says_so_too(phone: str) -> None:
    assert re.fullmatch(PHONE_INPUT_PATTERN, phone) is None
    with pytest.raises(InvalidInput):
        normalize_phone(phone)
