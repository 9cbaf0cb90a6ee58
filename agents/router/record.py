"""What one routed call did: the tier that answered, every attempt, tokens, estimated cost, latency.

The record travels three ways: in the answer's `response_metadata["pakka"]`, as a `pakka.model_call`
custom callback event (collected by `CallRecordCollector`), and inside AllTiersFailed /
ModelStreamInterrupted details when nothing answered.
"""

from __future__ import annotations

import threading
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from pydantic import BaseModel, Field

CALL_EVENT = "pakka.model_call"


class Attempt(BaseModel):
    tier: str
    error: str | None = Field(
        default=None, description="Error code or class; None for the answering attempt."
    )
    latency_ms: float


class CallRecord(BaseModel):
    tier: str | None = Field(description="The tier that answered; None when none did.")
    model: str | None = None
    attempts: list[Attempt] = Field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    first_token_ms: float | None = Field(default=None, description="Streaming only.")
    error: str | None = Field(default=None, description="Why the call failed, if it did.")


class CallRecordCollector(BaseCallbackHandler):
    """Pass in `config={"callbacks": [collector]}` to gather the records of every routed call in a run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []

    @property
    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def on_custom_event(
        self,
        name: str,
        data: Any,
        *,
        run_id: UUID,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if name == CALL_EVENT:
            with self._lock:
                self._records.append(CallRecord.model_validate(data))
