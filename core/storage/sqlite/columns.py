"""Conversions between record fields and the column values they are filtered and sorted by."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from core.errors import InvalidInput


def sortable_time(moment: datetime) -> str:
    """Fixed-width UTC ISO text, so that text order is time order (naive datetimes are taken as UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def to_paise(amount: Decimal) -> int:
    """Rupees (at most two decimal places, validated by the schema) as whole paise, compared exactly."""
    return int(amount * 100)


def placeholders(count: int) -> str:
    """`?, ?, ?` for an IN list of `count` values."""
    return ", ".join(["?"] * count)


def require_tenant(tenant_id: str, record_tenant_id: str, what: str) -> None:
    """Reject a record that belongs to another tenant than the one the call is made for."""
    if record_tenant_id != tenant_id:
        raise InvalidInput(
            f"{what} belongs to another tenant",
            {"tenant_id": tenant_id, "record_tenant_id": record_tenant_id},
        )
