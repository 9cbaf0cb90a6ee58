"""Access tokens: HS256 JWTs carrying who (`sub`), where (`tenant_id`), as what (`role`), until when (`exp`).

The key comes from PAKKA_AUTH_SECRET, or is generated once into DATA_DIR/auth.key, so `pakka auth token` and
an API on the same data dir sign with one key. Tokens minted at sign-in also carry `sid`, the refresh-token
family they belong to, so signing out (or erasure) ends them before they expire."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import jwt

from core.errors import Unauthenticated
from core.privacy import stored_key
from core.records.identity import Role
from core.schemas import ID_PATTERN, TENANT_PATTERN, utcnow
from core.settings import Settings

AUTH_KEY_FILE = "auth.key"
ALGORITHM = "HS256"
ISSUER = "pakka"
_ID = re.compile(ID_PATTERN)
_TENANT = re.compile(TENANT_PATTERN)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user (shopper, merchant or admin) of a tenant, or a merchant's API key."""

    subject: str
    tenant_id: str
    role: Role
    session: str | None = None
    """The refresh-token family of a signed-in user (None for operator tokens and API keys)."""
    api_key: str | None = None
    """The key id when the caller authenticated with an API key."""


class TokenSigner:
    """Mints and verifies access tokens with one HMAC key (never shown in its repr)."""

    def __init__(self, key: bytes, *, ttl_s: int) -> None:
        self._key = key
        self.ttl_s = ttl_s

    @classmethod
    def for_settings(cls, settings: Settings) -> TokenSigner:
        if settings.auth_secret is not None:
            key = settings.auth_secret.get_secret_value().encode()
        else:
            key = stored_key(settings.data_dir / AUTH_KEY_FILE)
        return cls(key, ttl_s=settings.auth_access_ttl_s)

    def __repr__(self) -> str:
        return "TokenSigner(key=<hidden>)"

    def mint(self, principal: Principal, *, ttl_s: int | None = None) -> tuple[str, int]:
        """(token, seconds until it expires). A negative `ttl_s` mints an already expired token (tests)."""
        lifetime = self.ttl_s if ttl_s is None else ttl_s
        now = utcnow()
        claims: dict[str, object] = {
            "iss": ISSUER,
            "sub": principal.subject,
            "tenant_id": principal.tenant_id,
            "role": principal.role.value,
            "iat": now - timedelta(seconds=max(0, -lifetime)),
            "exp": now + timedelta(seconds=lifetime),
        }
        if principal.session is not None:
            claims["sid"] = principal.session
        return jwt.encode(claims, self._key, algorithm=ALGORITHM), lifetime

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; Unauthenticated (TOKEN_EXPIRED or INVALID_TOKEN) otherwise."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "iat", "sub", "iss"]},
                leeway=5,
            )
        except jwt.ExpiredSignatureError:
            raise TokenExpired("the access token has expired: refresh it or sign in again") from None
        except jwt.PyJWTError:
            raise InvalidToken("the access token is not valid") from None
        subject, tenant_id, role, session = (
            claims.get("sub"),
            claims.get("tenant_id"),
            claims.get("role"),
            claims.get("sid"),
        )
        if not (
            isinstance(subject, str)
            and _ID.fullmatch(subject)
            and isinstance(tenant_id, str)
            and _TENANT.fullmatch(tenant_id)
            and role in Role.__members__.values()
            and (session is None or isinstance(session, str))
        ):
            raise InvalidToken("the access token is not valid")
        return Principal(subject=subject, tenant_id=tenant_id, role=Role(role), session=session)


def operator_token(
    settings: Settings, tenant_id: str, user_id: str, role: Role, *, ttl_s: int | None = None
) -> tuple[str, int]:
    """A token signed with the key of `settings` (what `pakka auth token` prints): for scripts, benchmarks
    and operators on the same data dir (or PAKKA_AUTH_SECRET) as the API."""
    principal = Principal(subject=user_id, tenant_id=tenant_id, role=role)
    return TokenSigner.for_settings(settings).mint(principal, ttl_s=ttl_s)


def bearer_headers(
    settings: Settings, tenant_id: str, user_id: str, role: Role = Role.SHOPPER
) -> dict[str, str]:
    """`Authorization: Bearer <operator_token>`, ready for an HTTP client."""
    token, _ = operator_token(settings, tenant_id, user_id, role)
    return {"Authorization": f"Bearer {token}"}


class InvalidToken(Unauthenticated):
    code = "INVALID_TOKEN"


class TokenExpired(Unauthenticated):
    code = "TOKEN_EXPIRED"
