"""Contract: the tenant registry, users, the consent log and the audit log."""

from __future__ import annotations

from core.storage.repositories import Store
from tests.core.storage.factories import (
    OTHER_TENANT,
    TENANT,
    at,
    make_audit,
    make_consent,
    make_tenant,
    make_user,
)


def test_tenants_put_get_and_list_in_id_order(store: Store) -> None:
    store.tenants.put(make_tenant(OTHER_TENANT))
    acme = store.tenants.put(make_tenant(TENANT))

    assert store.tenants.get(TENANT) == acme
    assert store.tenants.get("nobody") is None
    assert [tenant.id for tenant in store.tenants.list()] == [TENANT, OTHER_TENANT]


def test_putting_a_tenant_again_replaces_it(store: Store) -> None:
    store.tenants.put(make_tenant(name="Old"))

    store.tenants.put(make_tenant(name="New"))

    assert [tenant.name for tenant in store.tenants.list()] == ["New"]


def test_user_put_then_get_returns_the_same_user(store: Store) -> None:
    user = make_user()

    assert store.users.put(user) == user
    assert store.users.get(TENANT, "u-1") == user


def test_putting_a_user_again_replaces_it(store: Store) -> None:
    store.users.put(make_user(name="Asha"))
    renamed = make_user(name="Asha Rao", attributes={})

    store.users.put(renamed)

    assert store.users.get(TENANT, "u-1") == renamed


def test_deleting_a_user_reports_whether_one_was_removed(store: Store) -> None:
    store.users.put(make_user())

    assert store.users.delete(TENANT, "u-1") is True
    assert store.users.get(TENANT, "u-1") is None
    assert store.users.delete(TENANT, "u-1") is False


def test_consent_history_lists_a_users_entries_oldest_first(store: Store) -> None:
    later = store.consent.record(make_consent(granted=False, recorded_at=at(10)))
    earlier = store.consent.record(make_consent(recorded_at=at(1)))
    store.consent.record(make_consent("u-2", recorded_at=at(5)))

    assert store.consent.history(TENANT, "u-1") == [earlier, later]


def test_consent_latest_is_the_newest_entry_of_that_type(store: Store) -> None:
    store.consent.record(make_consent(granted=True, recorded_at=at(1)))
    withdrawn = store.consent.record(make_consent(granted=False, recorded_at=at(2)))
    store.consent.record(make_consent(consent_type="marketing", granted=True, recorded_at=at(3)))

    assert store.consent.latest(TENANT, "u-1", "store_attributes") == withdrawn
    assert store.consent.latest(TENANT, "u-1", "photos") is None


def test_delete_for_user_erases_only_that_users_consent_and_counts_it(store: Store) -> None:
    store.consent.record(make_consent(recorded_at=at(1)))
    store.consent.record(make_consent(consent_type="marketing", recorded_at=at(2)))
    kept = store.consent.record(make_consent("u-2", recorded_at=at(3)))

    assert store.consent.delete_for_user(TENANT, "u-1") == 2
    assert store.consent.history(TENANT, "u-1") == []
    assert store.consent.history(TENANT, "u-2") == [kept]
    assert store.consent.delete_for_user(TENANT, "u-1") == 0


def test_audit_list_is_newest_first_up_to_the_limit(store: Store) -> None:
    entries = [store.audit.append(make_audit(f"o-{minute}", at=at(minute))) for minute in (2, 1, 3)]

    listed = store.audit.list(TENANT)

    assert listed == sorted(entries, key=lambda entry: entry.at, reverse=True)
    assert [entry.entity_id for entry in store.audit.list(TENANT, limit=2)] == ["o-3", "o-2"]


def test_audit_list_filters_by_entity_type_and_id(store: Store) -> None:
    store.audit.append(make_audit("o-1", at=at(1)))
    store.audit.append(make_audit("o-2", at=at(2)))
    store.audit.append(make_audit("u-1", entity_type="user", action="user.deleted", at=at(3)))

    assert [entry.entity_id for entry in store.audit.list(TENANT, entity_type="order")] == ["o-2", "o-1"]
    assert [entry.entity_id for entry in store.audit.list(TENANT, entity_type="order", entity_id="o-1")] == [
        "o-1"
    ]
    assert [entry.action for entry in store.audit.list(TENANT, entity_type="user")] == ["user.deleted"]
    assert store.audit.list(TENANT, entity_type="product") == []


def test_audit_entries_keep_their_details(store: Store) -> None:
    entry = store.audit.append(make_audit(details={"reason": "card declined", "attempt": 2}))

    assert store.audit.list(TENANT) == [entry]
