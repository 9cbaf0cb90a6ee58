"""Request dependencies: the services opened by the lifespan, the caller's tenant, and validated path ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Request

from api.errors import TenantNotFound
from core.schemas import ID_PATTERN, TENANT_PATTERN
from graphs.services import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_tenant_id(
    request: Request,
    services: ServicesDep,
    x_tenant_id: Annotated[
        str | None,
        Header(alias="X-Tenant-ID", pattern=TENANT_PATTERN, description="Defaults to the configured tenant."),
    ] = None,
) -> str:
    """The tenant named by `X-Tenant-ID` (or the default one); 404 TENANT_NOT_FOUND when it does not exist."""
    tenant_id = x_tenant_id or services.settings.default_tenant
    known_tenants: set[str] = request.app.state.known_tenants
    if tenant_id not in known_tenants:
        if services.store.tenants.get(tenant_id) is None:
            raise TenantNotFound(f"tenant {tenant_id!r} does not exist", {"tenant_id": tenant_id})
        known_tenants.add(tenant_id)  # tenants are never deleted, so a tenant once found stays valid
    return tenant_id


TenantDep = Annotated[str, Depends(get_tenant_id)]

IdPath = Annotated[str, Path(pattern=ID_PATTERN)]
