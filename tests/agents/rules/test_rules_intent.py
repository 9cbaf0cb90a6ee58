"""Shopping intent: every constraint a shopper states, in English, Hindi or Hinglish."""

from __future__ import annotations

from agents.rules.intent import extract_size, parse_shopping_intent
from agents.schemas import ShoppingIntent


def test_hinglish_message_with_every_constraint() -> None:
    intent = parse_shopping_intent(
        "Mujhe shaadi ke liye laal kurta chahiye 3000 se kam, size XL, mere pati ke liye"
    )

    assert intent == ShoppingIntent(
        category="apparel",
        budget_max_inr=3000,
        size="XL",
        colour="red",
        gender="men",
        occasion="wedding",
        query="kurta",
    )


def test_english_message_with_brand_and_uk_size() -> None:
    intent = parse_shopping_intent("Nike running shoes under ₹4,000 for women, size UK 6")

    assert (intent.brand, intent.size, intent.gender, intent.budget_max_inr) == (
        "Nike",
        "UK 6",
        "women",
        4000,
    )
    assert intent.category == "footwear"
    assert intent.query == "running shoes"


def test_devanagari_message() -> None:
    intent = parse_shopping_intent("बच्चों के लिए नीली साड़ी 2000 तक")

    assert (intent.category, intent.colour, intent.budget_max_inr, intent.gender) == (
        "apparel",
        "blue",
        2000,
        "kids",
    )


def test_hinglish_number_words_and_shoe_size() -> None:
    intent = parse_shopping_intent("teen hazaar tak ke kaale joote dikhao 9 number")

    assert (intent.budget_max_inr, intent.colour, intent.size, intent.query) == (3000, "black", "9", "shoes")


def test_words_that_are_also_brands_need_a_capital_or_the_word_brand() -> None:
    assert parse_shopping_intent("a boat ride shirt").brand is None
    assert parse_shopping_intent("Boat earbuds").brand == "boAt"
    assert parse_shopping_intent("earbuds of boat brand").brand == "boAt"


def test_an_unknown_brand_named_as_a_brand_is_kept() -> None:
    assert parse_shopping_intent("womens bootcut pants in the brand of tapata").brand == "Tapata"


def test_letter_and_numeric_sizes() -> None:
    assert extract_size("briefs in a large") == "L"
    assert extract_size("x-large casual dresses") == "XL"
    assert extract_size("shoes in a size 11-11.5 women") == "11-11.5"
    assert extract_size("jeans 32 waist") == "32"
    assert extract_size("a large bowl") is None


def test_a_message_without_constraints_leaves_every_field_empty() -> None:
    intent = parse_shopping_intent("hello there")

    assert intent.model_dump(exclude={"query"}) == ShoppingIntent().model_dump(exclude={"query"})


def test_singular_and_plural_product_words_are_both_understood() -> None:
    curtain = parse_shopping_intent("door curtain in sage green")
    mugs = parse_shopping_intent("coffee mugs set of 2")

    assert (curtain.category, curtain.query.split()[0]) == ("home", "curtains")
    assert (mugs.category, mugs.query.split()[0]) == ("home", "mug")


def test_a_plural_product_word_is_not_read_as_a_colour() -> None:
    assert parse_shopping_intent("hyaluronic acid cc creams").colour is None


def test_home_goods_are_a_category_with_their_budget() -> None:
    intent = parse_shopping_intent("wall clock under Rs.2000")

    assert (intent.category, intent.budget_max_inr, intent.query) == ("home", 2000, "wall clock")


def test_a_shoe_size_after_a_budget_in_thousands_is_still_the_size() -> None:
    intent = parse_shopping_intent("need black sneakers for men under 2k size 9")

    assert (intent.budget_max_inr, intent.size, intent.colour) == (2000, "9", "black")


def test_a_kind_of_shoe_or_shirt_stays_in_the_search_words() -> None:
    assert parse_shopping_intent("trekking shoes size 10 around 3000").query == "trekking shoes"
    assert parse_shopping_intent("formal shirt for men").query == "formal shirt"
