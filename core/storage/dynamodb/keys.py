"""Composite key attributes, built as '#'-joined parts.

The schemas keep '#' out of ids, sizes and regions, but arguments such as `user_id` in a lookup arrive
unvalidated, so every part is checked here: a part with '#' could otherwise widen a `begins_with`
query into another user's rows.
"""

from __future__ import annotations

from datetime import datetime

from core.errors import InvalidInput
from core.storage.dynamodb.codec import timestamp

SEPARATOR = "#"
NAME_KEY_CHARS = 200
"""How much of a product name goes into the `name_id` index key (a key holds at most 1024 bytes)."""


def part(value: str) -> str:
    """`value` as a key part: non-empty and free of the separator."""
    if not value or SEPARATOR in value:
        raise InvalidInput(f"invalid key value {value!r}: must be non-empty and must not contain '#'")
    return value


def join(*parts: str) -> str:
    return SEPARATOR.join(part(value) for value in parts)


def prefix(*parts: str) -> str:
    """The `begins_with` operand that selects exactly the keys starting with these parts."""
    return join(*parts) + SEPARATOR


def tenant_scoped(tenant_id: str, value: str) -> str:
    """An index partition key such as `tenant_category`. Only read by equality, so `value` may hold '#':
    the tenant part cannot, which keeps the first separator unambiguous."""
    return f"{part(tenant_id)}{SEPARATOR}{value}"


def sku(product_id: str, size: str, region: str) -> str:
    return join(product_id, size, region)


def name_id(name: str, product_id: str) -> str:
    """The category index's sort key; the name may hold '#', the id cannot, so the key stays unique."""
    return f"{name[:NAME_KEY_CHARS]}{SEPARATOR}{part(product_id)}"


def consent_sk(user_id: str, recorded_at: datetime, entry_id: str) -> str:
    return join(user_id, timestamp(recorded_at), entry_id)


def audit_sk(at: datetime, entry_id: str) -> str:
    return join(timestamp(at), entry_id)
