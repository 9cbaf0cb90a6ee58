"""Privacy: consent gates stored attributes, only allow-listed attributes are kept, erasure leaves no trace
but a pseudonymous record."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from core.privacy import (
    BIOMETRIC,
    ERASURE,
    PSEUDONYM_KEY_FILE,
    ConsentRequired,
    Pseudonymizer,
    ScanKind,
    allowed_attributes,
    erase_threads,
    erase_user,
    record_consent,
    store_attributes,
    stored_attributes,
    stored_key,
    user_thread_id,
)
from core.records.feedback import FeedbackEvent, FitReport, PurchaseOutcome
from core.schemas import Cart, CartItem
from core.settings import Settings
from core.storage.repositories import Store

TENANT = "acme"
PSEUDONYMS = Pseudonymizer(b"test-key-" * 4)
FOOT = {"length_mm": 262.0, "width_mm": 101.0, "length_sigma_mm": 1.5, "width_sigma_mm": 1.2}


def test_only_allow_listed_attributes_survive() -> None:
    values = {**FOOT, "image": b"\xff\xd8raw", "photo_path": "/tmp/x.jpg", "width_sigma_mm": None}

    kept = allowed_attributes(ScanKind.FOOT, values)

    assert kept == {"length_mm": 262.0, "width_mm": 101.0, "length_sigma_mm": 1.5}


def test_attributes_are_not_stored_without_biometric_consent(store: Store) -> None:
    with pytest.raises(ConsentRequired):
        store_attributes(store, TENANT, "u-1", ScanKind.FOOT, FOOT)

    record_consent(store, TENANT, "u-1", BIOMETRIC, granted=False, pseudonyms=PSEUDONYMS)
    with pytest.raises(ConsentRequired):
        store_attributes(store, TENANT, "u-1", ScanKind.FOOT, FOOT)

    assert store.users.get(TENANT, "u-1") is None


def test_consented_attributes_are_stored_per_scan_kind_and_read_back(store: Store) -> None:
    record_consent(store, TENANT, "u-1", BIOMETRIC, granted=True, pseudonyms=PSEUDONYMS)

    store_attributes(store, TENANT, "u-1", ScanKind.FOOT, {**FOOT, "raw_pixels": [1, 2, 3]})
    body = {"height_cm": 170.0, "waist": 80.5, "waist_sigma": 2.5}
    store_attributes(store, TENANT, "u-1", ScanKind.BODY, {**body, "silhouette": [0, 1]})

    assert stored_attributes(store, TENANT, "u-1", ScanKind.FOOT) == FOOT
    assert stored_attributes(store, TENANT, "u-1", ScanKind.BODY) == body
    assert stored_attributes(store, TENANT, "u-1", ScanKind.FACE) is None


def test_withdrawing_biometric_consent_deletes_the_stored_attributes(store: Store) -> None:
    record_consent(store, TENANT, "u-1", BIOMETRIC, granted=True, pseudonyms=PSEUDONYMS)
    store_attributes(store, TENANT, "u-1", ScanKind.FOOT, FOOT)

    record_consent(store, TENANT, "u-1", BIOMETRIC, granted=False, pseudonyms=PSEUDONYMS)

    user = store.users.get(TENANT, "u-1")
    assert user is not None and user.attributes == {}
    assert stored_attributes(store, TENANT, "u-1", ScanKind.FOOT) is None


def test_consent_decisions_are_audited_under_a_pseudonym_only(store: Store) -> None:
    record_consent(store, TENANT, "u-1", BIOMETRIC, granted=True, pseudonyms=PSEUDONYMS)

    [entry] = store.audit.list(TENANT)
    assert entry.action == "consent.granted"
    assert entry.entity_id == PSEUDONYMS.pseudonym(TENANT, "u-1")
    assert entry.actor == f"user:{PSEUDONYMS.pseudonym(TENANT, 'u-1')}"
    assert "u-1" not in entry.model_dump_json().replace(entry.entity_id, "")


def test_erasing_a_user_removes_attributes_consents_cart_and_feedback(store: Store) -> None:
    record_consent(store, TENANT, "u-1", BIOMETRIC, granted=True, pseudonyms=PSEUDONYMS)
    store_attributes(store, TENANT, "u-1", ScanKind.FOOT, FOOT)
    store.carts.save(
        Cart(tenant_id=TENANT, user_id="u-1", items=[CartItem(product_id="p-1", size="UK8", quantity=1)]), 0
    )
    store.feedback.record(
        FeedbackEvent(
            tenant_id=TENANT,
            user_id="u-1",
            product_id="p-1",
            size="UK8",
            outcome=PurchaseOutcome.KEPT,
            fit=FitReport.FIT,
        )
    )
    record_consent(store, TENANT, "u-2", BIOMETRIC, granted=True, pseudonyms=PSEUDONYMS)

    receipt = erase_user(store, TENANT, "u-1", pseudonyms=PSEUDONYMS, threads_deleted=2)

    assert (receipt.user_deleted, receipt.consents_deleted, receipt.feedback_deleted) == (True, 1, 1)
    assert store.users.get(TENANT, "u-1") is None
    assert store.consent.history(TENANT, "u-1") == []
    assert store.carts.get(TENANT, "u-1").items == []
    assert store.feedback.list_for_user(TENANT, "u-1") == []
    assert len(store.consent.history(TENANT, "u-2")) == 1


def test_erasure_leaves_only_a_pseudonymous_record_that_it_happened(store: Store) -> None:
    record_consent(store, TENANT, "u-1", BIOMETRIC, granted=True, pseudonyms=PSEUDONYMS)

    receipt = erase_user(store, TENANT, "u-1", pseudonyms=PSEUDONYMS)

    [marker] = store.consent.history(TENANT, receipt.pseudonym)
    assert (marker.consent_type, marker.granted) == (ERASURE, False)
    audit = store.audit.list(TENANT)
    assert [entry.action for entry in audit] == ["user.erased", "consent.granted"]
    assert all("u-1" not in entry.model_dump_json() for entry in audit)
    assert {entry.entity_id for entry in audit} == {receipt.pseudonym}


def unkeyed_hash(tenant_id: str, user_id: str) -> str:
    """What the pseudonym used to be: anyone with a list of ids could recompute it."""
    return f"anon_{hashlib.sha256(f'{tenant_id}/{user_id}'.encode()).hexdigest()[:32]}"


def test_pseudonyms_are_stable_and_differ_per_tenant_and_user() -> None:
    assert PSEUDONYMS.pseudonym(TENANT, "u-1") == Pseudonymizer(b"test-key-" * 4).pseudonym(TENANT, "u-1")
    pseudonyms = {
        PSEUDONYMS.pseudonym(TENANT, "u-1"),
        PSEUDONYMS.pseudonym(TENANT, "u-2"),
        PSEUDONYMS.pseudonym("bolt", "u-1"),
    }
    assert len(pseudonyms) == 3


def test_a_pseudonym_is_keyed_not_a_plain_hash_of_the_id() -> None:
    pseudonym = PSEUDONYMS.pseudonym(TENANT, "u-1")

    assert pseudonym != unkeyed_hash(TENANT, "u-1")
    assert hashlib.sha256(b"u-1").hexdigest()[:32] not in pseudonym
    assert pseudonym != Pseudonymizer(b"another-key-" * 3).pseudonym(TENANT, "u-1")


def test_without_a_configured_secret_one_key_is_generated_into_the_data_dir_for_owner_only(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)

    first = Pseudonymizer.for_settings(settings).pseudonym(TENANT, "u-1")
    after_restart = Pseudonymizer.for_settings(settings).pseudonym(TENANT, "u-1")

    key_file = tmp_path / "data" / PSEUDONYM_KEY_FILE
    assert first == after_restart
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(bytes.fromhex(key_file.read_text())) == 32
    assert sorted(path.name for path in key_file.parent.iterdir()) == [PSEUDONYM_KEY_FILE]
    other_deployment = Settings(data_dir=tmp_path / "other", _env_file=None)
    assert Pseudonymizer.for_settings(other_deployment).pseudonym(TENANT, "u-1") != first


def test_a_configured_secret_is_used_instead_and_never_shown(tmp_path: Path) -> None:
    secret = "a-long-deployment-secret-0123456789"
    settings = Settings(data_dir=tmp_path / "data", pseudonym_secret=secret, _env_file=None)

    pseudonyms = Pseudonymizer.for_settings(settings)

    assert pseudonyms.pseudonym(TENANT, "u-1") == Pseudonymizer(secret.encode()).pseudonym(TENANT, "u-1")
    assert not (tmp_path / "data" / PSEUDONYM_KEY_FILE).exists()
    assert secret not in repr(pseudonyms)
    assert secret not in repr(settings) and secret not in settings.model_dump_json()


def test_a_short_secret_or_a_corrupt_key_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        Pseudonymizer(b"short")
    corrupt = tmp_path / PSEUDONYM_KEY_FILE
    corrupt.write_text("not hex")

    with pytest.raises(ValueError, match="hex-encoded"):
        stored_key(corrupt)


async def test_erasing_threads_deletes_the_users_checkpoints_and_no_one_elses(tmp_path: Path) -> None:
    async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "checkpoints.db")) as saver:
        threads = [
            user_thread_id(TENANT, "u-1", "chat-1"),
            user_thread_id(TENANT, "u-1", "chat-2"),
            user_thread_id(TENANT, "u-10", "chat-1"),
            user_thread_id("bolt", "u-1", "chat-1"),
        ]
        for thread_id in threads:
            config = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
            await saver.aput(config, empty_checkpoint(), {"source": "input", "step": 0}, {})

        assert await erase_threads(saver, TENANT, "u-1") == 2

        remaining = {item.config["configurable"]["thread_id"] async for item in saver.alist(None)}
        assert remaining == set(threads[2:])
