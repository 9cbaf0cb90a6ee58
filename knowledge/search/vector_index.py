"""Exact cosine search over an in-memory float32 matrix, partitioned by tenant.

Vectors are L2-normalised, so cosine similarity is one matrix-vector product. Each tenant's rows sit in
their own contiguous matrix, and within it per-doc-type row indices are kept, so a search touches only
the tenant's partition plus the global one, and a doc-type filter touches only the rows of those types.
Exact search over 100k x 384 float32 (~150 MB) stays within a few milliseconds on two cores, which is why
there is no approximate index here; OpenSearch HNSW is the answer past that scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy

# When the filtered rows are fewer than this share of a partition, gather them and multiply only those;
# otherwise one product over the whole (contiguous) partition is cheaper than the gather.
GATHER_BELOW_SHARE = 0.3


@dataclass(frozen=True)
class VectorRow:
    rowid: int
    tenant_id: str
    doc_type: str
    category: str | None
    brand: str | None
    vector: numpy.ndarray


@dataclass(frozen=True)
class _CodedColumn:
    """A case-insensitive string column as int codes, so filtering is a vectorised integer compare."""

    codes: numpy.ndarray  # (n,) int32; -1 = no value
    vocabulary: dict[str, int]

    @classmethod
    def build(cls, values: Sequence[str | None]) -> _CodedColumn:
        vocabulary: dict[str, int] = {}
        codes = numpy.full(len(values), -1, dtype=numpy.int32)
        for i, value in enumerate(values):
            if value is not None:
                codes[i] = vocabulary.setdefault(value.casefold(), len(vocabulary))
        return cls(codes, vocabulary)

    def code_of(self, value: str) -> int:
        """The value's code, or -2 (matches no row) when no row holds it."""
        return self.vocabulary.get(value.casefold(), -2)


@dataclass
class _Partition:
    matrix: numpy.ndarray  # (n, dim) float32
    rowids: numpy.ndarray  # (n,) int64, SQLite rowids
    categories: _CodedColumn
    brands: _CodedColumn
    rows_by_type: dict[str, numpy.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: Sequence[VectorRow], dim: int) -> _Partition:
        matrix = numpy.empty((len(rows), dim), dtype=numpy.float32)
        for i, row in enumerate(rows):
            matrix[i] = row.vector
        types = numpy.array([row.doc_type for row in rows], dtype=object)
        return cls(
            matrix=matrix,
            rowids=numpy.array([row.rowid for row in rows], dtype=numpy.int64),
            categories=_CodedColumn.build([row.category for row in rows]),
            brands=_CodedColumn.build([row.brand for row in rows]),
            rows_by_type={t: numpy.flatnonzero(types == t) for t in set(types.tolist())},
        )

    def candidates(
        self, doc_types: Sequence[str] | None, category: str | None, brand: str | None
    ) -> numpy.ndarray | None:
        """Row indices passing the filters, or None for "every row"."""
        selected: numpy.ndarray | None = None
        if doc_types is not None:
            parts = [self.rows_by_type[t] for t in doc_types if t in self.rows_by_type]
            selected = numpy.sort(numpy.concatenate(parts)) if parts else numpy.empty(0, dtype=numpy.int64)
        for column, wanted in ((self.categories, category), (self.brands, brand)):
            if wanted is None:
                continue
            code = column.code_of(wanted)
            if selected is None:
                selected = numpy.flatnonzero(column.codes == code)
            else:
                selected = selected[column.codes[selected] == code]
        return selected

    def scores(
        self, query: numpy.ndarray, selected: numpy.ndarray | None
    ) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(rowids, cosine scores) of the selected rows."""
        if selected is None:
            return self.rowids, self.matrix @ query
        if len(selected) < GATHER_BELOW_SHARE * len(self.rowids):
            return self.rowids[selected], self.matrix[selected] @ query
        return self.rowids[selected], (self.matrix @ query)[selected]


class VectorIndex:
    """Tenant partitions of normalised vectors; replace a tenant's partition after its rows change."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._partitions: dict[str, _Partition] = {}

    def replace_tenant(self, tenant_id: str, rows: Sequence[VectorRow]) -> None:
        if rows:
            self._partitions[tenant_id] = _Partition.build(rows, self.dim)
        else:
            self._partitions.pop(tenant_id, None)

    def __len__(self) -> int:
        return sum(len(p.rowids) for p in self._partitions.values())

    def search(
        self,
        query: numpy.ndarray,
        tenants: Iterable[str],
        *,
        top_n: int,
        doc_types: Sequence[str] | None = None,
        category: str | None = None,
        brand: str | None = None,
    ) -> list[tuple[int, float]]:
        """Best `top_n` (rowid, cosine) pairs across the tenants' partitions, best first."""
        query = numpy.asarray(query, dtype=numpy.float32).reshape(-1)
        if query.shape[0] != self.dim:
            raise ValueError(f"query vector has {query.shape[0]} dimensions, the index has {self.dim}")
        rowid_parts: list[numpy.ndarray] = []
        score_parts: list[numpy.ndarray] = []
        for tenant_id in dict.fromkeys(tenants):
            partition = self._partitions.get(tenant_id)
            if partition is None:
                continue
            rowids, scores = partition.scores(query, partition.candidates(doc_types, category, brand))
            rowid_parts.append(rowids)
            score_parts.append(scores)
        if not rowid_parts:
            return []
        rowids = numpy.concatenate(rowid_parts)
        scores = numpy.concatenate(score_parts)
        if len(scores) > top_n:
            best = numpy.argpartition(-scores, top_n - 1)[:top_n]
        else:
            best = numpy.arange(len(scores))
        best = best[numpy.argsort(-scores[best], kind="stable")]
        return [(int(rowids[i]), float(scores[i])) for i in best]
