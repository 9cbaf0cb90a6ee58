"""The run context every graph, node and tool receives (LangGraph `context_schema`).

Backends are opened once at start-up (`Services.open`) and travel here; nothing is a module-level global.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphs.services import Services


@dataclass(kw_only=True)
class AppContext:
    """Per-run context: the shared services plus who is asking (tenant, shopper, region)."""

    services: Services
    tenant_id: str = "demo"
    user_id: str | None = None
    region: str | None = None
