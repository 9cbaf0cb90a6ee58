"""Money written by currency everywhere pakka writes text: the formatter, the rule-based tier's analyst,
validator and merchant note, and what the language-model tiers are given (prompts and task facts)."""

from __future__ import annotations

import pytest

from agents.pricing.money import indian_grouping, money, money_range, rupees
from agents.pricing.schemas import PriceReviewContext, review_amounts
from agents.pricing.validator import Proposal, check_rules
from agents.rules.pricing import review_price
from agents.rules.writer import merchant_note
from agents.schemas import MerchantNoteContext
from agents.text_tasks import TextTask, task_message
from prompts.pricing import ANALYST, EXPLAINER


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (123456, "INR", "₹1,23,456"),
        (15000000, "INR", "₹1,50,00,000"),
        (999, "INR", "₹999"),
        (1299.4, "INR", "₹1,299"),
        (-1200, "INR", "-₹1,200"),
        (86.0, "USD", "$86.00"),
        (1234.5, "USD", "$1,234.50"),
        (-5, "USD", "-$5.00"),
        (19.99, "EUR", "€19.99"),
        (7, "GBP", "£7.00"),
        (1500.4, "JPY", "¥1,500"),
        (1234.5, "CHF", "1,234.50 CHF"),
        (32.83, "usd", "$32.83"),
    ],
)
def test_an_amount_is_written_the_way_its_currency_is_read(
    amount: float, currency: str, expected: str
) -> None:
    assert money(amount, currency) == expected


def test_indian_grouping_puts_lakhs_and_crores_in_groups_of_two() -> None:
    assert [indian_grouping(n) for n in (1, 12345, 123456, 1234567, 123456789)] == [
        "1",
        "12,345",
        "1,23,456",
        "12,34,567",
        "12,34,56,789",
    ]
    assert rupees(150000) == "₹1,50,000"
    assert money_range(20, 50, "USD") == "$20.00 to $50.00"


def note(currency: str, price: float, low: float, high: float) -> MerchantNoteContext:
    return MerchantNoteContext(
        title="Coach tote",
        suggested_price_inr=price,
        low_inr=low,
        high_inr=high,
        currency=currency,
        confidence=0.6,
        comparables=4,
    )


def test_the_rules_tiers_merchant_note_writes_dollars_as_dollars_and_rupees_as_rupees() -> None:
    dollars = merchant_note(note("USD", 86, 46, 172))
    rupee = merchant_note(note("INR", 123456, 100000, 150000))

    assert "$86.00 (range $46.00 to $172.00)" in dollars and "₹" not in dollars
    assert "₹1,23,456 (range ₹1,00,000 to ₹1,50,000)" in rupee


def test_the_rules_tiers_analyst_and_validator_write_amounts_in_the_listings_currency() -> None:
    context = PriceReviewContext(
        title="Coach tote",
        category="women/bags",
        condition="good",
        currency="USD",
        price=80.0,
        p5=40.0,
        p95=120.0,
        confidence=0.6,
        comparables=5,
    )
    kept = review_price(context)
    moved = review_price(context.model_copy(update={"target_price": 90.0}))
    problems = check_rules(
        Proposal(
            price=150.0,
            currency="USD",
            estimate=80.0,
            p5=40.0,
            p95=120.0,
            confidence=0.6,
            comparables=5,
            comparable_currencies=frozenset({"USD"}),
        )
    ).problems

    assert "between $40.00 and $120.00" in kept.reasons[0]
    assert "toward $90.00" in moved.reasons[0]
    assert problems == ("price $150.00 is above the comparables' 95th percentile $120.00",)


def test_the_language_model_tiers_are_given_the_currency_and_every_amount_written_out() -> None:
    explained = note("USD", 86, 46, 172).model_copy(
        update={"amounts": {"price": "$86.00", "range": "$46.00 to $172.00"}}
    )
    reviewed = PriceReviewContext(
        title="Coach tote",
        category="women/bags",
        condition="good",
        currency="USD",
        price=80.0,
        p5=40.0,
        p95=120.0,
        confidence=0.6,
        comparables=5,
        amounts=review_amounts("USD", price=80.0, p5=40.0, p95=120.0, target_price=None),
    )

    note_message = task_message(TextTask.MERCHANT_NOTE, explained).text
    review_message = task_message(TextTask.PRICE_REVIEW, reviewed).text

    assert '"currency":"USD"' in note_message.replace(" ", "") and "$46.00 to $172.00" in note_message
    assert "Indian rupees" not in note_message
    assert reviewed.amounts == {"price": "$80.00", "p5": "$40.00", "p95": "$120.00"}
    assert "$120.00" in review_message
    for prompt in (ANALYST, EXPLAINER):
        assert prompt.version >= 2 and "currency" in prompt.text and "India" not in prompt.text
