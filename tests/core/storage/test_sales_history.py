"""Contract: the sales history behind pricing (listings, sold items, event keys, dead letters, embeddings)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from core.errors import DuplicateEvent, InvalidInput, VersionConflict
from core.records.sales import ListingStatus, PricingEventType
from core.storage.repositories import Store
from domain.pricing.transitions import next_listing
from tests.core.storage.factories import OTHER_TENANT, TENANT, at
from tests.domain.pricing.factories import WINDOW, apply, make_dead_letter, make_event, make_listing


def sell(
    store: Store, listing_id: str, minutes: int, price: str = "999.00", category: str = "men/jeans"
) -> None:
    """List `listing_id` a minute before `minutes`, then sell it at `minutes` for `price`."""
    listed = make_event(
        event_id=f"list-{listing_id}", listing_id=listing_id, occurred_at=at(minutes - 1), category=category
    )
    sold = make_event(
        PricingEventType.SOLD,
        f"sell-{listing_id}",
        listing_id,
        occurred_at=at(minutes),
        price=Decimal(price),
        category=category,
    )
    apply(store, listed)
    apply(store, sold)


def test_a_listed_event_stores_version_one_of_the_listing_and_returns_its_outcome(store: Store) -> None:
    event = make_event()

    outcome = apply(store, event)

    listing = store.sales.get_listing(TENANT, "l-1")
    assert listing == next_listing(None, event)
    assert (outcome.listing_id, outcome.status, outcome.version) == ("l-1", ListingStatus.LISTED, 1)
    assert outcome.duplicate is False
    assert store.sales.count_sold(TENANT) == 0


def test_a_sold_event_marks_the_listing_sold_and_appends_one_sold_item_at_the_sale_price(
    store: Store,
) -> None:
    apply(store, make_event())

    apply(store, make_event(PricingEventType.SOLD, "ev-2", occurred_at=at(30), price=Decimal("1200.00")))

    listing = store.sales.get_listing(TENANT, "l-1")
    assert listing is not None
    assert (listing.status, listing.version, listing.sold_at) == (ListingStatus.SOLD, 2, at(30))
    [sold] = store.sales.sold_items(TENANT)
    assert (sold.listing_id, sold.price, sold.sold_at) == ("l-1", Decimal("1200.00"), at(30))
    assert store.sales.count_sold(TENANT) == 1


def test_an_event_key_seen_within_the_window_raises_duplicate_with_the_stored_outcome_and_writes_nothing(
    store: Store,
) -> None:
    apply(store, make_event())
    first = apply(store, make_event(PricingEventType.SOLD, "ev-2", occurred_at=at(30)))
    sold_listing = store.sales.get_listing(TENANT, "l-1")
    assert sold_listing is not None
    replay = make_event(PricingEventType.SOLD, "ev-2", occurred_at=at(31))
    sold_again = sold_listing.model_copy(update={"version": 3, "sold_at": at(31)})

    with pytest.raises(DuplicateEvent) as raised:
        store.sales.apply_event(replay, sold_again, dedupe_until=at(31) + WINDOW, now=at(31))

    assert raised.value.outcome == first.model_copy(update={"duplicate": True})
    assert store.sales.get_listing(TENANT, "l-1") == sold_listing
    assert store.sales.count_sold(TENANT) == 1


def test_the_same_event_id_under_another_type_is_a_different_key(store: Store) -> None:
    apply(store, make_event(event_id="shared"))

    outcome = apply(store, make_event(PricingEventType.SOLD, "shared", occurred_at=at(5)))

    assert (outcome.status, outcome.duplicate) == (ListingStatus.SOLD, False)


def test_get_outcome_finds_a_key_until_it_expires(store: Store) -> None:
    stored = apply(store, make_event(), now=at(0))

    assert store.sales.get_outcome(TENANT, PricingEventType.LISTED, "ev-1", now=at(60)) == stored
    assert store.sales.get_outcome(TENANT, PricingEventType.LISTED, "ev-1", now=at(0) + WINDOW) is None
    assert store.sales.get_outcome(TENANT, PricingEventType.SOLD, "ev-1", now=at(60)) is None
    assert store.sales.get_outcome(TENANT, PricingEventType.LISTED, "nope", now=at(60)) is None


def test_an_expired_key_is_bound_again_to_the_new_outcome(store: Store) -> None:
    apply(store, make_event(), now=at(0))
    later = at(0) + WINDOW + timedelta(minutes=1)

    outcome = apply(store, make_event(listing_id="l-2", occurred_at=later), now=later)

    assert (outcome.listing_id, outcome.duplicate) == ("l-2", False)
    assert store.sales.get_outcome(TENANT, PricingEventType.LISTED, "ev-1", now=later) == outcome


def test_a_listing_written_over_a_stale_version_is_a_conflict_and_nothing_is_written(store: Store) -> None:
    apply(store, make_event())
    stale = make_listing(version=3, title="Stale")

    with pytest.raises(VersionConflict):
        store.sales.apply_event(
            make_event(PricingEventType.UPDATED, "ev-2"), stale, dedupe_until=at(0) + WINDOW
        )

    assert store.sales.get_listing(TENANT, "l-1") == next_listing(None, make_event())
    assert store.sales.get_outcome(TENANT, PricingEventType.UPDATED, "ev-2", now=at(1)) is None


def test_a_second_version_one_of_an_existing_listing_is_a_conflict(store: Store) -> None:
    apply(store, make_event())

    with pytest.raises(VersionConflict):
        store.sales.apply_event(make_event(event_id="ev-2"), make_listing(), dedupe_until=at(0) + WINDOW)

    assert store.sales.get_outcome(TENANT, PricingEventType.LISTED, "ev-2", now=at(1)) is None


def test_a_failed_sale_writes_neither_the_key_nor_the_sold_item(store: Store) -> None:
    apply(store, make_event())
    sold_over_wrong_version = make_listing(version=5, status=ListingStatus.SOLD, sold_at=at(3))

    with pytest.raises(VersionConflict):
        store.sales.apply_event(
            make_event(PricingEventType.SOLD, "ev-2", occurred_at=at(3)),
            sold_over_wrong_version,
            dedupe_until=at(3) + WINDOW,
        )

    assert store.sales.count_sold(TENANT) == 0
    assert store.sales.get_outcome(TENANT, PricingEventType.SOLD, "ev-2", now=at(4)) is None


def test_a_listing_of_another_tenant_is_rejected(store: Store) -> None:
    with pytest.raises(InvalidInput):
        store.sales.apply_event(
            make_event(), make_listing(tenant_id=OTHER_TENANT), dedupe_until=at(0) + WINDOW
        )

    assert store.sales.get_listing(OTHER_TENANT, "l-1") is None


def test_sold_items_come_newest_first_filtered_by_category_and_time_and_limited(store: Store) -> None:
    sell(store, "l-1", 10)
    sell(store, "l-2", 30, category="women/tops")
    sell(store, "l-3", 20)

    assert [item.listing_id for item in store.sales.sold_items(TENANT)] == ["l-2", "l-3", "l-1"]
    assert [item.listing_id for item in store.sales.sold_items(TENANT, category="men/jeans")] == [
        "l-3",
        "l-1",
    ]
    assert [item.listing_id for item in store.sales.sold_items(TENANT, since=at(20))] == ["l-2", "l-3"]
    assert [item.listing_id for item in store.sales.sold_items(TENANT, limit=1)] == ["l-2"]
    assert store.sales.sold_items(TENANT, category="kids/shoes") == []
    assert store.sales.sold_items(TENANT, limit=0) == []


def test_a_relisted_item_that_sells_again_has_two_sold_items(store: Store) -> None:
    sell(store, "l-1", 10, price="800.00")
    apply(store, make_event(PricingEventType.RELISTED, "ev-relist", occurred_at=at(20)))
    apply(
        store, make_event(PricingEventType.SOLD, "ev-sold-again", occurred_at=at(40), price=Decimal("700.00"))
    )

    assert [item.price for item in store.sales.sold_items(TENANT)] == [Decimal("700.00"), Decimal("800.00")]
    assert store.sales.count_sold(TENANT) == 2


def test_count_listings_reports_every_status(store: Store) -> None:
    sell(store, "l-1", 10)
    apply(store, make_event(event_id="ev-2", listing_id="l-2"))
    apply(store, make_event(event_id="ev-3", listing_id="l-3"))
    apply(store, make_event(PricingEventType.DELISTED, "ev-4", "l-3", occurred_at=at(5)))

    assert store.sales.count_listings(TENANT) == {
        ListingStatus.LISTED: 1,
        ListingStatus.SOLD: 1,
        ListingStatus.DELISTED: 1,
    }
    assert store.sales.count_listings(OTHER_TENANT) == dict.fromkeys(ListingStatus, 0)


def test_dead_letters_are_listed_newest_first_up_to_the_limit(store: Store) -> None:
    older = store.sales.record_dead_letter(make_dead_letter("dlq-1", minutes=1))
    newer = store.sales.record_dead_letter(make_dead_letter("dlq-2", minutes=2))

    assert store.sales.list_dead_letters(TENANT) == [newer, older]
    assert store.sales.list_dead_letters(TENANT, limit=1) == [newer]
    assert store.sales.list_dead_letters(TENANT, limit=0) == []


def test_embeddings_are_stored_per_listing_and_replaced_on_put(store: Store) -> None:
    assert store.sales.put_embeddings(TENANT, {"l-1": b"\x00\x01", "l-2": b"\x02\x03"}) == 2

    store.sales.put_embeddings(TENANT, {"l-1": b"\xff\xfe"})

    assert store.sales.get_embeddings(TENANT) == {"l-1": b"\xff\xfe", "l-2": b"\x02\x03"}
    assert store.sales.get_embeddings(OTHER_TENANT) == {}
