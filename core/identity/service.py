"""Sign-in by phone and everything tokens need: one-time codes, access and refresh tokens, API keys, roles.

- `request_code`: a 6-digit code for a phone, kept only as a keyed hash, valid for PAKKA_OTP_TTL_S (5 minutes)
  and PAKKA_OTP_MAX_ATTEMPTS (5) wrong tries; sent by the configured sender.
- `sign_in`: the right code gives an access token and a refresh token. The user id of a phone is a keyed hash
  of it (`usr_...`), so no phone number is stored; the role is the one granted to that user (shopper unless
  an operator granted merchant or admin).
- `refresh`: rotates the refresh token (each is good once); presenting an already used one revokes its whole
  family, and every access token of that sign-in with it.
- `logout`: revokes the family.
- API keys (`pk.<tenant>.<id>.<secret>`): a merchant's server-to-server credential for one tenant, stored as
  a hash of its secret, revocable.

Access tokens that belong to a sign-in carry its family id (`sid`); `authenticate` checks the family is still
live, remembering the answer for a few seconds (`SESSION_CACHE_S`), so a sign-out or an erasure ends them at
once in this process and within seconds in the others.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from core.errors import InvalidInput, NotFound, Unauthenticated, VersionConflict
from core.identity.senders import OtpSender
from core.identity.tokens import Principal, TokenSigner
from core.privacy import Pseudonymizer
from core.ratelimit import RateLimits
from core.records.identity import AuthKind, AuthRecord, Role
from core.schemas import utcnow
from core.settings import Settings
from core.storage.repositories import Store

SESSION_CACHE_S = 5.0
"""How long a live family or API key is trusted before it is read again (revocations in other processes take
at most this long to reach this one)."""
CODE_DIGITS = 6
API_KEY_PREFIX = "pk"
PHONE_PATTERN = re.compile(r"^\+[1-9][0-9]{7,14}$")
INDIAN_MOBILE = re.compile(r"^[6-9][0-9]{9}$")
PHONE_INPUT_PATTERN = r"^(?:\+[1-9](?:[ -]?[0-9]){7,14}|[6-9](?:[ -]?[0-9]){9})$"
"""Every phone number `normalize_phone` accepts: international form (+, then 8 to 15 digits) or a 10-digit
Indian mobile number, a space or hyphen allowed between digits. The API's schema publishes it, so the OpenAPI
document and the check are one definition."""
_PHONE_INPUT = re.compile(PHONE_INPUT_PATTERN)


class CodeExpired(Unauthenticated):
    """No code is waiting for this phone: never sent, expired, used, or out of attempts."""

    code = "CODE_EXPIRED"


class InvalidCode(Unauthenticated):
    code = "INVALID_CODE"


class RefreshRejected(Unauthenticated):
    code = "INVALID_REFRESH_TOKEN"


class RefreshReused(Unauthenticated):
    code = "REFRESH_TOKEN_REUSED"


class SessionEnded(Unauthenticated):
    code = "SESSION_ENDED"


class InvalidApiKey(Unauthenticated):
    code = "INVALID_API_KEY"


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    """Seconds the access token is valid for."""
    user_id: str
    tenant_id: str
    role: Role


class ApiKeyInfo(BaseModel):
    key_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None = None


class CreatedApiKey(ApiKeyInfo):
    api_key: str
    """The key itself: shown this once, stored only as a hash."""


def normalize_phone(raw: str) -> str:
    """E.164 (`+919876543210`); a 10-digit Indian mobile number gets +91; spaces and hyphens between digits
    are dropped. InvalidInput otherwise (PHONE_INPUT_PATTERN)."""
    if not _PHONE_INPUT.fullmatch(raw):
        raise InvalidInput(
            "phone must be a mobile number in international form, e.g. +919876543210", {"field": "phone"}
        )
    compact = re.sub(r"[ -]", "", raw)
    if INDIAN_MOBILE.fullmatch(compact):
        compact = "+91" + compact
    assert PHONE_PATTERN.fullmatch(compact), compact
    return compact


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class _TtlCache:
    """A few seconds of memory of which families and keys are live (bounded; cleared when full)."""

    def __init__(self, ttl_s: float, max_entries: int = 50_000) -> None:
        self._ttl = ttl_s
        self._max = max_entries
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, Any]] = {}

    def get(self, key: str) -> Any:
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] > self._ttl:
            return None
        return entry[1]

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            if len(self._entries) >= self._max:
                self._entries.clear()
            self._entries[key] = (time.monotonic(), value)

    def drop(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class IdentityService:
    def __init__(
        self,
        store: Store,
        signer: TokenSigner,
        pseudonyms: Pseudonymizer,
        sender: OtpSender,
        limits: RateLimits,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._store = store
        self.signer = signer
        self._pseudonyms = pseudonyms
        self.sender = sender
        self._limits = limits
        self._otp_ttl = timedelta(seconds=settings.otp_ttl_s)
        self._otp_attempts = settings.otp_max_attempts
        self._refresh_ttl = timedelta(seconds=settings.auth_refresh_ttl_s)
        self.clock = clock
        self._live = _TtlCache(SESSION_CACHE_S)

    @classmethod
    def for_store(
        cls, settings: Settings, store: Store, *, limits: RateLimits | None = None
    ) -> IdentityService:
        """The service over an opened store with everything else from settings (the CLI's way in; `Services`
        builds it the same way with the process's rate limits)."""
        from core.identity.senders import build_sender
        from core.identity.tokens import TokenSigner

        return cls(
            store,
            TokenSigner.for_settings(settings),
            Pseudonymizer.for_settings(settings),
            build_sender(settings),
            limits or RateLimits(settings),
            settings,
        )

    # --- phones and users -------------------------------------------------------------------------------

    def user_id_for_phone(self, tenant_id: str, phone: str) -> str:
        """The stable user id of a phone in a tenant: a keyed hash, so the phone number is never stored."""
        return "usr_" + self._pseudonyms.digest("phone-user", tenant_id, normalize_phone(phone))[:24]

    def _phone_key(self, tenant_id: str, phone: str) -> str:
        return self._pseudonyms.digest("otp", tenant_id, phone)[:40]

    def _code_hash(self, phone_key: str, code: str) -> str:
        return self._pseudonyms.digest("otp-code", phone_key, code)

    # --- one-time codes ---------------------------------------------------------------------------------

    def request_code(self, tenant_id: str, phone: str) -> int:
        """Send a new code to `phone` (replacing any pending one); returns its lifetime in seconds.
        RateLimited past PAKKA_OTP_LIMIT_PER_WINDOW codes per window for one phone."""
        phone = normalize_phone(phone)
        phone_key = self._phone_key(tenant_id, phone)
        self._limits.for_otp(f"{tenant_id}/{phone_key}")
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        now = self.clock()
        record = AuthRecord(
            tenant_id=tenant_id,
            kind=AuthKind.OTP,
            key=phone_key,
            doc={"code_hash": self._code_hash(phone_key, code), "attempts": 0},
            expires_at=now + self._otp_ttl,
            updated_at=now,
        )
        for _ in range(5):
            pending = self._store.identity.get(tenant_id, AuthKind.OTP, phone_key)
            try:
                self._store.identity.save(record, 0 if pending is None else pending.version)
                break
            except VersionConflict:
                continue
        self.sender.send(phone, code, ttl_s=int(self._otp_ttl.total_seconds()))
        return int(self._otp_ttl.total_seconds())

    def sign_in(self, tenant_id: str, phone: str, code: str) -> TokenPair:
        """Exchange a code for tokens. CodeExpired / InvalidCode (with attempts_left) otherwise."""
        phone = normalize_phone(phone)
        phone_key = self._phone_key(tenant_id, phone)
        for _ in range(10):
            pending = self._store.identity.get(tenant_id, AuthKind.OTP, phone_key)
            if pending is None or pending.expires_at is None or pending.expires_at <= self.clock():
                raise CodeExpired("no sign-in code is waiting for this phone: ask for a new one")
            attempts = int(pending.doc.get("attempts", 0))
            if attempts >= self._otp_attempts:
                raise CodeExpired("too many wrong codes: ask for a new one")
            if hmac.compare_digest(pending.doc.get("code_hash", ""), self._code_hash(phone_key, code)):
                if not self._store.identity.delete(tenant_id, AuthKind.OTP, phone_key, pending.version):
                    continue  # a concurrent try moved it: decide again on what is stored now
                return self._start_session(tenant_id, self.user_id_for_phone(tenant_id, phone))
            counted = pending.model_copy(update={"doc": {**pending.doc, "attempts": attempts + 1}})
            try:
                self._store.identity.save(counted, pending.version)
            except VersionConflict:
                continue
            left = self._otp_attempts - attempts - 1
            raise InvalidCode("wrong code", {"attempts_left": left})
        raise CodeExpired("the sign-in code is contended: ask for a new one")

    # --- refresh-token families -------------------------------------------------------------------------

    def _start_session(self, tenant_id: str, user_id: str) -> TokenPair:
        family_id = secrets.token_hex(16)
        secret = secrets.token_urlsafe(32)
        now = self.clock()
        family = AuthRecord(
            tenant_id=tenant_id,
            kind=AuthKind.REFRESH,
            key=family_id,
            user_id=user_id,
            doc={"secret_hash": _secret_hash(secret), "revoked": False},
            expires_at=now + self._refresh_ttl,
            updated_at=now,
        )
        self._store.identity.save(family, 0)
        return self._pair(family, secret)

    def _pair(self, family: AuthRecord, secret: str) -> TokenPair:
        assert family.user_id is not None
        role = self.role_of(family.tenant_id, family.user_id)
        principal = Principal(
            subject=family.user_id, tenant_id=family.tenant_id, role=role, session=family.key
        )
        access, expires_in = self.signer.mint(principal)
        return TokenPair(
            access_token=access,
            refresh_token=f"{family.tenant_id}.{family.key}.{secret}",
            expires_in=expires_in,
            user_id=family.user_id,
            tenant_id=family.tenant_id,
            role=role,
        )

    def _family_of(self, refresh_token: str) -> tuple[AuthRecord, str]:
        parts = refresh_token.split(".")
        if len(parts) != 3 or not all(parts):
            raise RefreshRejected("the refresh token is not valid")
        tenant_id, family_id, secret = parts
        try:
            family = self._store.identity.get(tenant_id, AuthKind.REFRESH, family_id)
        except InvalidInput:
            family = None
        if family is None:
            raise RefreshRejected("the refresh token is not valid")
        return family, secret

    def refresh(self, refresh_token: str) -> TokenPair:
        """New tokens for a refresh token used for the first time; reusing one revokes its family."""
        family, secret = self._family_of(refresh_token)
        if family.doc.get("revoked"):
            raise SessionEnded("this sign-in has ended: sign in again")
        if family.expires_at is not None and family.expires_at <= self.clock():
            raise SessionEnded("this sign-in has expired: sign in again")
        if not hmac.compare_digest(family.doc.get("secret_hash", ""), _secret_hash(secret)):
            self._revoke(family)
            raise RefreshReused("this refresh token was already used: the sign-in is revoked")
        new_secret = secrets.token_urlsafe(32)
        rotated = family.model_copy(
            update={
                "doc": {**family.doc, "secret_hash": _secret_hash(new_secret)},
                "updated_at": self.clock(),
            }
        )
        try:
            saved = self._store.identity.save(rotated, family.version)
        except VersionConflict:
            # The same token was presented twice at once: one of them is a replay.
            self._revoke(family)
            raise RefreshReused("this refresh token was already used: the sign-in is revoked") from None
        return self._pair(saved, new_secret)

    def logout(self, refresh_token: str) -> None:
        """Revoke the sign-in of this refresh token (idempotent for a revoked one)."""
        family, _ = self._family_of(refresh_token)
        self._revoke(family)

    def _revoke(self, family: AuthRecord) -> None:
        current: AuthRecord | None = family
        for _ in range(5):
            if current is None or current.doc.get("revoked"):
                break
            revoked = current.model_copy(update={"doc": {**current.doc, "revoked": True}})
            try:
                self._store.identity.save(revoked, current.version)
                break
            except VersionConflict:
                current = self._store.identity.get(family.tenant_id, AuthKind.REFRESH, family.key)
        self._live.drop(f"sid:{family.tenant_id}:{family.key}")

    def _session_live(self, tenant_id: str, family_id: str) -> bool:
        cache_key = f"sid:{tenant_id}:{family_id}"
        if self._live.get(cache_key):
            return True
        family = self._store.identity.get(tenant_id, AuthKind.REFRESH, family_id)
        live = (
            family is not None
            and not family.doc.get("revoked")
            and (family.expires_at is None or family.expires_at > self.clock())
        )
        if live:
            self._live.put(cache_key, True)
        return live

    # --- who is calling ---------------------------------------------------------------------------------

    def authenticate(self, token: str) -> Principal:
        """The principal of an access token whose sign-in is still live."""
        principal = self.signer.verify(token)
        if principal.session is not None and not self._session_live(principal.tenant_id, principal.session):
            raise SessionEnded("this sign-in has ended: sign in again")
        return principal

    def authenticate_api_key(self, raw: str) -> Principal:
        parts = raw.split(".")
        if len(parts) != 4 or parts[0] != API_KEY_PREFIX or not all(parts):
            raise InvalidApiKey("the API key is not valid")
        _, tenant_id, key_id, secret = parts
        cache_key = f"key:{tenant_id}:{key_id}:{_secret_hash(secret)}"
        if not self._live.get(cache_key):
            try:
                record = self._store.identity.get(tenant_id, AuthKind.API_KEY, key_id)
            except InvalidInput:
                record = None
            if (
                record is None
                or record.doc.get("revoked_at")
                or not hmac.compare_digest(record.doc.get("secret_hash", ""), _secret_hash(secret))
            ):
                raise InvalidApiKey("the API key is not valid or was revoked")
            self._live.put(cache_key, True)
        return Principal(subject=f"apikey:{key_id}", tenant_id=tenant_id, role=Role.MERCHANT, api_key=key_id)

    def operator_token(
        self, tenant_id: str, user_id: str, role: Role, ttl_s: int | None = None
    ) -> tuple[str, int]:
        """A signed access token for scripts and operators (`pakka auth token`); not tied to a sign-in."""
        return self.signer.mint(Principal(subject=user_id, tenant_id=tenant_id, role=role), ttl_s=ttl_s)

    # --- roles ------------------------------------------------------------------------------------------

    def role_of(self, tenant_id: str, user_id: str) -> Role:
        grant = self._store.identity.get(tenant_id, AuthKind.ROLE, user_id)
        return Role(grant.doc["role"]) if grant is not None else Role.SHOPPER

    def grant_role(self, tenant_id: str, user_id: str, role: Role) -> None:
        """Make the user a merchant of the tenant (or an admin, or a shopper again) from their next sign-in
        or refresh."""
        for _ in range(5):
            grant = self._store.identity.get(tenant_id, AuthKind.ROLE, user_id)
            record = AuthRecord(
                tenant_id=tenant_id,
                kind=AuthKind.ROLE,
                key=user_id,
                user_id=user_id,
                doc={"role": role.value},
            )
            try:
                self._store.identity.save(record, 0 if grant is None else grant.version)
                return
            except VersionConflict:
                continue
        raise VersionConflict("the role grant is contended; try again")

    # --- API keys ---------------------------------------------------------------------------------------

    def create_api_key(self, tenant_id: str, name: str) -> CreatedApiKey:
        key_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        now = self.clock()
        self._store.identity.save(
            AuthRecord(
                tenant_id=tenant_id,
                kind=AuthKind.API_KEY,
                key=key_id,
                doc={"name": name, "secret_hash": _secret_hash(secret), "created_at": now.isoformat()},
                updated_at=now,
            ),
            0,
        )
        return CreatedApiKey(
            key_id=key_id,
            name=name,
            created_at=now,
            api_key=f"{API_KEY_PREFIX}.{tenant_id}.{key_id}.{secret}",
        )

    def list_api_keys(self, tenant_id: str) -> list[ApiKeyInfo]:
        return [_key_info(record) for record in self._store.identity.list(tenant_id, AuthKind.API_KEY)]

    def revoke_api_key(self, tenant_id: str, key_id: str) -> ApiKeyInfo:
        for _ in range(5):
            record = self._store.identity.get(tenant_id, AuthKind.API_KEY, key_id)
            if record is None:
                raise NotFound(f"API key {key_id!r} not found", {"key_id": key_id})
            if record.doc.get("revoked_at"):
                return _key_info(record)
            revoked = record.model_copy(
                update={"doc": {**record.doc, "revoked_at": self.clock().isoformat()}}
            )
            try:
                saved = self._store.identity.save(revoked, record.version)
            except VersionConflict:
                continue
            self._live.clear()
            return _key_info(saved)
        raise VersionConflict("the API key is contended; try again")

    # --- erasure ----------------------------------------------------------------------------------------

    def forget_cached_sessions(self) -> None:
        """After an erasure (core.privacy.erase_user deletes the user's sign-in records): stop trusting the
        sessions this process remembers as live, so the erased user's access tokens fail at once."""
        self._live.clear()


def _key_info(record: AuthRecord) -> ApiKeyInfo:
    revoked = record.doc.get("revoked_at")
    return ApiKeyInfo(
        key_id=record.key,
        name=str(record.doc.get("name", "")),
        created_at=datetime.fromisoformat(record.doc["created_at"]),
        revoked_at=datetime.fromisoformat(revoked) if revoked else None,
    )
