"""Contract: the feedback log and the learned size offsets behave the same on every backend."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput, VersionConflict
from core.records.feedback import FitReport, OffsetScope
from core.storage.repositories import Store
from core.storage.sqlite.migrations import MIGRATIONS
from tests.core.storage.factories import TENANT, at, make_feedback
from tests.core.storage.factories import make_size_offset as make_offset


def test_feedback_events_are_listed_per_user_oldest_first(store: Store) -> None:
    store.feedback.record(make_feedback("fbk-2", recorded_at=at(5), fit=FitReport.FIT))
    store.feedback.record(make_feedback("fbk-1", recorded_at=at(2)))
    store.feedback.record(make_feedback("fbk-3", user_id="u-2"))

    events = store.feedback.list_for_user(TENANT, "u-1")

    assert [event.id for event in events] == ["fbk-1", "fbk-2"]
    assert events[1] == make_feedback("fbk-2", recorded_at=at(5), fit=FitReport.FIT)


def test_recording_the_same_feedback_event_twice_is_rejected(store: Store) -> None:
    store.feedback.record(make_feedback())

    with pytest.raises(InvalidInput):
        store.feedback.record(make_feedback(fit=FitReport.LARGE))

    assert [event.fit for event in store.feedback.list_for_user(TENANT, "u-1")] == [FitReport.SMALL]


def test_deleting_a_users_feedback_removes_only_theirs(store: Store) -> None:
    store.feedback.record(make_feedback("fbk-1"))
    store.feedback.record(make_feedback("fbk-2", recorded_at=at(3)))
    store.feedback.record(make_feedback("fbk-3", user_id="u-10"))

    assert store.feedback.delete_for_user(TENANT, "u-1") == 2

    assert store.feedback.list_for_user(TENANT, "u-1") == []
    assert [event.id for event in store.feedback.list_for_user(TENANT, "u-10")] == ["fbk-3"]


def test_a_user_id_that_prefixes_another_never_reads_the_others_feedback(store: Store) -> None:
    store.feedback.record(make_feedback("fbk-1", user_id="u-10"))

    assert store.feedback.list_for_user(TENANT, "u-1") == []


def test_a_size_offset_is_saved_as_version_one_and_read_back(store: Store) -> None:
    saved = store.size_offsets.save(make_offset(observations=3), expected_version=0)

    assert saved.version == 1
    assert store.size_offsets.get(TENANT, OffsetScope.ITEM, "p-1") == saved
    assert store.size_offsets.get(TENANT, OffsetScope.BRAND, "p-1") is None


def test_item_and_brand_offsets_with_the_same_key_are_separate(store: Store) -> None:
    store.size_offsets.save(make_offset(OffsetScope.ITEM, "stride", mean=0.5), expected_version=0)
    store.size_offsets.save(make_offset(OffsetScope.BRAND, "stride", mean=-0.5), expected_version=0)

    item = store.size_offsets.get(TENANT, OffsetScope.ITEM, "stride")
    brand = store.size_offsets.get(TENANT, OffsetScope.BRAND, "stride")

    assert item is not None and item.mean == 0.5
    assert brand is not None and brand.mean == -0.5


def test_saving_over_a_newer_size_offset_is_a_version_conflict(store: Store) -> None:
    first = store.size_offsets.save(make_offset(mean=0.1), expected_version=0)
    store.size_offsets.save(first.model_copy(update={"mean": 0.2}), expected_version=first.version)

    with pytest.raises(VersionConflict):
        store.size_offsets.save(first.model_copy(update={"mean": 0.9}), expected_version=first.version)
    with pytest.raises(VersionConflict):
        store.size_offsets.save(make_offset(mean=0.9), expected_version=0)

    stored = store.size_offsets.get(TENANT, OffsetScope.ITEM, "p-1")
    assert stored is not None and (stored.mean, stored.version) == (0.2, 2)


def test_get_many_returns_the_saved_offsets_of_one_scope_by_key(store: Store) -> None:
    item = store.size_offsets.save(make_offset(OffsetScope.ITEM, "p-1", mean=0.5), expected_version=0)
    other = store.size_offsets.save(make_offset(OffsetScope.ITEM, "p-2", mean=-0.5), expected_version=0)
    store.size_offsets.save(make_offset(OffsetScope.BRAND, "p-3"), expected_version=0)

    found = store.size_offsets.get_many(TENANT, OffsetScope.ITEM, ["p-1", "p-2", "p-3", "p-4", "p-1"])

    assert found == {"p-1": item, "p-2": other}


def test_get_many_of_more_offsets_than_one_request_holds_finds_them_all(store: Store) -> None:
    keys = [f"p-{index:03d}" for index in range(120)]
    for index, key in enumerate(keys):
        store.size_offsets.save(make_offset(OffsetScope.ITEM, key, mean=index / 100), expected_version=0)

    found = store.size_offsets.get_many(TENANT, OffsetScope.ITEM, keys)

    assert [found[key].mean for key in keys] == [index / 100 for index in range(120)]


def test_get_many_of_no_offset_keys_is_empty(store: Store) -> None:
    assert store.size_offsets.get_many(TENANT, OffsetScope.BRAND, []) == {}


def test_the_decision_tables_are_sqlite_migration_version_3() -> None:
    assert [
        migration.version for migration in MIGRATIONS if "CREATE TABLE size_offsets" in migration.sql
    ] == [3]
