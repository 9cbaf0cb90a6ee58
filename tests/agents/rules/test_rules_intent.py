"""Shopping intent: every constraint a shopper states, in English, Hindi or Hinglish."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(
    ("text", "category", "query"),
    [
        ("snekers size 8", "footwear", "sneakers"),
        ("trousres for men", "apparel", "trousers"),
        ("moisturzer for dry skin", "skincare", "moisturizer dry skin"),
    ],
)
def test_a_product_word_one_slip_off_is_still_that_product(text: str, category: str, query: str) -> None:
    intent = parse_shopping_intent(text)

    assert (intent.category, intent.query) == (category, query)


@pytest.mark.parametrize(
    "text",
    ["it feels tight", "sports day", "a cleaner for the kitchen", "3 seater"],
)
def test_words_of_their_own_are_not_read_as_a_misspelt_product(text: str) -> None:
    assert parse_shopping_intent(text).category is None


def test_a_product_written_right_wins_over_a_near_miss() -> None:
    assert parse_shopping_intent("sports shoes").query == "sports shoes"


def test_a_possessive_relative_says_who_it_is_for() -> None:
    intent = parse_shopping_intent("gold juttis for my sister's wedding")

    assert (intent.gender, intent.occasion, intent.query) == ("women", "wedding", "jutti")


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("polo t-shirt chest 40 under 700", "40"),
        ("kurta for a 42 inch chest", "42"),
        ("loafers IND 9 below Rs.3000", "UK 9"),
        ("size india 8 sandals", "UK 8"),
    ],
)
def test_chest_sizes_and_indian_shoe_sizes(text: str, size: str) -> None:
    assert extract_size(text) == size


def test_chest_is_a_size_word_not_a_search_word() -> None:
    assert parse_shopping_intent("polo t-shirt chest 40").query == "t-shirt polo"


def test_an_occasion_alone_says_what_to_search_for() -> None:
    intent = parse_shopping_intent("Diwali gift ideas under 800")

    assert (intent.category, intent.occasion, intent.query) == (None, "festive", "festive gift ideas")


@pytest.mark.parametrize(
    ("text", "category", "query"),
    [
        ("लड़कों के लिए टी-शर्ट दिखाओ", "apparel", "t-shirt"),
        ("तैलीय त्वचा के लिए सनस्क्रीन", "skincare", "sunscreen"),
        ("पूजा के लिए दीये", "home", "diya"),
        ("स्नीकर्स 2000 तक", "footwear", "sneakers"),
    ],
)
def test_product_words_written_in_devanagari(text: str, category: str, query: str) -> None:
    intent = parse_shopping_intent(text)

    assert (intent.category, intent.query.split()[0]) == (category, query)


def test_what_a_product_should_be_said_in_hindi_is_searched_in_english() -> None:
    assert parse_shopping_intent("तैलीय त्वचा के लिए सनस्क्रीन").query == "sunscreen oily skin"
