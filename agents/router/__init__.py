"""The model router: every model call in pakka goes through `ModelRouter` (see agents/README.md)."""

from agents.router.factory import build_router
from agents.router.failures import AllTiersFailed, ModelStreamInterrupted
from agents.router.record import CallRecord, CallRecordCollector
from agents.router.router import ModelRouter

__all__ = [
    "AllTiersFailed",
    "CallRecord",
    "CallRecordCollector",
    "ModelRouter",
    "ModelStreamInterrupted",
    "build_router",
]
