"""Metadata filters over the rows of one in-memory tenant partition, shared by the BM25 and vector indexes.

Each partition keeps its rows' doc type, category and brand as integer codes, so a filter is a vectorised
integer compare instead of a Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy

NO_VALUE = -1
UNKNOWN_VALUE = -2  # the code of a wanted value no row holds: it matches nothing


@dataclass(frozen=True)
class RowFilter:
    """What a search keeps, beyond the tenant: None means "any"."""

    doc_types: Sequence[str] | None = None
    category: str | None = None
    brand: str | None = None


ANY_ROW = RowFilter()


class FilterableRow(Protocol):
    """The metadata of an indexed row that a RowFilter reads."""

    @property
    def doc_type(self) -> str: ...
    @property
    def category(self) -> str | None: ...
    @property
    def brand(self) -> str | None: ...


@dataclass(frozen=True)
class _CodedColumn:
    """A case-insensitive string column as int32 codes (NO_VALUE where the row has none)."""

    codes: numpy.ndarray
    vocabulary: dict[str, int]

    @classmethod
    def build(cls, values: Sequence[str | None]) -> _CodedColumn:
        vocabulary: dict[str, int] = {}
        codes = numpy.full(len(values), NO_VALUE, dtype=numpy.int32)
        for i, value in enumerate(values):
            if value is not None:
                codes[i] = vocabulary.setdefault(value.casefold(), len(vocabulary))
        return cls(codes, vocabulary)

    def code_of(self, value: str) -> int:
        return self.vocabulary.get(value.casefold(), UNKNOWN_VALUE)


@dataclass(frozen=True)
class RowAttributes:
    doc_types: _CodedColumn
    categories: _CodedColumn
    brands: _CodedColumn

    @classmethod
    def build(cls, rows: Sequence[FilterableRow]) -> RowAttributes:
        return cls(
            _CodedColumn.build([row.doc_type for row in rows]),
            _CodedColumn.build([row.category for row in rows]),
            _CodedColumn.build([row.brand for row in rows]),
        )

    def selection(self, wanted: RowFilter) -> numpy.ndarray | None:
        """Sorted indices of the rows passing `wanted`, or None when it keeps every row."""
        keep: numpy.ndarray | None = None
        if wanted.doc_types is not None:
            codes = [self.doc_types.code_of(doc_type) for doc_type in wanted.doc_types]
            keep = numpy.isin(self.doc_types.codes, codes)
        for column, value in ((self.categories, wanted.category), (self.brands, wanted.brand)):
            if value is not None:
                matches = column.codes == column.code_of(value)
                keep = matches if keep is None else keep & matches
        return None if keep is None else numpy.flatnonzero(keep)
