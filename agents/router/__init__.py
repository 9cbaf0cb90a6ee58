"""The model router: every model call in pakka goes through `ModelRouter` (see agents/README.md).

The names below are loaded on first use (PEP 562), so that a light submodule such as
`agents.router.status` (what `pakka models status` needs) does not import LangChain and boto3 with them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.router.factory import build_router
    from agents.router.failures import AllTiersFailed, ModelStreamInterrupted
    from agents.router.record import CallRecord, CallRecordCollector
    from agents.router.router import ModelRouter

_WHERE = {
    "AllTiersFailed": "agents.router.failures",
    "CallRecord": "agents.router.record",
    "CallRecordCollector": "agents.router.record",
    "ModelRouter": "agents.router.router",
    "ModelStreamInterrupted": "agents.router.failures",
    "build_router": "agents.router.factory",
}

__all__ = [
    "AllTiersFailed",
    "CallRecord",
    "CallRecordCollector",
    "ModelRouter",
    "ModelStreamInterrupted",
    "build_router",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
