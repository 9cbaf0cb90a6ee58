"""Record <-> DynamoDB item conversion.

Fields are stored as native attributes: numbers as Decimal, enums as their value, datetimes as fixed-width
UTC ISO-8601 strings (so string order is time order, which the sort keys rely on). `None` fields are left
out (sparse items). Free-form dictionaries (product attributes and fit, user attributes, audit details)
are stored as JSON strings instead: DynamoDB numbers would turn 2.0 into 2 and a float into a Decimal, so
only JSON keeps their values exactly as they were written.

Attributes that are not fields of the model (derived keys such as `sku` or `tenant_category`) are
dropped on the way back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel, ValidationError

from core.errors import InvalidInput, StoreUnavailable

Item = dict[str, Any]
"""An item in DynamoDB's typed JSON form: {"name": {"S": "..."}, "price_inr": {"N": "10.5"}}."""

R = TypeVar("R", bound=BaseModel)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def timestamp(moment: datetime) -> str:
    """Fixed-width UTC ISO-8601 text ("2025-01-31T09:30:00.000000+00:00"); naive datetimes count as UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def to_attribute(value: Any) -> Any:
    """A Python value in the shapes TypeSerializer accepts (Decimal for numbers, no None inside maps)."""
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput("numbers must be finite", {"value": str(value)})
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {str(key): to_attribute(inner) for key, inner in value.items() if inner is not None}
    if isinstance(value, list | tuple):
        return [to_attribute(inner) for inner in value]
    return value


def serialize(value: Any) -> dict[str, Any]:
    """One typed attribute value, e.g. for ExpressionAttributeValues."""
    return _serializer.serialize(to_attribute(value))


def deserialize(item: Mapping[str, Any]) -> dict[str, Any]:
    """A typed item as plain Python values (numbers come back as Decimal)."""
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


@dataclass(frozen=True)
class RecordCodec(Generic[R]):
    """Converts one record type; `json_fields` names the free-form dictionaries kept as JSON text."""

    model: type[R]
    json_fields: frozenset[str] = field(default_factory=frozenset)

    def to_item(self, record: R, **derived: str) -> Item:
        """The record's fields plus the derived key attributes given as keyword arguments."""
        values = record.model_dump(mode="python", exclude=set(self.json_fields))
        as_json = record.model_dump(mode="json", include=set(self.json_fields))
        values.update({name: json.dumps(as_json[name], separators=(",", ":")) for name in self.json_fields})
        values.update(derived)
        return {
            name: _serializer.serialize(to_attribute(value))
            for name, value in values.items()
            if value is not None
        }

    def from_item(self, item: Mapping[str, Any]) -> R:
        """The record stored in `item`; a stored item that no longer fits the schema is a backend fault."""
        values = {
            name: _deserializer.deserialize(value)
            for name, value in item.items()
            if name in self.model.model_fields
        }
        try:
            for name in self.json_fields & values.keys():
                values[name] = json.loads(values[name])
            return self.model.model_validate(values)
        except (ValidationError, json.JSONDecodeError) as error:
            raise StoreUnavailable(
                f"stored {self.model.__name__} does not match the schema", {"errors": str(error)}
            ) from error
