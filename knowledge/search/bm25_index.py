"""In-memory BM25 over tenant partitions: a term-document matrix in compressed sparse column layout.

Each tenant's documents form one partition. Its matrix has one column per distinct term holding the
documents that contain it and their saturated term weights, so a query touches only its own terms'
columns: scoring a term found in every document is one vectorised add over that column, not a row-by-row
pass like SQLite FTS5's bm25(). The layout is the one scipy.sparse calls CSC, built and read with plain
numpy (three arrays are all it needs).

Scores follow SQLite FTS5's bm25(), which this index replaced: a title occurrence counts TITLE_WEIGHT
times, the document length is title plus text tokens, k1 = 1.2 and b = 0.75. The IDF is Lucene's
ln(1 + (N - n + 0.5) / (n + 0.5)), always positive. N, n and the average document length are taken over
every partition searched (the tenant's own plus the global one), so a term's rarity and a document's
length are judged where it is searched, and a document scores the same whichever partition holds it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy

from knowledge.search.ranking import top_pairs
from knowledge.search.row_filter import ANY_ROW, RowAttributes, RowFilter
from knowledge.search.text_analysis import term_hash

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0
TEXT_WEIGHT = 1.0


@dataclass(frozen=True)
class LexicalRow:
    rowid: int
    doc_type: str
    category: str | None
    brand: str | None
    postings: numpy.ndarray  # text_analysis.POSTING records


@dataclass(frozen=True)
class _Partition:
    rowids: numpy.ndarray  # (n,) int64 SQLite rowids
    attributes: RowAttributes
    terms: numpy.ndarray  # (v,) uint64 sorted term hashes, one per column
    column_starts: numpy.ndarray  # (v + 1,) int64: column j is entries [starts[j], starts[j + 1])
    rows: numpy.ndarray  # (nnz,) int32 row index of each entry
    frequencies: numpy.ndarray  # (nnz,) float32 title-weighted term frequency of each entry
    lengths: numpy.ndarray  # (n,) float32 tokens per row, title plus text

    @classmethod
    def build(cls, rows: Sequence[LexicalRow]) -> _Partition:
        """Needs at least one row (an empty tenant has no partition)."""
        postings = numpy.concatenate([row.postings for row in rows])
        row_of_entry = numpy.repeat(
            numpy.arange(len(rows), dtype=numpy.int32), [len(row.postings) for row in rows]
        )
        counts = postings["title"].astype(numpy.float32) + postings["text"]
        frequencies = TITLE_WEIGHT * postings["title"].astype(numpy.float32) + TEXT_WEIGHT * postings["text"]
        terms, column_of_entry = numpy.unique(postings["term"], return_inverse=True)
        order = numpy.argsort(column_of_entry, kind="stable")
        column_starts = numpy.zeros(len(terms) + 1, dtype=numpy.int64)
        numpy.cumsum(numpy.bincount(column_of_entry, minlength=len(terms)), out=column_starts[1:])
        return cls(
            rowids=numpy.array([row.rowid for row in rows], dtype=numpy.int64),
            attributes=RowAttributes.build(rows),
            terms=terms,
            column_starts=column_starts,
            rows=row_of_entry[order],
            frequencies=frequencies[order],
            lengths=numpy.bincount(row_of_entry, weights=counts, minlength=len(rows)).astype(numpy.float32),
        )

    def column(self, hashed: int) -> int | None:
        position = int(numpy.searchsorted(self.terms, numpy.uint64(hashed)))
        if position < len(self.terms) and int(self.terms[position]) == hashed:
            return position
        return None

    def document_frequency(self, column: int | None) -> int:
        return 0 if column is None else int(self.column_starts[column + 1] - self.column_starts[column])

    def best(
        self,
        columns: Sequence[int | None],
        idf: Sequence[float],
        average_length: float,
        wanted: RowFilter,
        top_n: int,
    ) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(rowids, BM25 scores) of at most `top_n` best rows passing `wanted` and holding a query term."""
        totals = numpy.zeros(len(self.rowids), dtype=numpy.float32)
        per_token = numpy.float32(K1 * B / average_length)
        for column, weight in zip(columns, idf, strict=True):
            if column is None:
                continue
            start, end = self.column_starts[column], self.column_starts[column + 1]
            rows, frequency = self.rows[start:end], self.frequencies[start:end]
            norm = self.lengths[rows] * per_token + numpy.float32(K1 * (1 - B))
            totals[rows] += numpy.float32(weight * (K1 + 1)) * frequency / (frequency + norm)
        selected = self.attributes.selection(wanted)
        candidates = totals if selected is None else totals[selected]
        if len(candidates) > top_n:
            best = numpy.argpartition(-candidates, top_n - 1)[:top_n]
        else:
            best = numpy.arange(len(candidates))
        best = best[candidates[best] > 0]
        rows = best if selected is None else selected[best]
        return self.rowids[rows], totals[rows]


class Bm25Index:
    """Tenant partitions of BM25 postings; replace a tenant's partition after its rows change."""

    def __init__(self) -> None:
        self._partitions: dict[str, _Partition] = {}

    def replace_tenant(self, tenant_id: str, rows: Sequence[LexicalRow]) -> None:
        if rows:
            self._partitions[tenant_id] = _Partition.build(rows)
        else:
            self._partitions.pop(tenant_id, None)

    def __len__(self) -> int:
        return sum(len(p.rowids) for p in self._partitions.values())

    def search(
        self, terms: Sequence[str], tenants: Iterable[str], *, top_n: int, wanted: RowFilter = ANY_ROW
    ) -> list[tuple[int, float]]:
        """Best `top_n` (rowid, BM25 score) pairs across the tenants' partitions, best first."""
        partitions = [self._partitions[t] for t in dict.fromkeys(tenants) if t in self._partitions]
        if not partitions or not terms:
            return []
        hashes = [term_hash(term) for term in dict.fromkeys(terms)]
        columns = [[partition.column(hashed) for hashed in hashes] for partition in partitions]
        documents = sum(len(partition.rowids) for partition in partitions)
        containing = [
            sum(p.document_frequency(cols[i]) for p, cols in zip(partitions, columns, strict=True))
            for i in range(len(hashes))
        ]
        idf = [inverse_document_frequency(documents, n) for n in containing]
        average_length = sum(float(p.lengths.sum()) for p in partitions) / documents or 1.0
        found = [
            p.best(cols, idf, average_length, wanted, top_n)
            for p, cols in zip(partitions, columns, strict=True)
        ]
        rowids = numpy.concatenate([rowids for rowids, _ in found])
        scores = numpy.concatenate([scores for _, scores in found])
        return top_pairs(rowids, scores, top_n)


def inverse_document_frequency(documents: int, containing: int) -> float:
    return math.log(1 + (documents - containing + 0.5) / (containing + 0.5))
