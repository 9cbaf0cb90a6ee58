"""The site records' contract, on every backend: optimistic versions, lookup by id, a user's sites newest
first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import VersionConflict
from core.records.sites import SiteRecord, SiteStatus
from core.schemas import utcnow
from core.storage.repositories import Store


def site(site_id: str, user: str | None = "u1", minutes: int = 0) -> SiteRecord:
    return SiteRecord(
        id=site_id,
        owner_tenant_id="demo",
        owner_user_id=user,
        request={"description": "Sharma Kirana in Indore"},
        created_at=utcnow() + timedelta(minutes=minutes),
    )


def test_save_get_and_versions(store: Store) -> None:
    saved = store.sites.save(site("site_a"), 0)
    assert saved.version == 1
    assert store.sites.get("site_a") == saved

    updated = store.sites.save(
        saved.model_copy(
            update={"status": SiteStatus.DRAFT, "spec": {"business_name": "Sharma Kirana", "n": 2.5}}
        ),
        1,
    )
    stored = store.sites.get("site_a")
    assert stored is not None and stored.version == 2 and stored.status is SiteStatus.DRAFT
    assert stored.spec == {"business_name": "Sharma Kirana", "n": 2.5} and stored == updated

    with pytest.raises(VersionConflict):
        store.sites.save(saved, 1)
    with pytest.raises(VersionConflict):
        store.sites.save(site("site_a"), 0)
    assert store.sites.get("missing") is None


def test_list_by_owner_newest_first(store: Store) -> None:
    store.sites.save(site("site_old", minutes=-5), 0)
    store.sites.save(site("site_new"), 0)
    store.sites.save(site("site_other", user="u2"), 0)
    store.sites.save(site("site_anon", user=None), 0)

    assert [record.id for record in store.sites.list_by_owner("demo", "u1")] == ["site_new", "site_old"]
    assert [record.id for record in store.sites.list_by_owner("demo", None)] == ["site_anon"]
    assert store.sites.list_by_owner("other", "u1") == []
