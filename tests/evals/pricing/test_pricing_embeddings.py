"""The eval's embedded run: vectors cached outside the repo by content, the text variant chosen inside the
training folds, held-out listings embedded when priced."""

from __future__ import annotations

from pathlib import Path

import numpy

from evals.pricing.evaluate import choose_variant, evaluate
from evals.pricing.vectors import LookupEmbedder, embed_items, listing_text
from tests.domain.pricing.factories import CountingEmbedder
from tests.evals.pricing.test_pricing_evaluate import shop


def test_vectors_are_embedded_once_and_then_read_from_the_cache(tmp_path: Path) -> None:
    items = shop(12)
    embedder = CountingEmbedder()

    first = embed_items(embedder, items, "title", cache_dir=tmp_path)
    second = embed_items(embedder, items, "title", cache_dir=tmp_path)
    other = embed_items(embedder, items[:6], "title", cache_dir=tmp_path)

    assert embedder.calls == [12, 6]  # the same texts were not embedded again; other texts were
    assert second.seconds == 0.0 and numpy.array_equal(first.vectors, second.vectors)
    assert other.vectors.shape == (6, embedder.dim)
    assert len(list(tmp_path.glob("title-*.npy"))) == 2


def test_the_lookup_embedder_answers_a_listing_text_with_its_items_vector() -> None:
    items = shop(3)
    vectors = numpy.eye(3, dtype=numpy.float32)

    embedder = LookupEmbedder("eval", items, vectors)

    assert numpy.array_equal(embedder.embed([listing_text(items[2])]), vectors[2:3])


def vectors_of(count: int) -> dict[str, numpy.ndarray]:
    """A variant whose first axis is the item's price and one of noise."""
    items = shop(count)
    rng = numpy.random.default_rng(1)
    logs = numpy.log1p([float(item.price) for item in items])
    informative = numpy.column_stack([logs - logs.mean(), rng.normal(0, 0.05, (count, 3))])
    noise = rng.normal(0, 1, (count, 4))
    return {
        "noise": (noise / numpy.linalg.norm(noise, axis=1, keepdims=True)).astype(numpy.float32),
        "priced": (informative / numpy.linalg.norm(informative, axis=1, keepdims=True)).astype(numpy.float32),
    }


def test_the_variant_whose_vectors_carry_price_is_chosen_from_the_training_sales() -> None:
    assert choose_variant(shop(90), vectors_of(90)) == "priced"


def test_the_embedded_run_reports_the_variant_each_fold_chose() -> None:
    report = evaluate("shop", shop(120), folds=3, vectors=vectors_of(120))

    assert report.variants == ("priced", "priced", "priced")
    assert 0 < report.pakka < report.category_mean
