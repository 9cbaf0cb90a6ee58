"""The pricing analyst agent: may move the comparable-sales estimate by at most +/-15%, with reasons."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from agents.pricing.schemas import MAX_ANALYST_CHANGE, AnalystReview, PriceReviewContext
from agents.text_tasks import TextTask, task_message
from prompts.pricing import ANALYST

STRUCTURED_ATTEMPTS = 2


async def review(model: BaseChatModel, context: PriceReviewContext) -> AnalystReview:
    """The analyst's factor and reasons; the factor is clamped again here, since a model may propose but code
    decides the bounds."""
    structured = model.with_structured_output(AnalystReview).with_retry(
        stop_after_attempt=STRUCTURED_ATTEMPTS
    )
    answer = await structured.ainvoke(
        [ANALYST.message(), task_message(TextTask.PRICE_REVIEW, context)],
        config={"tags": ["pricing.analyst"]},
    )
    review = answer if isinstance(answer, AnalystReview) else AnalystReview.model_validate(answer)
    factor = min(max(review.factor, 1 - MAX_ANALYST_CHANGE), 1 + MAX_ANALYST_CHANGE)
    return review.model_copy(update={"factor": factor})
