"""Request dependencies: the services opened by the lifespan, the caller (api/auth.py) and its tenant, and
validated path ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from api.auth import CallerDep, get_services
from api.errors import TenantNotFound
from core.schemas import ID_PATTERN
from graphs.services import Services

ServicesDep = Annotated[Services, Depends(get_services)]


def get_tenant_id(request: Request, services: ServicesDep, caller: CallerDep) -> str:
    """The caller's tenant (from its credential, or `X-Tenant-ID` / the default one when anonymous); 404
    TENANT_NOT_FOUND when it does not exist."""
    tenant_id = caller.tenant_id
    known_tenants: set[str] = request.app.state.known_tenants
    if tenant_id not in known_tenants:
        if services.store.tenants.get(tenant_id) is None:
            raise TenantNotFound(f"tenant {tenant_id!r} does not exist", {"tenant_id": tenant_id})
        known_tenants.add(tenant_id)  # tenants are never deleted, so a tenant once found stays valid
    return tenant_id


TenantDep = Annotated[str, Depends(get_tenant_id)]

IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
