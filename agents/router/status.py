"""The state of each configured tier, for a router that has not run yet: what `pakka models status` prints.

`ModelRouter.status()` reports a live router (its breakers too). A fresh process has no breaker history, so
the configured tiers' states follow from settings alone: credentials for Bedrock, the file and llama.cpp for a
local tier. This module works that out without importing LangChain, boto3 or llama.cpp, so the command
answers in a fraction of a second; a test keeps its rows equal to a freshly built router's.
"""

from __future__ import annotations

from typing import Any

from agents.local.model_files import llamacpp_unavailable
from agents.router.breaker import BreakerState
from agents.router.credentials import AwsCredentials
from agents.router.spec import parse_tiers
from core.settings import Settings

NO_CREDENTIALS = "NoCredentials"


def state_of(unavailable: str | None, breaker: BreakerState) -> str:
    """A tier's state in words: no credentials, unavailable (why), breaker open/half-open, or available."""
    if unavailable == NO_CREDENTIALS:
        return "no credentials"
    if unavailable is not None:
        return f"unavailable ({unavailable})"
    if breaker is BreakerState.OPEN:
        return "breaker open"
    if breaker is BreakerState.HALF_OPEN:
        return "breaker half-open"
    return "available"


def configured_status(settings: Settings) -> list[dict[str, Any]]:
    """`ModelRouter.status()` of a router built from `settings` that has not been called yet."""
    credentials = AwsCredentials(use_instance_metadata=settings.bedrock_use_instance_metadata)
    rows: list[dict[str, Any]] = []
    for spec in parse_tiers(settings.model_tiers):
        unavailable = None
        if spec.kind == "bedrock":
            unavailable = None if credentials.status().available else NO_CREDENTIALS
        elif spec.kind == "llamacpp":
            unavailable = llamacpp_unavailable(spec.target)
        rows.append(
            {
                "tier": spec.name,
                "kind": spec.kind,
                "state": state_of(unavailable, BreakerState.CLOSED),
                "breaker": BreakerState.CLOSED.value,
                "consecutive_failures": 0,
                "retry_in_s": None,
            }
        )
    return rows
