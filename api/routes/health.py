"""Liveness: which backends this process runs on, and its version."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.auth import PUBLIC
from api.deps import ServicesDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]
    store: str
    checkpointer: str
    version: str


@router.get("/health", dependencies=[PUBLIC])
def health(request: Request, services: ServicesDep) -> Health:
    return Health(
        status="ok",
        store=services.store.kind,
        checkpointer=services.settings.checkpointer,
        version=request.app.version,
    )
