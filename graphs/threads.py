"""Conversation threads of the graphs that keep them: who owns each, where its checkpoints live, and which
interrupt answers are being applied.

A thread belongs to a tenant and a user (or to nobody, before sign-in). Its record lives in the long-term
store under the owner's namespace (`core.privacy.user_namespace`), so looking a thread up needs the owner,
erasure of a user removes it, and nobody else can even tell it exists. Its checkpoints live in the
checkpointer under `user_thread_id(tenant, owner, thread_id)`, the prefix erasure deletes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.store.base import BaseStore
from langgraph.types import Interrupt
from pydantic import BaseModel

from core.privacy import user_namespace, user_thread_id
from core.schemas import utcnow
from graphs.spec import Compiled, GraphSpec

ANONYMOUS = "~anonymous"
"""The owner of threads opened without a user ("~" is not allowed in user ids)."""


class ThreadRecord(BaseModel):
    thread_id: str
    graph: str
    tenant_id: str
    user_id: str | None
    created_at: datetime


class Threads:
    def __init__(self, checkpointer: BaseCheckpointSaver[str], memory: BaseStore) -> None:
        self.checkpointer = checkpointer
        self.memory = memory
        self._answering: set[str] = set()

    async def create(self, spec: GraphSpec, tenant_id: str, user_id: str | None) -> ThreadRecord:
        record = ThreadRecord(
            thread_id=uuid.uuid4().hex,
            graph=spec.name,
            tenant_id=tenant_id,
            user_id=user_id,
            created_at=utcnow(),
        )
        await self.memory.aput(
            _namespace(tenant_id, user_id), record.thread_id, record.model_dump(mode="json"), index=False
        )
        return record

    async def get(self, tenant_id: str, user_id: str | None, thread_id: str) -> ThreadRecord | None:
        """The thread if this user of this tenant owns it; None for anyone else's (and for unknown ids)."""
        item = await self.memory.aget(_namespace(tenant_id, user_id), thread_id)
        return None if item is None else ThreadRecord.model_validate(item.value)

    async def delete(self, record: ThreadRecord) -> None:
        await self.checkpointer.adelete_thread(checkpoint_thread_id(record))
        await self.memory.adelete(_namespace(record.tenant_id, record.user_id), record.thread_id)

    def graph(self, spec: GraphSpec) -> Compiled:
        return spec.with_persistence(self.checkpointer, self.memory)

    async def pending_interrupts(self, spec: GraphSpec, record: ThreadRecord) -> list[Interrupt]:
        snapshot = await self.graph(spec).aget_state(config(record))
        return list(snapshot.interrupts)

    def start_answering(self, interrupt_id: str) -> bool:
        """Claim an interrupt for one answer; False when another answer to it is already being applied."""
        if interrupt_id in self._answering:
            return False
        self._answering.add(interrupt_id)
        return True

    def done_answering(self, interrupt_id: str) -> None:
        self._answering.discard(interrupt_id)


def checkpoint_thread_id(record: ThreadRecord) -> str:
    return user_thread_id(record.tenant_id, record.user_id or ANONYMOUS, record.thread_id)


def config(record: ThreadRecord) -> dict[str, Any]:
    return {"configurable": {"thread_id": checkpoint_thread_id(record)}}


def _namespace(tenant_id: str, user_id: str | None) -> tuple[str, ...]:
    return user_namespace(tenant_id, user_id or ANONYMOUS, "threads")
