"""TF-IDF similarity over listing titles in plain numpy: the fallback when no embedding model is installed.

Features are words, word pairs and character trigrams inside words (so "sneaker" meets "sneakers" and
"iphone7" meets "iphone 7"). Documents are stored as an inverted index (feature -> rows, weights), so a
query touches only the postings of its own features: O(postings), not O(documents x vocabulary).

Raw TF-IDF cosines run lower than sentence-embedding cosines for the same pair (two titles sharing half their
words score ~0.5 lexically but ~0.8 with MiniLM), so `calibrate` maps them onto the embedding scale with a
piecewise-linear curve fitted by quantile matching on Mercari title pairs (evals/pricing/calibrate_lexical):
a raw TF-IDF cosine of 0.53 sits at the same quantile as a MiniLM cosine of 0.70, so after calibration the
0.70 threshold keeps about the same share of pairs under either similarity (and so does any other).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy

_WORD = re.compile(r"[a-z0-9]+")

# (lexical cosine, embedding-scale similarity) anchors from evals/pricing/calibrate_lexical.py on the 79,800
# pairs of 400 Mercari titles; the top anchors rest on the ~80 pairs MiniLM scores above 0.70 (approximate).
CALIBRATION_LEXICAL = (0.0, 0.07, 0.24, 0.40, 0.53, 0.63, 0.76, 0.84, 1.0)
CALIBRATION_EMBEDDING = (0.0, 0.38, 0.52, 0.62, 0.70, 0.77, 0.83, 0.92, 1.0)


def calibrate(lexical: numpy.ndarray) -> numpy.ndarray:
    """Lexical cosines moved onto the embedding similarity scale (monotone, 0 -> 0, 1 -> 1)."""
    return numpy.interp(lexical, CALIBRATION_LEXICAL, CALIBRATION_EMBEDDING).astype(numpy.float32)


def features(text: str) -> Counter[str]:
    """Term counts of one text: words, adjacent word pairs and in-word character trigrams."""
    words = _WORD.findall(text.lower())
    counts: Counter[str] = Counter(f"w:{word}" for word in words)
    counts.update(f"b:{left}_{right}" for left, right in pairwise(words))
    for word in words:
        padded = f"<{word}>"
        counts.update(f"c:{padded[i : i + 3]}" for i in range(len(padded) - 2))
    return counts


@dataclass
class LexicalIndex:
    """An immutable TF-IDF inverted index over `texts` (rows keep their order)."""

    vocabulary: dict[str, int]
    idf: numpy.ndarray
    indptr: numpy.ndarray  # postings of feature f: rows[indptr[f]:indptr[f + 1]]
    rows: numpy.ndarray
    values: numpy.ndarray
    size: int

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        per_doc = [features(text) for text in texts]
        document_frequency: Counter[str] = Counter()
        for counts in per_doc:
            document_frequency.update(counts.keys())
        vocabulary = {term: index for index, term in enumerate(sorted(document_frequency))}
        idf = numpy.zeros(len(vocabulary), dtype=numpy.float32)
        for term, frequency in document_frequency.items():
            idf[vocabulary[term]] = math.log((1 + len(texts)) / (1 + frequency)) + 1.0
        row_ids: list[int] = []
        feature_ids: list[int] = []
        weights: list[float] = []
        for row, counts in enumerate(per_doc):
            ids = [vocabulary[term] for term in counts]
            vector = numpy.array([(1 + math.log(counts[term])) for term in counts], dtype=numpy.float32)
            vector *= idf[ids]
            norm = float(numpy.linalg.norm(vector)) or 1.0
            row_ids.extend([row] * len(ids))
            feature_ids.extend(ids)
            weights.extend((vector / norm).tolist())
        order = numpy.argsort(numpy.asarray(feature_ids, dtype=numpy.int64), kind="stable")
        features_sorted = numpy.asarray(feature_ids, dtype=numpy.int64)[order]
        indptr = numpy.zeros(len(vocabulary) + 1, dtype=numpy.int64)
        numpy.cumsum(numpy.bincount(features_sorted, minlength=len(vocabulary)), out=indptr[1:])
        return cls(
            vocabulary=vocabulary,
            idf=idf,
            indptr=indptr,
            rows=numpy.asarray(row_ids, dtype=numpy.int32)[order],
            values=numpy.asarray(weights, dtype=numpy.float32)[order],
            size=len(texts),
        )

    def query_vector(self, text: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(feature ids, L2-normalised weights) of a query; terms the index never saw are dropped, but still
        count in the norm, so a query full of unseen words cannot look similar to anything."""
        counts = features(text)
        if not counts:
            return numpy.zeros(0, dtype=numpy.int64), numpy.zeros(0, dtype=numpy.float32)
        unseen_idf = math.log(1 + self.size) + 1.0
        ids: list[int] = []
        weights: list[float] = []
        unseen_mass = 0.0
        for term, count in counts.items():
            tf = 1 + math.log(count)
            if term in self.vocabulary:
                ids.append(self.vocabulary[term])
                weights.append(tf * float(self.idf[self.vocabulary[term]]))
            else:
                unseen_mass += (tf * unseen_idf) ** 2
        vector = numpy.asarray(weights, dtype=numpy.float32)
        norm = math.sqrt(float(vector @ vector) + unseen_mass) or 1.0
        return numpy.asarray(ids, dtype=numpy.int64), vector / norm

    def cosine(self, text: str) -> numpy.ndarray:
        """Cosine similarity of `text` to every row, shape (size,)."""
        ids, weights = self.query_vector(text)
        if ids.size == 0:
            return numpy.zeros(self.size, dtype=numpy.float32)
        starts, ends = self.indptr[ids], self.indptr[ids + 1]
        lengths = ends - starts
        positions = numpy.repeat(ends - lengths.cumsum(), lengths) + numpy.arange(int(lengths.sum()))
        scores = numpy.bincount(
            self.rows[positions],
            weights=self.values[positions] * numpy.repeat(weights, lengths),
            minlength=self.size,
        )
        return numpy.minimum(scores, 1.0).astype(numpy.float32)
