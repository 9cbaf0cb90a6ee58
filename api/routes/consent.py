"""Recording a shopper's consent decisions (scans need biometric consent)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.auth import SHOPPER, CallerDep
from api.deps import ServicesDep, TenantDep
from core.privacy import record_consent
from core.schemas import ConsentRecord, Id

router = APIRouter(prefix="/v1/consent", tags=["privacy"])


class ConsentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Id | None = Field(default=None, description="The shopper; defaults to the caller.")
    consent_type: Literal["biometric"] = "biometric"
    granted: StrictBool = Field(description="JSON true or false; nothing else is taken for a yes or a no.")


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[SHOPPER])
def give_consent(
    body: ConsentRequest, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> ConsentRecord:
    """Append the decision to the consent log; withdrawing biometric consent deletes stored attributes."""
    return record_consent(
        services.store,
        tenant_id,
        caller.acting_as(body.user_id),
        body.consent_type,
        body.granted,
        pseudonyms=services.pseudonyms,
    )
