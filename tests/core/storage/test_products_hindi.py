"""Contract: product search by Hindi (Devanagari) words, on every store backend.

Devanagari words carry vowel signs, virama and nukta (Unicode Mn/Mc), which Python's `\\w` does not match;
a query word must still be matched as the whole word, not as its consonants scattered over the text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.schemas import ProductQuery
from core.storage.repositories import Store
from core.storage.sqlite.products import match_expression, query_words
from tests.core.storage.factories import TENANT, make_product


def ids(store: Store, text: str) -> list[str]:
    page = store.products.search(TENANT, ProductQuery(text=text))
    return [product.id for product in page.items]


@pytest.fixture
def hindi_catalog(store: Store) -> Store:
    """Shoes named in Hindi, and an oil whose text holds words starting with the shoes' consonants (ज, त)."""
    store.products.put_many(
        [
            make_product(
                "joote-laal",
                name="लाल जूते",
                brand="कदम",
                description="रोज़ पहनने के लिए आरामदायक जूते",
                price_inr=Decimal("1299.00"),
            ),
            make_product(
                "tel-nariyal",
                name="नारियल तेल",
                brand="केरल",
                category="skincare",
                description="शुद्ध जल और नारियल से बना तेल",
                price_inr=Decimal("249.00"),
            ),
            make_product("sneaker", name="White Sneaker", description="Canvas shoe for every day."),
        ]
    )
    return store


def test_a_hindi_query_word_keeps_its_vowel_signs() -> None:
    assert query_words("लाल जूते!") == ["लाल", "जूते"]
    assert query_words("क्रीम, ज़्यादा") == ["क्रीम", "ज़्यादा"]
    assert match_expression("जूते") == '"जूते"*'


def test_words_of_other_scripts_are_still_split_at_punctuation_and_underscores() -> None:
    assert query_words("Crème-brûlée a_b") == ["crème", "brûlée", "a", "b"]


def test_a_hindi_product_name_is_found_by_its_hindi_word(hindi_catalog: Store) -> None:
    assert ids(hindi_catalog, "जूते") == ["joote-laal"]


def test_a_hindi_query_does_not_match_its_consonants_spread_over_other_words(hindi_catalog: Store) -> None:
    assert ids(hindi_catalog, "तेल") == ["tel-nariyal"]
    assert ids(hindi_catalog, "जूते तेल") == []


def test_hindi_and_english_words_combine_like_any_other_words(hindi_catalog: Store) -> None:
    assert ids(hindi_catalog, "लाल जूते") == ["joote-laal"]
    assert ids(hindi_catalog, "नारियल") == ["tel-nariyal"]
    assert ids(hindi_catalog, "white shoe") == ["sneaker"]
