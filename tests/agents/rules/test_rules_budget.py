"""Price bounds from English, Hindi and Hinglish messages; numbers that are not money stay out."""

from __future__ import annotations

import pytest

from agents.rules.budget import PriceBounds, extract_price_bounds


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("running shoes under 3000", None, 3000),
        ("kurta ₹2,500", None, 2500),
        ("Rs. 999 wali tee", None, 999),
        ("saree 3k tak", None, 3000),
        ("3 hazaar tak ke joote", None, 3000),
        ("teen hazaar se kam", None, 3000),
        ("sadhe teen hazaar ka suit", None, 3500),
        ("dedh lakh ka laptop", None, 150000),
        ("phone 1,50,000 budget", None, 150000),
        ("3000 से कम जूते", None, 3000),
        ("३००० तक की साड़ी", None, 3000),
        ("tv above 20000", 20000, None),
        ("1000 se upar", 1000, None),
        ("between 1000 and 2000", 1000, 2000),
        ("1000 se 2000 ke beech", 1000, 2000),
        ("₹1,500-2,500 kurti", 1500, 2500),
        ("2-3k sneakers", 2000, 3000),
        ("budget 2000", None, 2000),
        ("black sneakers under 2k size 9", None, 2000),
        ("kurti 1.5k tak size L", None, 1500),
        ("jeans below 1500 size 32", None, 1500),
    ],
)
def test_price_bounds_in_rupees(text: str, low: float | None, high: float | None) -> None:
    assert extract_price_bounds(text) == PriceBounds(low, high, "INR")


def test_around_an_amount_is_a_band_either_side() -> None:
    bounds = extract_price_bounds("lagbhag 2000 ka gift")

    assert bounds is not None and bounds.low == pytest.approx(1700) and bounds.high == pytest.approx(2300)


def test_dollar_amounts_keep_their_currency() -> None:
    assert extract_price_bounds("and price lower than 30.00 dollars") == PriceBounds(None, 30.0, "USD")


@pytest.mark.parametrize(
    "text",
    [
        "size 9 shoes",
        "9 size ke joote",
        "9 number ka joota",
        "pack of 12 socks",
        "12 fl oz (pack of 4) soft drinks",
        "a 1 tb nvme with 64 gig",
        "under 10 ounces",
        "32 waist jeans",
        "hdmi cables 10 feet long in a 5 pack",
        "kurta",
    ],
)
def test_sizes_counts_and_volumes_are_not_budgets(text: str) -> None:
    assert extract_price_bounds(text) is None


@pytest.mark.parametrize(
    "text",
    ["mera size 8 aur 9 ke beech hai", "I'm between 8 and 9", "size 7 se 8 tak", "साइज़ 8 और 9 के बीच"],
)
def test_two_sizes_either_side_of_a_range_word_are_not_a_budget(text: str) -> None:
    assert extract_price_bounds(text) is None


def test_a_range_said_with_amounts_is_still_a_budget() -> None:
    assert extract_price_bounds("between 500 and 1000") == PriceBounds(500, 1000, "INR")


@pytest.mark.parametrize(
    ("text", "high"),
    [("kurti M size 1000 tak", 1000), ("uk 10 3000 tak", 3000)],
)
def test_an_amount_no_size_could_be_is_a_budget_even_after_a_size_word(text: str, high: int) -> None:
    assert extract_price_bounds(text) == PriceBounds(None, high, "INR")


@pytest.mark.parametrize("text", ["size 9", "pack of 120", "size 100"])
def test_sizes_and_counts_after_their_words_stay_out_of_the_budget(text: str) -> None:
    assert extract_price_bounds(text) is None
