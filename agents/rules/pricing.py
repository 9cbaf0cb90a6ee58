"""The rule-based pricing analyst and validator: deterministic answers from the facts in the task.

The analyst keeps the comparable-sales estimate unless the validator named a target price, and then moves
toward it as far as the +/-15% limit allows. The validator approves exactly when the code rules found nothing
and an adjusted price carries reasons."""

from __future__ import annotations

from agents.pricing.money import money, money_range
from agents.pricing.schemas import (
    MAX_ANALYST_CHANGE,
    AnalystReview,
    PriceCheckContext,
    PriceReviewContext,
    ValidationVerdict,
)

FEW_COMPARABLES = 3


def review_price(context: PriceReviewContext) -> AnalystReview:
    if context.target_price is not None and context.price > 0:
        wanted = context.target_price / context.price
        factor = round(min(max(wanted, 1 - MAX_ANALYST_CHANGE), 1 + MAX_ANALYST_CHANGE), 4)
        direction = "up" if factor > 1 else "down"
        reasons = [
            f"moved {direction} {abs(factor - 1):.0%} toward {money(context.target_price, context.currency)} "
            "as the validator asked"
        ]
        reasons += [f"validator: {problem}" for problem in context.validator_problems]
        return AnalystReview(factor=factor, reasons=reasons)
    if context.comparables < FEW_COMPARABLES:
        return AnalystReview(
            factor=1.0,
            reasons=[
                f"only {context.comparables} comparable sale(s): too little evidence to move the estimate, "
                "so it stands with lowered confidence"
            ],
        )
    return AnalystReview(
        factor=1.0,
        reasons=[
            f"the estimate rests on {context.comparables} comparable sales between "
            f"{money_range(context.p5, context.p95, context.currency).replace(' to ', ' and ')}; "
            "nothing in the listing justifies a change"
        ],
    )


def check_price(context: PriceCheckContext) -> ValidationVerdict:
    problems = list(context.rule_problems)
    if abs(context.analyst_factor - 1.0) > 1e-6 and not context.analyst_reasons:
        problems.append("the analyst changed the estimate without giving a reason")
    return ValidationVerdict(approved=not problems, problems=problems)
