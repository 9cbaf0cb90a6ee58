"""Validation of a proposed price: code rules first, then the validation agent reads them with the reasons.

Rules: inside the comparables' p5-p95 unless the analyst justified it; enough comparables or the confidence
is lowered; every comparable in the listing's currency; the final price on an Indian price point. Rounding
and lowering confidence are fixes the validator makes itself (`finalise`); the rest go back to the analyst.
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from agents.pricing.money import money
from agents.pricing.price_points import price_point
from agents.pricing.schemas import PriceCheckContext, ValidationVerdict
from agents.text_tasks import TextTask, task_message
from prompts.pricing import VALIDATOR

ENOUGH_COMPARABLES = 3
LOW_EVIDENCE_CONFIDENCE = 0.4
STRUCTURED_ATTEMPTS = 2


@dataclass(frozen=True)
class Proposal:
    """A price on its way to the merchant, with the evidence the rules check it against."""

    price: float
    currency: str
    estimate: float
    p5: float
    p95: float
    confidence: float
    comparables: int
    comparable_currencies: frozenset[str]
    justification: str | None = None


@dataclass(frozen=True)
class RuleFindings:
    problems: tuple[str, ...]
    target_price: float | None


def check_rules(proposal: Proposal) -> RuleFindings:
    """The problems only the analyst can fix, and the price that would fix the range problem."""
    problems: list[str] = []
    target: float | None = None
    if proposal.comparables and not proposal.justification:
        currency = proposal.currency
        if proposal.price < proposal.p5:
            problems.append(
                f"price {money(proposal.price, currency)} is below the comparables' 5th percentile "
                f"{money(proposal.p5, currency)}"
            )
            target = proposal.p5
        elif proposal.price > proposal.p95:
            problems.append(
                f"price {money(proposal.price, currency)} is above the comparables' 95th percentile "
                f"{money(proposal.p95, currency)}"
            )
            target = proposal.p95
    foreign = sorted(proposal.comparable_currencies - {proposal.currency})
    if foreign:
        problems.append(f"comparables priced in {', '.join(foreign)}, not {proposal.currency}")
    return RuleFindings(problems=tuple(problems), target_price=target)


def finalise(proposal: Proposal) -> tuple[float, float, list[str]]:
    """(price, confidence, notes) after the fixes the validator makes itself: an unjustified price still
    outside p5-p95 is pulled to the nearest bound, the price goes to a price point, and confidence is capped
    when there are too few comparables."""
    notes: list[str] = []
    price = proposal.price
    if proposal.comparables and not proposal.justification and not proposal.p5 <= price <= proposal.p95:
        price = min(max(price, proposal.p5), proposal.p95)
        notes.append("price pulled inside the comparables' 5th-95th percentile")
    rounded = price_point(price, proposal.currency)
    confidence = proposal.confidence
    if proposal.comparables < ENOUGH_COMPARABLES and confidence > LOW_EVIDENCE_CONFIDENCE:
        confidence = LOW_EVIDENCE_CONFIDENCE
        notes.append(
            f"confidence capped at {LOW_EVIDENCE_CONFIDENCE:.0%}: fewer than {ENOUGH_COMPARABLES} comparables"
        )
    return rounded, confidence, notes


async def validate(model: BaseChatModel, context: PriceCheckContext) -> ValidationVerdict:
    """The validation agent's verdict; a rule problem it leaves out is added back (code validates)."""
    structured = model.with_structured_output(ValidationVerdict).with_retry(
        stop_after_attempt=STRUCTURED_ATTEMPTS
    )
    answer = await structured.ainvoke(
        [VALIDATOR.message(), task_message(TextTask.PRICE_CHECK, context)],
        config={"tags": ["pricing.validator"]},
    )
    verdict = answer if isinstance(answer, ValidationVerdict) else ValidationVerdict.model_validate(answer)
    missing = [problem for problem in context.rule_problems if problem not in verdict.problems]
    if missing:
        return ValidationVerdict(approved=False, problems=[*verdict.problems, *missing])
    return verdict
