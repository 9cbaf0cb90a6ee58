"""Request field types whose OpenAPI schema is exactly what the route accepts.

`core.schemas.Money` describes stored amounts (at most 2 decimal places, 14 digits); pydantic publishes it as
"a number or any string", so a generated `"budget_inr": ""` or `max_price_inr=null` looked valid and was
refused. An amount in a request is a JSON number (in a query string: its decimal text), 0 to
999,999,999,999.99, rounded to the paisa.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

MAX_AMOUNT_INR = Decimal("999999999999.99")
PAISA = Decimal("0.01")
AMOUNT_SCHEMA: dict[str, Any] = {
    "type": "number",
    "minimum": 0,
    "maximum": float(MAX_AMOUNT_INR),
    "description": "Rupees; rounded to the paisa.",
}


def _a_number(value: Any) -> Any:
    """A JSON body gives an amount as a number: a string or a boolean there is a 422 (the schema says number).
    Whatever the validation mode: FastAPI validates a parsed body in Python mode, so `info.mode` cannot tell a
    body from anything else."""
    if isinstance(value, bool | str):
        raise ValueError("must be a number")
    return value


def _not_a_boolean(value: Any) -> Any:
    """A query string can only give text, which is parsed as a decimal; a boolean is never an amount."""
    if isinstance(value, bool):
        raise ValueError("must be a number")
    return value


def _to_paisa(value: Decimal) -> Decimal:
    return value.quantize(PAISA, rounding=ROUND_HALF_EVEN)


_Amount = Annotated[
    Decimal,
    Field(ge=0, allow_inf_nan=False),
    AfterValidator(_to_paisa),
    Field(le=MAX_AMOUNT_INR),
]

AmountInput = Annotated[
    Annotated[_Amount, BeforeValidator(_a_number)] | None,
    WithJsonSchema({"anyOf": [AMOUNT_SCHEMA, {"type": "null"}]}),
]
"""An optional amount in a JSON body (`null` or left out: none)."""

AmountQuery = Annotated[
    Annotated[_Amount, BeforeValidator(_not_a_boolean)] | None, WithJsonSchema(AMOUNT_SCHEMA)
]
"""An optional amount in a query string (left out: none; there is no `null` in a query string)."""

# A category names at least one level: some character that is neither "/" nor white space (as Python's
# str.strip sees it, spelled out so that every regex engine reads it alike). Checked by the records'
# category validator; published so the schema says the same.
CATEGORY_SCHEMA_PATTERN = (
    "[^/\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
)

# Money as stored (core.schemas.Money): a JSON number of rupees with at most two decimal places.
PRICE_SCHEMA: dict[str, Any] = {
    "type": "number",
    "minimum": 0,
    "maximum": float(MAX_AMOUNT_INR),
    "multipleOf": 0.01,
}

# Standard base64 with padding, as `base64.b64decode(..., validate=True)` takes it.
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
