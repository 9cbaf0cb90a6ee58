"""The lexical similarity fallback: TF-IDF over words, word pairs and in-word trigrams, calibrated."""

from __future__ import annotations

import numpy
import pytest

from domain.pricing.lexical import LexicalIndex, calibrate, features

TITLES = ["Levi's 511 slim fit jeans", "Nike Air Max 90 sneakers", "Biba cotton kurta", "Levis 511 jeans"]


def test_features_are_words_word_pairs_and_in_word_trigrams() -> None:
    counts = features("Slim jeans")

    assert {"w:slim", "w:jeans", "b:slim_jeans", "c:<sl", "c:ns>"} <= set(counts)


def test_a_title_is_most_similar_to_itself_and_unrelated_titles_score_zero() -> None:
    index = LexicalIndex.build(TITLES)

    scores = index.cosine("Levi's 511 slim fit jeans")

    assert scores[0] == pytest.approx(1.0, abs=1e-5)
    assert scores[3] > scores[1] and scores[3] > scores[2]
    assert scores[2] == 0.0


def test_plural_and_spacing_variants_still_overlap() -> None:
    index = LexicalIndex.build(["Nike sneakers", "Puma football"])

    assert index.cosine("nike sneaker")[0] > 0.5


def test_words_the_index_never_saw_lower_the_similarity() -> None:
    index = LexicalIndex.build(TITLES)

    assert index.cosine("Biba cotton kurta zardozi handwork")[2] < index.cosine("Biba cotton kurta")[2]


def test_an_empty_query_matches_nothing() -> None:
    assert LexicalIndex.build(TITLES).cosine("!!!").tolist() == [0.0] * len(TITLES)


def test_calibration_is_monotone_and_maps_the_lexical_cutoff_to_0_70() -> None:
    grid = numpy.linspace(0, 1, 101)
    mapped = calibrate(grid)

    assert numpy.all(numpy.diff(mapped) >= 0)
    assert mapped[0] == 0.0 and mapped[-1] == pytest.approx(1.0)
    assert calibrate(numpy.array([0.53]))[0] == pytest.approx(0.70, abs=1e-6)
