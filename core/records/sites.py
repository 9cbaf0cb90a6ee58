"""Generated store websites (the site-generation wizard, graphs/sitegen.py): one record per site, from the
owner's request through review and validation to publishing. The spec, validation report and request are
kept as JSON documents (their types live in domain/sites); the files live in the site store
(core/storage/site_files.py)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from core.schemas import Id, Record, TenantId, utcnow


class SiteStatus(StrEnum):
    GENERATING = "GENERATING"
    AWAITING_REVIEW = "AWAITING_REVIEW"
    """The graph waits for the owner: the review of the spec, or the question which sector it is."""
    DRAFT = "DRAFT"
    """Generated and validated; its files are in the site store."""
    PUBLISHED = "PUBLISHED"
    FAILED = "FAILED"
    REJECTED = "REJECTED"
    """The owner turned the proposal down and asked for nothing else."""


class SiteRecord(Record):
    id: Id
    owner_tenant_id: TenantId = Field(description="The tenant the owner asked from.")
    owner_user_id: Id | None = None
    thread_id: str | None = None
    status: SiteStatus = SiteStatus.GENERATING
    request: dict[str, Any] = Field(default_factory=dict)
    sector: str | None = None
    sector_confidence: float | None = Field(default=None, ge=0, le=1)
    language: str | None = None
    business_name: str | None = None
    spec: dict[str, Any] | None = None
    pages: list[str] = Field(default_factory=list, description="Relative paths of the site's files.")
    validation: dict[str, Any] | None = None
    screenshots: list[str] = Field(default_factory=list, description="Paths in the site store.")
    tenant_id: TenantId | None = Field(default=None, description="The published store's tenant.")
    error: str | None = None
    version: int = Field(default=0, ge=0, description="0 means never saved.")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    published_at: datetime | None = None
