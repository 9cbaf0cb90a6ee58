"""Sentence embeddings of the eval datasets, computed once with the local MiniLM and cached outside the repo.

Two text variants are embedded: "title" (the title alone) and "listing" (title, brand, category and
description, as the event service embeds a listing: domain/pricing/events.listing_text, which MiniLM
truncates at 128 tokens). The cache is one .npy file per (embedder, variant, texts), named by a SHA-256
of the texts, under ~/.cache/pakka/pricing-eval (PAKKA_EVAL_CACHE overrides it): only vectors are stored
there, never the dataset, and nothing under the repository.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy

from core.records.sales import SoldItem
from domain.pricing.comparables import embedding_text
from knowledge.embeddings import Embedder

CACHE_DIR = Path(os.environ.get("PAKKA_EVAL_CACHE", Path.home() / ".cache" / "pakka" / "pricing-eval"))

VARIANTS: dict[str, Callable[[SoldItem], str]] = {
    "title": lambda item: item.title,
    "listing": lambda item: listing_text(item),
}


def local_embedder() -> Embedder | None:
    """The bundled MiniLM, or None when its package is not installed."""
    from core.settings import Settings
    from knowledge.embeddings import build_embedder

    return build_embedder(Settings(embedding_model="local"))


@dataclass(frozen=True)
class Embedded:
    """Vectors of one variant, one row per item in order, and the seconds spent embedding (0 when cached)."""

    vectors: numpy.ndarray
    seconds: float


def embed_items(
    embedder: Embedder, items: Sequence[SoldItem], variant: str, cache_dir: Path = CACHE_DIR
) -> Embedded:
    """The items' vectors in `variant`, from the cache when these exact texts were embedded before."""
    texts = [VARIANTS[variant](item) for item in items]
    digest = hashlib.sha256("\n\x00".join([embedder.name, variant, *texts]).encode()).hexdigest()[:24]
    path = cache_dir / f"{variant}-{digest}.npy"
    if path.exists():
        return Embedded(numpy.load(path), 0.0)
    started = time.perf_counter()
    vectors = numpy.asarray(embedder.embed(texts), dtype=numpy.float32)
    seconds = time.perf_counter() - started
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npy")
    numpy.save(partial, vectors)
    partial.replace(path)
    return Embedded(vectors, seconds)


class LookupEmbedder:
    """An embedder over vectors computed beforehand: the index embeds a query's listing text
    (comparables.embedding_text), answered from `vectors` by that text (the variant's vector of the item with
    that text; an unknown text raises). Lets the eval price thousands of queries without re-running MiniLM."""

    def __init__(self, name: str, items: Sequence[SoldItem], vectors: numpy.ndarray) -> None:
        self.name = name
        self.dim = int(vectors.shape[1])
        self._by_text = {listing_text(item): vector for item, vector in zip(items, vectors, strict=True)}

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        return numpy.vstack([self._by_text[text] for text in texts]) if texts else numpy.zeros((0, self.dim))


def listing_text(item: SoldItem) -> str:
    return embedding_text(item.title, item.brand, item.category, item.description)
