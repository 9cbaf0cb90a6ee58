"""What pakka keeps about a shopper (their profile), and the right to erasure: deleting a shopper removes
every trace but a pseudonymous record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.auth import SHOPPER, CallerDep
from api.deps import IdPath, ServicesDep, TenantDep
from core.checkpointers import forget_deleted
from core.privacy import (
    ErasureReceipt,
    ScanKind,
    erase_memory,
    erase_threads,
    erase_user,
    has_consent,
    stored_attributes,
)

router = APIRouter(prefix="/v1/users", tags=["privacy"])


class UserProfile(BaseModel):
    user_id: str
    biometric_consent: bool = Field(description="Whether the shopper's latest biometric decision is a yes.")
    measurements: dict[ScanKind, dict[str, Any] | None] = Field(
        description="The allow-listed attributes kept per scan kind (none without consent)."
    )


@router.get("/{user_id}", dependencies=[SHOPPER])
def get_user(user_id: IdPath, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep) -> UserProfile:
    """Everything pakka keeps about the shopper's body: the measurements derived from scans (never a photo)
    and the consent they were kept under. A shopper reads itself; an admin anyone."""
    user_id = caller.acting_as(user_id)
    return UserProfile(
        user_id=user_id,
        biometric_consent=has_consent(services.store, tenant_id, user_id),
        measurements={kind: stored_attributes(services.store, tenant_id, user_id, kind) for kind in ScanKind},
    )


@router.delete("/{user_id}", dependencies=[SHOPPER])
async def delete_user(
    user_id: IdPath, services: ServicesDep, tenant_id: TenantDep, caller: CallerDep
) -> ErasureReceipt:
    """Erase the shopper's attributes, consents, cart, feedback, conversation threads and long-term memory.
    Idempotent: erasing an unknown or already erased shopper succeeds and deletes nothing. A shopper erases
    itself; an admin anyone."""
    user_id = caller.acting_as(user_id)
    checkpointer, memory = services.persistence()
    threads = await erase_threads(checkpointer, tenant_id, user_id)
    memories = await erase_memory(memory, tenant_id, user_id)
    await forget_deleted(checkpointer, memory)
    receipt = await run_in_threadpool(
        erase_user,
        services.store,
        tenant_id,
        user_id,
        pseudonyms=services.pseudonyms,
        threads_deleted=threads,
        memories_deleted=memories,
    )
    services.identity.forget_cached_sessions()
    # Kept answers are keyed by digests, but an explanation quotes the shopper's measurements: none may
    # outlive the erasure in this process (other workers' copies expire with PAKKA_DECISION_CACHE_TTL_S).
    services.answers.clear()
    return receipt
