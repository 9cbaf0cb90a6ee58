"""`pakka auth`: operator tokens, merchants' API keys and role grants, on the configured store and key.

    pakka auth token --tenant T --user U --role shopper|merchant|admin [--ttl SECONDS] [--json]
    pakka auth api-key create --tenant T [--name N] [--json]
    pakka auth api-key list --tenant T [--json]
    pakka auth api-key revoke KEY_ID --tenant T
    pakka auth grant --tenant T --phone P --role merchant|admin|shopper

Tokens are signed with PAKKA_AUTH_SECRET or the key in the data dir, the same key an API on these settings
verifies them with."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from core.cli_support import console, exit_on_domain_error, load_settings, opened_store, validate_tenant
from core.errors import PakkaError

auth_app = typer.Typer(help="Operator tokens, merchants' API keys and roles.", no_args_is_help=True)
api_key_app = typer.Typer(
    help="A merchant's API keys (server-to-server calls, one tenant).", no_args_is_help=True
)
auth_app.add_typer(api_key_app, name="api-key")

Tenant = Annotated[str, typer.Option("--tenant", help="The tenant.", callback=validate_tenant)]
Json = Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")]


@auth_app.callback()
def auth() -> None:
    """Operator tokens, merchants' API keys and roles."""


@auth_app.command("token")
def token(
    tenant: Tenant,
    user: Annotated[str, typer.Option("--user", help="Who the token names (its `sub`).")],
    role: Annotated[str, typer.Option("--role", help="shopper, merchant or admin.")] = "shopper",
    ttl: Annotated[int | None, typer.Option("--ttl", help="Seconds it is valid (default: settings).")] = None,
    as_json: Json = False,
) -> None:
    """Print a signed access token (send it as `Authorization: Bearer <token>`)."""
    import re

    from core.identity.tokens import operator_token
    from core.records.identity import Role
    from core.schemas import ID_PATTERN

    if role not in {item.value for item in Role}:
        raise typer.BadParameter("must be shopper, merchant or admin", param_hint="--role")
    if not re.fullmatch(ID_PATTERN, user):
        raise typer.BadParameter(f"must match {ID_PATTERN}", param_hint="--user")
    if ttl is not None and ttl <= 0:
        raise typer.BadParameter("must be a positive number of seconds", param_hint="--ttl")
    settings = load_settings()
    signed, expires_in = operator_token(settings, tenant, user, Role(role), ttl_s=ttl)
    if as_json:
        typer.echo(json.dumps({"access_token": signed, "expires_in": expires_in}))
    else:
        typer.echo(signed)


@api_key_app.command("create")
def create_key(
    tenant: Tenant,
    name: Annotated[str, typer.Option("--name", help="What the key is for.")] = "api key",
    as_json: Json = False,
) -> None:
    """Create a key; it is printed once (only a hash of it is stored)."""
    from core.identity.service import IdentityService

    settings = load_settings()
    with opened_store(settings) as store:
        try:
            created = IdentityService.for_store(settings, store).create_api_key(tenant, name)
        except PakkaError as error:
            raise exit_on_domain_error(error, as_json=as_json) from error
    if as_json:
        typer.echo(created.model_dump_json())
    else:
        console.print(f"key id {created.key_id}; send it as X-API-Key (shown once):")
        typer.echo(created.api_key)


@api_key_app.command("list")
def list_keys(tenant: Tenant, as_json: Json = False) -> None:
    """The tenant's keys (ids, names, when created and revoked; never the keys)."""
    from core.identity.service import IdentityService

    settings = load_settings()
    with opened_store(settings) as store:
        keys = IdentityService.for_store(settings, store).list_api_keys(tenant)
    if as_json:
        typer.echo(json.dumps({"items": [key.model_dump(mode="json") for key in keys]}))
        return
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        console.print(f"{key.key_id}  {key.name}  created {key.created_at:%Y-%m-%d %H:%M}  {state}")


@api_key_app.command("revoke")
def revoke_key(key_id: Annotated[str, typer.Argument(help="The key id.")], tenant: Tenant) -> None:
    """Revoke a key: calls with it are refused from now on (within seconds in running APIs)."""
    from core.identity.service import IdentityService

    settings = load_settings()
    with opened_store(settings) as store:
        try:
            IdentityService.for_store(settings, store).revoke_api_key(tenant, key_id)
        except PakkaError as error:
            raise exit_on_domain_error(error) from error
    console.print(f"revoked {key_id}")


@auth_app.command("grant")
def grant(
    tenant: Tenant,
    phone: Annotated[str, typer.Option("--phone", help="The mobile number the person signs in with.")],
    role: Annotated[str, typer.Option("--role", help="merchant, admin or shopper.")] = "merchant",
) -> None:
    """Give the person with this phone a role in the tenant, from their next sign-in (or refresh)."""
    from core.identity.service import IdentityService
    from core.records.identity import Role

    if role not in {item.value for item in Role}:
        raise typer.BadParameter("must be shopper, merchant or admin", param_hint="--role")
    settings = load_settings()
    with opened_store(settings) as store:
        identity = IdentityService.for_store(settings, store)
        try:
            user_id = identity.user_id_for_phone(tenant, phone)
            identity.grant_role(tenant, user_id, Role(role))
        except PakkaError as error:
            raise exit_on_domain_error(error) from error
    console.print(f"{user_id} is now {role} in {tenant}")
