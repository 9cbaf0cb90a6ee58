"""Records of sign-in: one versioned record type (`AuthRecord`) for every kind the identity service keeps.

- `otp`: a pending login code for one phone (keyed by a keyed hash of the phone, never the phone itself);
- `refresh`: a refresh-token family (keyed by its random id; owned by the user it signs in);
- `api_key`: a merchant's server-to-server key (keyed by its public id; the secret only as a hash);
- `role`: the role granted to a user of a tenant (keyed by the user id; owned by that user).

Stores keep `doc` as opaque JSON; core/identity gives each kind its fields. `user_id` names the owner, so that
erasure deletes every record of a user (`IdentityRepository.delete_for_user`).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from core.schemas import Id, Record, TenantId, utcnow


class AuthKind(StrEnum):
    OTP = "otp"
    REFRESH = "refresh"
    API_KEY = "api_key"
    ROLE = "role"


class Role(StrEnum):
    SHOPPER = "shopper"
    MERCHANT = "merchant"
    ADMIN = "admin"


class AuthRecord(Record):
    tenant_id: TenantId
    kind: AuthKind
    key: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")
    user_id: Id | None = None
    version: int = Field(default=1, ge=1)
    doc: dict[str, Any] = Field(default_factory=dict)
    expires_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)
