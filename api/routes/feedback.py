"""Shoppers' reports on what they bought; each report updates the item's and brand's size offsets."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from api.deps import ServicesDep, TenantDep
from core.errors import InvalidInput, NotFound
from core.records.feedback import FeedbackEvent, FitReport, PurchaseOutcome
from core.schemas import Id, Size
from domain.decision.feedback import SizeAdjustment, SizeLearner

router = APIRouter(prefix="/v1/feedback", tags=["decision"])


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Id
    product_id: Id
    size: Size
    outcome: PurchaseOutcome
    fit: FitReport


class FeedbackReceipt(BaseModel):
    feedback: FeedbackEvent
    size_adjustment: SizeAdjustment


@router.post("", status_code=status.HTTP_201_CREATED, responses={404: {"description": "No such product."}})
def give_feedback(body: FeedbackRequest, services: ServicesDep, tenant_id: TenantDep) -> FeedbackReceipt:
    """Record the report and learn from it; the returned adjustment is what later fit probabilities use."""
    product = services.store.products.get(tenant_id, body.product_id)
    if product is None:
        raise NotFound(f"product {body.product_id!r} does not exist", {"product_id": body.product_id})
    if product.sizes and body.size not in product.sizes:
        raise InvalidInput(
            f"size {body.size!r} is not a size of this product", {"size": body.size, "sizes": product.sizes}
        )
    event = FeedbackEvent(tenant_id=tenant_id, brand=product.brand, **body.model_dump())
    adjustment = SizeLearner(services.store).learn(event)
    return FeedbackReceipt(feedback=event, size_adjustment=adjustment)
