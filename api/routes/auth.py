"""Signing in by phone: a one-time code by SMS (or the console on the embedded setup), then tokens; refresh
tokens rotate on every use; merchants' API keys. The logic lives in core/identity/service.py."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.auth import MERCHANT, PUBLIC
from api.deps import IdPath, ServicesDep, TenantDep
from core.identity.service import PHONE_INPUT_PATTERN, ApiKeyInfo, CreatedApiKey, TokenPair

router = APIRouter(prefix="/v1/auth", tags=["auth"])

PHONE_FIELD = Field(
    description="A mobile number, +91 or international form (+919876543210); 10 digits mean +91; a space or "
    "hyphen may separate digits. Anything else is 422 INVALID_INPUT.",
    examples=["+919876543210"],
    # Checked by normalize_phone (one definition, its own error); published so the schema says the same.
    json_schema_extra={"pattern": PHONE_INPUT_PATTERN},
)


class OtpRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = PHONE_FIELD


class OtpSent(BaseModel):
    expires_in: int = Field(description="Seconds the code is valid for.")


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = PHONE_FIELD
    code: str = Field(pattern=r"^[0-9]{6}$", description="The 6-digit code sent to the phone.")


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=10, max_length=512)


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="What the key is for, e.g. `shop sync`.")


class ApiKeyList(BaseModel):
    items: list[ApiKeyInfo]


@router.post(
    "/otp",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[PUBLIC],
    responses={
        429: {"description": "RATE_LIMITED: 3 codes per phone per 10 minutes (settings)."},
        503: {"description": "SMS_UNAVAILABLE: the SMS provider did not take the message; try again."},
    },
)
async def request_code(body: OtpRequest, services: ServicesDep, tenant_id: TenantDep) -> OtpSent:
    """Send a 6-digit sign-in code to the phone (valid 5 minutes, 5 tries). The answer is the same whether
    or not the phone has signed in before."""
    expires_in = await run_in_threadpool(services.identity.request_code, tenant_id, body.phone)
    return OtpSent(expires_in=expires_in)


@router.post(
    "/token",
    dependencies=[PUBLIC],
    responses={401: {"description": "INVALID_CODE (details.attempts_left) or CODE_EXPIRED: ask again."}},
)
def sign_in(body: TokenRequest, services: ServicesDep, tenant_id: TenantDep) -> TokenPair:
    """Exchange the code for an access token (`expires_in` seconds) and a refresh token."""
    return services.identity.sign_in(tenant_id, body.phone, body.code)


@router.post(
    "/refresh",
    dependencies=[PUBLIC],
    responses={
        401: {
            "description": "INVALID_REFRESH_TOKEN, SESSION_ENDED, or REFRESH_TOKEN_REUSED: a refresh token "
            "used a second time revokes the whole sign-in."
        }
    },
)
def refresh(body: RefreshRequest, services: ServicesDep) -> TokenPair:
    """New tokens; the refresh token sent is spent (rotation)."""
    return services.identity.refresh(body.refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, dependencies=[PUBLIC])
def logout(body: RefreshRequest, services: ServicesDep) -> Response:
    """End the sign-in of this refresh token: it and the access tokens minted with it stop working."""
    services.identity.logout(body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/api-keys", status_code=status.HTTP_201_CREATED, dependencies=[MERCHANT])
def create_api_key(body: ApiKeyCreate, services: ServicesDep, tenant_id: TenantDep) -> CreatedApiKey:
    """A key for server-to-server calls in this tenant (send it as `X-API-Key`); `api_key` is shown once."""
    return services.identity.create_api_key(tenant_id, body.name)


@router.get("/api-keys", dependencies=[MERCHANT])
def list_api_keys(services: ServicesDep, tenant_id: TenantDep) -> ApiKeyList:
    return ApiKeyList(items=services.identity.list_api_keys(tenant_id))


@router.delete(
    "/api-keys/{key_id}", dependencies=[MERCHANT], responses={404: {"description": "No such key."}}
)
def revoke_api_key(key_id: IdPath, services: ServicesDep, tenant_id: TenantDep) -> ApiKeyInfo:
    return services.identity.revoke_api_key(tenant_id, key_id)
