"""Feedback is stored and moves the item's and brand's size offsets, on every store backend."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.records.feedback import FeedbackEvent, FitReport, OffsetScope, PurchaseOutcome
from core.storage.repositories import Store
from domain.decision.feedback import SizeLearner, brand_key

TENANT = "acme"


def report(
    event_id: str, fit: FitReport, product_id: str = "shoe-1", brand: str = "Red Tape"
) -> FeedbackEvent:
    return FeedbackEvent(
        id=event_id,
        tenant_id=TENANT,
        user_id="u-1",
        product_id=product_id,
        brand=brand,
        size="UK8",
        outcome=PurchaseOutcome.RETURNED if fit is not FitReport.FIT else PurchaseOutcome.KEPT,
        fit=fit,
    )


def test_brand_keys_are_lowercase_slugs() -> None:
    assert brand_key("Red Tape") == "red-tape"
    assert brand_key("  ") is None


def test_an_unreviewed_product_has_no_offset(store: Store) -> None:
    adjustment = SizeLearner(store).adjustment(TENANT, "shoe-1", "Red Tape")

    assert (adjustment.mean, adjustment.observations) == (0.0, 0)


def test_too_small_reports_make_the_item_and_brand_run_small(store: Store) -> None:
    learner = SizeLearner(store)

    for index in range(3):
        learner.learn(report(f"fbk-{index}", FitReport.SMALL))

    adjustment = learner.adjustment(TENANT, "shoe-1", "Red Tape")
    assert adjustment.mean > 0.3 and adjustment.observations == 3
    assert store.size_offsets.get(TENANT, OffsetScope.BRAND, "red-tape") is not None
    assert [event.id for event in store.feedback.list_for_user(TENANT, "u-1")] == ["fbk-0", "fbk-1", "fbk-2"]


def test_what_is_learned_about_a_brand_carries_over_to_its_other_products(store: Store) -> None:
    learner = SizeLearner(store)

    for index in range(4):
        learner.learn(report(f"fbk-{index}", FitReport.LARGE, product_id="shoe-1"))

    sibling = learner.adjustment(TENANT, "shoe-2", "Red Tape")
    assert sibling.mean < -0.1 and sibling.item.mean == 0.0


def test_a_page_of_products_gets_the_same_adjustments_from_one_item_read_and_one_brand_read(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    learner = SizeLearner(store)
    for index in range(3):
        learner.learn(report(f"fbk-{index}", FitReport.SMALL, product_id="shoe-1"))
    learner.learn(report("fbk-9", FitReport.LARGE, product_id="shoe-3", brand="Bata"))
    page = [
        ("shoe-1", "Red Tape"),
        ("shoe-2", "Red Tape"),
        ("shoe-3", "Bata"),
        ("shoe-4", "red tape"),
        ("shoe-5", ""),
    ]
    one_by_one = [learner.adjustment(TENANT, product_id, brand) for product_id, brand in page]
    batches: list[tuple[OffsetScope, list[str]]] = []
    get_many = store.size_offsets.get_many

    def counted(tenant_id: str, scope: OffsetScope, offset_keys: list[str]) -> object:
        batches.append((scope, list(offset_keys)))
        return get_many(tenant_id, scope, offset_keys)

    def refused(tenant_id: str, scope: OffsetScope, key: str) -> object:
        raise AssertionError(f"read {scope} {key} alone")

    monkeypatch.setattr(store.size_offsets, "get_many", counted)
    monkeypatch.setattr(store.size_offsets, "get", refused)

    assert learner.adjustments(TENANT, page) == one_by_one
    assert [scope for scope, _ in batches] == [OffsetScope.ITEM, OffsetScope.BRAND]
    assert set(batches[1][1]) == {"red-tape", "bata"}


def test_a_repeated_event_is_rejected_and_learned_from_once(store: Store) -> None:
    learner = SizeLearner(store)
    learner.learn(report("fbk-1", FitReport.SMALL))
    once = learner.adjustment(TENANT, "shoe-1", "Red Tape")

    with pytest.raises(InvalidInput):
        learner.learn(report("fbk-1", FitReport.SMALL))

    assert learner.adjustment(TENANT, "shoe-1", "Red Tape") == once
