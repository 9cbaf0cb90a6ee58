"""The right to erasure: deleting a shopper removes every trace but a pseudonymous record."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.auth import SHOPPER, CallerDep
from api.deps import IdPath, ServicesDep, TenantDep
from core.checkpointers import forget_deleted
from core.privacy import ErasureReceipt, erase_memory, erase_threads, erase_user

router = APIRouter(prefix="/v1/users", tags=["privacy"])


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
