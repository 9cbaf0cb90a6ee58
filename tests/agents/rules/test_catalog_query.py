"""A search box's text read with the intent parser: the price phrase becomes a cap and leaves the words, and
the lexicon's English words are added for Hindi and Hinglish ones."""

from __future__ import annotations

import pytest

from agents.rules.catalog_query import read_catalog_text


@pytest.mark.parametrize(
    ("text", "words", "max_price", "min_price"),
    [
        ("running shoes under 3000", "running shoes", 3000, None),
        ("running shoes 3 hazaar tak", "running shoes", 3000, None),
        ("kurta ₹2,500 se kam", "kurta", 2500, None),
        ("shoes 1000 se 2000 ke beech", "shoes", 2000, 1000),
        ("shoes between 1000 and 2000", "shoes", 2000, 1000),
        ("shoes 2-3k", "shoes", 3000, 2000),
        ("under 3000", None, 3000, None),
        ("size 9 running shoes", "size 9 running shoes", None, None),
        ("pack of 12 socks", "pack of 12 socks", None, None),
        ("50ml face wash", "50ml face wash", None, None),
    ],
)
def test_the_price_phrase_becomes_a_cap_and_leaves_the_words(
    text: str, words: str | None, max_price: int | None, min_price: int | None
) -> None:
    reading = read_catalog_text(text)

    assert (reading.words, reading.max_price_inr, reading.min_price_inr) == (words, max_price, min_price)


@pytest.mark.parametrize(
    ("text", "added"),
    [("चप्पल", ("sandals",)), ("chappal", ("sandals",)), ("जूते", ("shoes",)), ("laal kurta", ("red",))],
)
def test_hindi_and_hinglish_words_also_search_in_english(text: str, added: tuple[str, ...]) -> None:
    reading = read_catalog_text(text)

    assert reading.added == added
    assert reading.words is not None and reading.words.endswith(" ".join(added))


def test_nothing_searchable_reads_as_no_words() -> None:
    assert read_catalog_text("😀").words is None
