"""The run context every graph, node and tool receives (LangGraph `context_schema`).

Backends are opened once at start-up (`Services.open`) and travel here; nothing is a module-level global.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphs.services import Services


@dataclass(frozen=True)
class Attachment:
    """A photo the shopper attached to one message. It lives in that run's context only: never in graph state,
    checkpoints, the long-term store or logs (its bytes are left out of its repr)."""

    data: bytes = field(repr=False)
    kind: str | None = None
    """What the photo shows, when the shopper said: "foot", "face" or "body"."""


@dataclass(kw_only=True)
class AppContext:
    """Per-run context: the shared services plus who is asking (tenant, shopper, region)."""

    services: Services
    tenant_id: str = "demo"
    user_id: str | None = None
    region: str | None = None
    attachment: Attachment | None = field(default=None, repr=False)
    """A photo attached to this run's message (the chat's `scan_photo` tool measures it)."""
