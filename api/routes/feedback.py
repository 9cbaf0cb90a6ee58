"""Shoppers' reports on what they bought. Every report is stored; only a verified buyer's moves the item's and
brand's size offsets, each shopper by a bounded amount (domain/decision/feedback_gate.py)."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from api.auth import SHOPPER, CallerDep
from api.deps import ServicesDep, TenantDep
from core.errors import InvalidInput, NotFound
from core.records.feedback import FeedbackEvent, FitReport, PurchaseOutcome
from core.schemas import Id, Size
from domain.decision.feedback import SizeAdjustment
from domain.decision.feedback_gate import Verdict, learn_from_buyer

router = APIRouter(prefix="/v1/feedback", tags=["decision"])


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Id | None = Field(default=None, description="The shopper; defaults to the caller.")
    product_id: Id
    size: Size
    outcome: PurchaseOutcome
    fit: FitReport


class FeedbackReceipt(BaseModel):
    feedback: FeedbackEvent
    size_adjustment: SizeAdjustment
    learned: Verdict = Field(
        description="learned: the offsets moved; no_purchase: no paid order of this product and size; "
        "already_counted: this purchase (or this item) already counted; limit_reached: the shopper's share "
        "of this brand is used up. Only `learned` changes later fit probabilities."
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    dependencies=[SHOPPER],
    responses={404: {"description": "No such product."}},
)
def give_feedback(
    body: FeedbackRequest, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> FeedbackReceipt:
    """Record the report and learn from it when the shopper bought it; the returned adjustment is what later
    fit probabilities use."""
    product = services.store.products.get(tenant_id, body.product_id)
    if product is None:
        raise NotFound(f"product {body.product_id!r} does not exist", {"product_id": body.product_id})
    if product.sizes and body.size not in product.sizes:
        raise InvalidInput(
            f"size {body.size!r} is not a size of this product", {"size": body.size, "sizes": product.sizes}
        )
    event = FeedbackEvent(
        tenant_id=tenant_id,
        brand=product.brand,
        **body.model_dump(exclude={"user_id"}),
        user_id=caller.acting_as(body.user_id),
    )
    adjustment, verdict = learn_from_buyer(services.store, event)
    return FeedbackReceipt(feedback=event, size_adjustment=adjustment, learned=verdict)
