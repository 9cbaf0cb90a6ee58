"""The number extractor reads every number an explanation states, with its kind, unit and shown precision."""

from __future__ import annotations

from datetime import date

import pytest

from evals.metrics.numbers import Kind, NumberToken, extract_numbers


def read(text: str) -> list[tuple[str, float, Kind, str]]:
    return [(t.text, t.value, t.kind, t.unit) for t in extract_numbers(text)]


def only(text: str) -> NumberToken:
    tokens = extract_numbers(text)
    assert len(tokens) == 1, tokens
    return tokens[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("₹599", 599.0),
        ("₹1,499", 1499.0),
        ("₹ 1,499", 1499.0),
        ("Rs. 1,23,456", 123456.0),
        ("Rs 12,34,567", 1234567.0),
        ("INR 2,500", 2500.0),
        ("2,500 rupees", 2500.0),
        ("₹2.5k", 2500.0),
        ("₹3 lakh", 300000.0),
        ("₹1.2 crore", 12000000.0),
    ],
)
def test_rupee_amounts_with_indian_or_western_grouping_and_scale_words(text: str, value: float) -> None:
    token = only(text)

    assert (token.kind, token.unit, token.value) == (Kind.MONEY, "INR", value)


def test_dollar_amounts_keep_their_cents_as_precision() -> None:
    token = only("sold for $1,234,567.50")

    assert (token.kind, token.unit, token.value, token.step) == (Kind.MONEY, "USD", 1234567.5, 0.01)


def test_a_rupee_range_gives_both_ends_in_rupees() -> None:
    assert read("range ₹46 to ₹172") == [("₹46", 46.0, Kind.MONEY, "INR"), ("₹172", 172.0, Kind.MONEY, "INR")]
    assert read("₹46-172") == [("₹46", 46.0, Kind.MONEY, "INR"), ("172", 172.0, Kind.MONEY, "INR")]


def test_a_millimetre_range_is_two_lengths_not_a_negative_number() -> None:
    assert read("fits feet of 256-267 mm") == [
        ("256", 256.0, Kind.LENGTH, "mm"),
        ("267 mm", 267.0, Kind.LENGTH, "mm"),
    ]
    assert [t.value for t in extract_numbers("8.5-19 mm of room")] == [8.5, 19.0]
    assert [t.value for t in extract_numbers("256 - 267 mm")] == [256.0, 267.0]


def test_centimetres_are_read_in_millimetres_with_their_precision() -> None:
    tokens = extract_numbers("a foot of 25-26 cm")

    assert [(t.value, t.kind, t.step) for t in tokens] == [
        (250.0, Kind.LENGTH, 10.0),
        (260.0, Kind.LENGTH, 10.0),
    ]


def test_percentages_signed_and_unsigned() -> None:
    assert [(t.value, t.signed) for t in extract_numbers("condition -1%: season −4%; model +1%, 89%")] == [
        (-1.0, True),
        (-4.0, True),
        (1.0, True),
        (89.0, False),
    ]
    assert only("12 percent").kind is Kind.PERCENT


def test_a_percentage_range_is_not_a_negative_percentage() -> None:
    assert [(t.value, t.signed) for t in extract_numbers("5%-10%")] == [(5.0, False), (10.0, False)]


def test_shoe_and_clothing_sizes_carry_their_system() -> None:
    assert read("between sizes UK 7 and UK 7.5, EU 42, US 9, size 40, UK8") == [
        ("UK 7", 7.0, Kind.SIZE, "UK"),
        ("UK 7.5", 7.5, Kind.SIZE, "UK"),
        ("EU 42", 42.0, Kind.SIZE, "EU"),
        ("US 9", 9.0, Kind.SIZE, "US"),
        ("size 40", 40.0, Kind.SIZE, ""),
        ("UK8", 8.0, Kind.SIZE, "UK"),
    ]


def test_the_word_us_and_the_word_in_are_not_size_systems() -> None:
    assert read("tell us 3 things, sold in 2024") == [
        ("3", 3.0, Kind.NUMBER, ""),
        ("2024", 2024.0, Kind.NUMBER, ""),
    ]


@pytest.mark.parametrize("text", ["16 Jun 2026", "16 June 2026", "Jun 16, 2026", "2026-06-16"])
def test_dates_are_one_token_not_three_numbers(text: str) -> None:
    token = only(f"sold {text}.")

    assert (token.kind, token.value) == (Kind.DATE, float(date(2026, 6, 16).toordinal()))


def test_an_impossible_date_is_not_a_date() -> None:
    assert all(t.kind is not Kind.DATE for t in extract_numbers("31 Feb 2026"))


def test_precision_is_one_unit_of_the_last_digit_shown() -> None:
    assert [t.step for t in extract_numbers("0.89, 1.5 mm, 97%, ₹3k, 1.00")] == [0.01, 0.1, 1.0, 1000.0, 0.01]


def test_digits_inside_words_are_not_claims_but_digits_before_letters_are() -> None:
    assert read("Levi's w34 iPhone12 B5 64GB 50ml") == [
        ("64GB", 64.0, Kind.NUMBER, "gb"),
        ("50ml", 50.0, Kind.NUMBER, "ml"),
    ]


def test_factors_and_plain_numbers() -> None:
    assert read("x1.02 ×0.98 similarity^0.5 (similarity 0.84), 6 comparable sales") == [
        ("x1.02", 1.02, Kind.NUMBER, "x"),
        ("×0.98", 0.98, Kind.NUMBER, "x"),
        ("0.5", 0.5, Kind.NUMBER, ""),
        ("0.84", 0.84, Kind.NUMBER, ""),
        ("6", 6.0, Kind.NUMBER, ""),
    ]


def test_a_sentence_end_is_not_a_decimal_point() -> None:
    assert read("It costs ₹599.") == [("₹599", 599.0, Kind.MONEY, "INR")]


def test_a_malformed_digit_group_is_not_read_as_a_thousand() -> None:
    assert [t.value for t in extract_numbers("1,2345")] != [1234.0]


def test_text_without_numbers_gives_none() -> None:
    assert extract_numbers("Suits oily skin; helps with acne.") == []
