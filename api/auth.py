"""Who is calling, and whether they may: every route declares one `Access` rule (`dependencies=[SHOPPER]`...).

Credentials are a bearer access token (`Authorization: Bearer <jwt>`, from `/v1/auth/token` or
`pakka auth token`) or a merchant's API key (`X-API-Key`). The caller's tenant comes from the credential: an
`X-Tenant-ID` that contradicts it is 403 TENANT_MISMATCH (an admin may name any tenant). Anonymous callers get
the default tenant or the one they name, and only the routes marked PUBLIC.

| rule       | anonymous | shopper                  | merchant (or API key) | admin    |
|------------|-----------|--------------------------|-----------------------|----------|
| PUBLIC     | yes       | yes                      | yes                   | yes      |
| SHOPPER    | 401       | as itself (other: 403)   | 403                   | anyone   |
| ORDERS     | 401       | its own (other's: 403/404) | its tenant's        | anyone   |
| MERCHANT   | 401       | 403                      | its tenant            | anyone   |

A credential that is present but invalid, expired or revoked is a 401 on every route, public ones included.
Rate limits are taken here too: one bucket per principal, one per client address for anonymous callers and
failed credentials (core/ratelimit.py).

With PAKKA_AUTH=off (local experiments only) every caller is an operator that may do anything, in the
tenant of `X-Tenant-ID`, and names the shopper it acts for in the request as before sign-in existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from core.errors import Forbidden, InvalidInput, Unauthenticated
from core.identity.tokens import Principal
from core.records.identity import Role
from core.schemas import TENANT_PATTERN
from graphs.services import Services

bearer_scheme = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="An access token from POST /v1/auth/token (or `pakka auth token`).",
)
api_key_scheme = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="A merchant's API key (`pakka auth api-key create`, POST /v1/auth/api-keys).",
)


class Access(StrEnum):
    PUBLIC = "public"
    SHOPPER = "shopper"
    ORDERS = "orders"
    MERCHANT = "merchant"


class TenantMismatch(Forbidden):
    code = "TENANT_MISMATCH"


class AuthenticationRequired(Unauthenticated):
    code = "UNAUTHENTICATED"


@dataclass(frozen=True)
class Caller:
    """The authenticated principal (None when anonymous) and the tenant the request runs in."""

    tenant_id: str
    principal: Principal | None
    auth_enabled: bool = True

    @property
    def anonymous(self) -> bool:
        return self.principal is None

    @property
    def role(self) -> Role | None:
        return None if self.principal is None else self.principal.role

    @property
    def is_operator(self) -> bool:
        """An admin, or anyone when auth is off: may act for any user in any tenant."""
        return not self.auth_enabled or self.role is Role.ADMIN

    @property
    def is_staff(self) -> bool:
        """May read and manage the tenant's orders: its merchants (and API keys) and operators."""
        return self.is_operator or self.role is Role.MERCHANT

    def acting_as(self, user_id: str | None) -> str:
        """The shopper this request acts for: the caller itself (a `user_id` naming anyone else is 403), or,
        for an operator, the user named (default: itself). 422 when auth is off and no user is named."""
        if not self.auth_enabled:
            if user_id is None:
                raise InvalidInput("name the user (user_id): PAKKA_AUTH is off", {"field": "user_id"})
            return user_id
        assert self.principal is not None, "SHOPPER and ORDERS routes never let anonymous callers in"
        if self.is_operator:
            return user_id or self.principal.subject
        if user_id is not None and user_id != self.principal.subject:
            raise Forbidden("a shopper acts only as itself", {"user_id": user_id})
        return self.principal.subject

    def reading_for(self, user_id: str | None) -> str:
        """The shopper whose records an ORDERS route reads: staff may name any shopper of the tenant."""
        if self.is_staff and user_id is not None:
            return user_id
        return self.acting_as(user_id)

    def may_see(self, owner_id: str) -> bool:
        """Whether a record owned by `owner_id` (in the caller's tenant) is the caller's to read."""
        return self.is_staff or (self.principal is not None and self.principal.subject == owner_id)

    @property
    def actor(self) -> str:
        """Who did it, for the audit log (no user id: audit entries outlive erasure)."""
        if self.principal is None:
            return "anonymous" if self.auth_enabled else "api"
        if self.principal.api_key is not None:
            return f"api_key:{self.principal.api_key}"
        return self.principal.role.value


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def get_caller(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
    x_tenant_id: Annotated[
        str | None,
        Header(
            alias="X-Tenant-ID",
            pattern=TENANT_PATTERN,
            description="Defaults to the credential's tenant (anonymous: the configured default tenant).",
        ),
    ] = None,
) -> Caller:
    """Authenticate the request (401 for a bad credential), take its rate-limit token, settle the tenant."""
    services = get_services(request)
    settings = services.settings
    if not settings.auth:
        return Caller(tenant_id=x_tenant_id or settings.default_tenant, principal=None, auth_enabled=False)
    principal: Principal | None = None
    try:
        if bearer is not None:
            principal = services.identity.authenticate(bearer.credentials)
        elif api_key is not None:
            principal = services.identity.authenticate_api_key(api_key)
    except Unauthenticated:
        services.limits.for_address(client_address(request))
        raise
    if principal is None:
        services.limits.for_address(client_address(request))
        return Caller(tenant_id=x_tenant_id or settings.default_tenant, principal=None)
    services.limits.for_principal(principal.tenant_id, principal.subject)
    tenant_id = principal.tenant_id
    if x_tenant_id is not None and x_tenant_id != tenant_id:
        if principal.role is not Role.ADMIN:
            raise TenantMismatch(
                "X-Tenant-ID names another tenant than the credential's",
                {"tenant_id": x_tenant_id, "credential_tenant_id": tenant_id},
            )
        tenant_id = x_tenant_id
    return Caller(tenant_id=tenant_id, principal=principal)


CallerDep = Annotated[Caller, Depends(get_caller)]

ALLOWED: dict[Access, frozenset[Role]] = {
    Access.PUBLIC: frozenset(Role),
    Access.SHOPPER: frozenset({Role.SHOPPER, Role.ADMIN}),
    Access.ORDERS: frozenset(Role),
    Access.MERCHANT: frozenset({Role.MERCHANT, Role.ADMIN}),
}


class Authorize:
    """The dependency that enforces one access rule; `route_access` finds it on a route."""

    def __init__(self, access: Access) -> None:
        self.access = access

    def __repr__(self) -> str:
        return f"Authorize({self.access.value})"

    def __call__(self, caller: CallerDep) -> Caller:
        if self.access is Access.PUBLIC or not caller.auth_enabled:
            return caller
        if caller.principal is None:
            raise AuthenticationRequired("sign in first: this route needs a bearer token")
        if caller.principal.role not in ALLOWED[self.access]:
            raise Forbidden(
                f"a {caller.principal.role.value} may not use this route",
                {"role": caller.principal.role.value, "access": self.access.value},
            )
        return caller


PUBLIC = Depends(Authorize(Access.PUBLIC))
SHOPPER = Depends(Authorize(Access.SHOPPER))
ORDERS = Depends(Authorize(Access.ORDERS))
MERCHANT = Depends(Authorize(Access.MERCHANT))


def route_access(route: APIRoute) -> list[Access]:
    """The access rules declared on a route (one per API route: `check_every_route_has_access`)."""
    found: list[Access] = []
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if isinstance(dependency.call, Authorize):
            found.append(dependency.call.access)
        pending.extend(dependency.dependencies)
    return found


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every API route of an app, also inside included routers (FastAPI keeps them nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (router := getattr(route, "original_router", None)) is not None:
            yield from api_routes(router.routes)


def check_every_route_has_access(routes: Iterable[Any]) -> None:
    """Refuse to build an app with an API route that declares no access rule, or several."""
    for route in api_routes(routes):
        if len(route_access(route)) != 1:
            raise RuntimeError(f"route {sorted(route.methods)} {route.path} must declare one access rule")


__all__ = [
    "MERCHANT",
    "ORDERS",
    "PUBLIC",
    "SHOPPER",
    "Access",
    "Caller",
    "CallerDep",
    "get_caller",
]
