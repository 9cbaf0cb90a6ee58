"""DynamoDB catalog search in Python: word splitting, the term score and the order of results."""

from __future__ import annotations

from decimal import Decimal

from core.schemas import ProductQuery
from core.storage.dynamodb.search import rank, relevance, words
from tests.core.storage.factories import make_product


def test_words_are_lower_cased_and_split_at_anything_but_letters_digits_and_marks() -> None:
    assert words("Trail-Running SHOE, size 9½!") == ["trail", "running", "shoe", "size", "9½"]
    assert words("हिंदी ब्लॉक") == ["हिंदी", "ब्लॉक"]  # vowel signs are marks: the words stay whole
    assert words("  ...  ") == []


def test_a_product_scores_zero_unless_every_term_prefixes_one_of_its_words() -> None:
    shoe = make_product(name="Trail Running Shoe", description="Grippy outsole")

    assert relevance(shoe, ["trail", "grip"]) > 0
    assert relevance(shoe, ["trail", "boot"]) == 0


def test_a_whole_word_outscores_a_prefix_and_a_name_outscores_a_description() -> None:
    in_name = make_product(name="Running Shoe", description="")
    prefix_in_name = make_product(name="Runner Shoe", description="")
    in_description = make_product(name="Sandal", description="for running")

    assert relevance(in_name, ["running"]) > relevance(prefix_in_name, ["running"])
    assert relevance(prefix_in_name, ["run"]) > relevance(in_description, ["run"])


def test_rank_orders_by_score_then_name_then_id_and_applies_the_filters() -> None:
    catalog = [
        make_product("p-3", name="Walking Shoe", description="running"),
        make_product("p-2", name="Running Shoe"),
        make_product("p-1", name="Running Shoe"),
        make_product("p-4", name="Running Shoe Deluxe", price_inr=Decimal("9999.00")),
        make_product("p-5", name="Running Sock", sizes=["free"]),
    ]
    query = ProductQuery(text="running", max_price_inr=Decimal("5000.00"), size="9")

    assert [product.id for product in rank(catalog, query, in_stock=None)] == ["p-1", "p-2", "p-3"]
    assert [product.id for product in rank(catalog, query, in_stock={"p-2", "p-3"})] == ["p-2", "p-3"]


def test_rank_without_words_orders_every_match_by_name_then_id() -> None:
    catalog = [
        make_product("p-2", name="Bag"),
        make_product("p-1", name="Bag"),
        make_product("p-0", name="Apron"),
    ]

    ranked = rank(catalog, ProductQuery(text=" -- "), in_stock=None)

    assert [product.id for product in ranked] == ["p-0", "p-1", "p-2"]
