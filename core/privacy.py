"""Privacy by construction: consent checks, the allow-list of attributes that may be stored, and erasure.

Only derived measurements on the allow-list are ever stored, and only after the shopper granted biometric
consent. Erasing a shopper removes their attributes, consent log, cart, feedback, conversation checkpoints
and everything the graphs' long-term store keeps about them (under `user_namespace`), and leaves behind only
a pseudonymous record that the erasure happened.

Pseudonyms are keyed (HMAC-SHA256 with a per-deployment secret), so nobody holding a list of user ids can
hash them and recognise who an audit entry or erasure record is about."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.store.base import BaseStore
from pydantic import BaseModel

from core.errors import PakkaError
from core.schemas import AuditEntry, ConsentRecord, User, utcnow
from core.settings import Settings
from core.storage.repositories import Store

BIOMETRIC = "biometric"
ERASURE = "erasure"
THREAD_SEPARATOR = "/"
"""Not allowed in tenant or user ids, so a user's thread prefix never matches another user's threads."""
PSEUDONYM_KEY_FILE = "pseudonym.key"
"""Where a deployment without PAKKA_PSEUDONYM_SECRET keeps its generated key (in the data dir)."""
KEY_BYTES = 32
MIN_KEY_BYTES = 16


class ScanKind(StrEnum):
    FOOT = "foot"
    FACE = "face"
    BODY = "body"


ALLOWED_ATTRIBUTES: dict[ScanKind, frozenset[str]] = {
    ScanKind.FOOT: frozenset({"length_mm", "width_mm", "length_sigma_mm", "width_sigma_mm"}),
    ScanKind.FACE: frozenset(
        {"ita_deg", "monk_band", "undertone", "shine", "redness", "skin_type", "sensitivity", "concerns"}
    ),
    ScanKind.BODY: frozenset(
        {"height_cm"}
        | {
            f"{name}{suffix}"
            for name in ("shoulder_width", "chest", "waist", "hip", "inseam")
            for suffix in ("", "_sigma")
        }
    ),
}


class ConsentRequired(PakkaError):
    """The shopper has not granted the consent this action needs (API: 403)."""

    code = "CONSENT_REQUIRED"


class ErasureReceipt(BaseModel):
    """What an erasure removed; `pseudonym` is the only trace of the shopper left behind."""

    pseudonym: str
    user_deleted: bool
    consents_deleted: int
    feedback_deleted: int
    threads_deleted: int
    memories_deleted: int = 0
    """Items of the graphs' long-term store: thread records, remembered preferences."""
    orders_pseudonymized: int = 0
    """Orders kept for accounting, which now name the pseudonym instead of the shopper."""
    sign_ins_deleted: int = 0
    """Sign-in records: refresh-token families (ending every session) and role grants."""


class Pseudonymizer:
    """Stable one-way ids for shoppers, usable in logs that must outlive their erasure: an HMAC of the tenant
    and user id under the deployment's secret key. The key never appears in its repr."""

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"a pseudonym key needs at least {MIN_KEY_BYTES} bytes")
        self._key = key

    @classmethod
    def for_settings(cls, settings: Settings) -> Pseudonymizer:
        """PAKKA_PSEUDONYM_SECRET when set, else the key generated once into the data dir."""
        if settings.pseudonym_secret is not None:
            return cls(settings.pseudonym_secret.get_secret_value().encode())
        return cls(stored_key(settings.data_dir / PSEUDONYM_KEY_FILE))

    def __repr__(self) -> str:
        return "Pseudonymizer(key=<hidden>)"

    def pseudonym(self, tenant_id: str, user_id: str) -> str:
        message = f"{tenant_id}{THREAD_SEPARATOR}{user_id}".encode()
        return f"anon_{hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]}"

    def digest(self, purpose: str, *parts: str) -> str:
        """A keyed hex digest of `parts` for one purpose (e.g. the user id of a phone, the key of its login
        code): stable for the deployment, one-way, and never equal to a pseudonym or another purpose's."""
        message = "\x1f".join((f"purpose:{purpose}", *parts)).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


def stored_key(path: Path) -> bytes:
    """The key in `path` (hex), created with random bytes and owner-only permissions when absent.

    The new key is written to a private temporary file and hard-linked into place, so two processes starting
    together agree on one complete key: the loser of the race reads the winner's."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(KEY_BYTES))
        try:
            with contextlib.suppress(FileExistsError):  # another process won the race: read its key below
                os.link(staging, path)
        finally:
            staging.unlink()
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except ValueError:
        raise ValueError(f"{path} does not hold a hex-encoded pseudonym key") from None


def user_thread_id(tenant_id: str, user_id: str, name: str) -> str:
    """The checkpoint thread id of one of the shopper's conversations (erasure finds them by prefix)."""
    return f"{tenant_id}{THREAD_SEPARATOR}{user_id}{THREAD_SEPARATOR}{name}"


def has_consent(store: Store, tenant_id: str, user_id: str, consent_type: str = BIOMETRIC) -> bool:
    latest = store.consent.latest(tenant_id, user_id, consent_type)
    return latest is not None and latest.granted


def require_consent(store: Store, tenant_id: str, user_id: str, consent_type: str = BIOMETRIC) -> None:
    if not has_consent(store, tenant_id, user_id, consent_type):
        raise ConsentRequired(
            f"{consent_type} consent has not been granted", {"user_id": user_id, "consent_type": consent_type}
        )


def record_consent(
    store: Store,
    tenant_id: str,
    user_id: str,
    consent_type: str,
    granted: bool,
    *,
    pseudonyms: Pseudonymizer,
) -> ConsentRecord:
    """Append a consent decision, audited under the shopper's pseudonym. Withdrawing biometric consent also
    deletes the attributes stored under it."""
    entry = store.consent.record(
        ConsentRecord(tenant_id=tenant_id, user_id=user_id, consent_type=consent_type, granted=granted)
    )
    if consent_type == BIOMETRIC and not granted:
        user = store.users.get(tenant_id, user_id)
        if user is not None and user.attributes:
            store.users.put(user.model_copy(update={"attributes": {}, "updated_at": utcnow()}))
    anonymous = pseudonyms.pseudonym(tenant_id, user_id)
    store.audit.append(
        AuditEntry(
            tenant_id=tenant_id,
            actor=f"user:{anonymous}",
            action="consent.granted" if granted else "consent.withdrawn",
            entity_type="user",
            entity_id=anonymous,
            details={"consent_type": consent_type},
        )
    )
    return entry


def allowed_attributes(kind: ScanKind, values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the allow-listed, non-empty attributes of one scan kind."""
    allowed = ALLOWED_ATTRIBUTES[kind]
    return {name: value for name, value in values.items() if name in allowed and value is not None}


def store_attributes(
    store: Store, tenant_id: str, user_id: str, kind: ScanKind, values: Mapping[str, Any]
) -> User:
    """Save the allow-listed attributes of a scan under `attributes[kind]`; needs biometric consent."""
    require_consent(store, tenant_id, user_id)
    user = store.users.get(tenant_id, user_id) or User(id=user_id, tenant_id=tenant_id)
    attributes = {**user.attributes, kind.value: allowed_attributes(kind, values)}
    return store.users.put(user.model_copy(update={"attributes": attributes, "updated_at": utcnow()}))


def stored_attributes(store: Store, tenant_id: str, user_id: str, kind: ScanKind) -> dict[str, Any] | None:
    """The shopper's stored attributes of one kind, or None (also when consent was withdrawn since)."""
    user = store.users.get(tenant_id, user_id)
    if user is None or kind.value not in user.attributes or not has_consent(store, tenant_id, user_id):
        return None
    values: dict[str, Any] = user.attributes[kind.value]
    return values


async def erase_threads(checkpointer: BaseCheckpointSaver[Any], tenant_id: str, user_id: str) -> int:
    """Delete every checkpoint thread named by `user_thread_id` for this shopper; returns how many."""
    prefix = user_thread_id(tenant_id, user_id, "")
    threads = {
        str(item.config["configurable"]["thread_id"])
        async for item in checkpointer.alist(None)
        if str(item.config["configurable"]["thread_id"]).startswith(prefix)
    }
    for thread_id in threads:
        await checkpointer.adelete_thread(thread_id)
    return len(threads)


def user_namespace(tenant_id: str, user_id: str, *kind: str) -> tuple[str, ...]:
    """Where the graphs' long-term store keeps what belongs to one shopper (erasure deletes the whole prefix).

    Store namespace labels may not contain ".", which user ids may: it is written "%2E" ("%" is not allowed in
    ids, so no two users share a label)."""
    return (tenant_id, user_id.replace(".", "%2E"), *kind)


async def erase_memory(memory: BaseStore, tenant_id: str, user_id: str, *, page: int = 100) -> int:
    """Delete every long-term store item under the shopper's namespace; returns how many."""
    deleted = 0
    prefix = user_namespace(tenant_id, user_id)
    while items := await memory.asearch(prefix, limit=page):
        for item in items:
            await memory.adelete(item.namespace, item.key)
        deleted += len(items)
    return deleted


def erase_user(
    store: Store,
    tenant_id: str,
    user_id: str,
    *,
    pseudonyms: Pseudonymizer,
    threads_deleted: int = 0,
    memories_deleted: int = 0,
) -> ErasureReceipt:
    """Remove the shopper's stored data, rename their orders to the pseudonym, end their sign-ins, then log
    the erasure under their pseudonym only and make the deleted rows unrecoverable (`Store.forget`).

    Thread checkpoints and long-term memory live outside the store: run `erase_threads` and `erase_memory`
    first and pass their counts (and `core.checkpointers.forget_deleted` on their savers)."""
    anonymous = pseudonyms.pseudonym(tenant_id, user_id)
    receipt = ErasureReceipt(
        pseudonym=anonymous,
        user_deleted=store.users.delete(tenant_id, user_id),
        consents_deleted=store.consent.delete_for_user(tenant_id, user_id),
        feedback_deleted=store.feedback.delete_for_user(tenant_id, user_id),
        threads_deleted=threads_deleted,
        memories_deleted=memories_deleted,
        orders_pseudonymized=store.orders.pseudonymize_user(tenant_id, user_id, anonymous),
        sign_ins_deleted=store.identity.delete_for_user(tenant_id, user_id),
    )
    store.carts.clear(tenant_id, user_id)
    store.consent.record(
        ConsentRecord(
            tenant_id=tenant_id, user_id=anonymous, consent_type=ERASURE, granted=False, source="erasure"
        )
    )
    store.audit.append(
        AuditEntry(
            tenant_id=tenant_id,
            actor=f"user:{anonymous}",
            action="user.erased",
            entity_type="user",
            entity_id=anonymous,
            details=receipt.model_dump(exclude={"pseudonym"}),
        )
    )
    store.forget()
    return receipt
