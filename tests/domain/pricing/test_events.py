"""The event service over each store: validation with reasons, the listing state machine, 24-hour idempotency,
and embeddings written as listings change."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy
import pytest

from core.records.sales import ListingStatus, PricingEventType, SoldItem
from core.storage.repositories import Store
from domain.pricing.errors import EventOutOfOrder, InvalidEvent
from domain.pricing.events import PricingEventService, listing_text, parse_event
from tests.core.storage.factories import OTHER_TENANT, TENANT, at
from tests.domain.pricing.factories import BrokenEmbedder, CountingEmbedder, HashingEmbedder, make_event


class Clock:
    """A settable clock, so the dedupe window can be crossed without waiting."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(at(0))


@pytest.fixture
def service(store: Store, clock: Clock) -> PricingEventService:
    return PricingEventService(store.sales, clock=clock)


def raw_event(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": "ev-1",
        "type": "product.listed",
        "listing_id": "l-1",
        "occurred_at": "2025-01-15T10:00:00Z",
        "product": {"title": "Kurta", "category": "Women/Kurtas", "condition": "good", "price": 799},
    }
    return body | overrides


def test_a_raw_event_takes_the_request_tenant_and_normalises_its_category() -> None:
    event = parse_event(raw_event(), TENANT)

    assert event.tenant_id == TENANT
    assert event.product is not None and event.product.category == "women/kurtas"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"type": "product.exploded"}, "type"),
        ({"event_id": ""}, "event_id"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"product": None}, "event"),
        (
            {"product": {"title": "Kurta", "category": "tops", "condition": "mint", "price": 10}},
            "product.condition",
        ),
        (
            {"product": {"title": "Kurta", "category": "tops", "condition": "good", "price": -1}},
            "product.price",
        ),
        (
            {
                "product": {
                    "title": "Kurta",
                    "category": "tops",
                    "condition": "good",
                    "price": 1,
                    "currency": "rs",
                }
            },
            "product.currency",
        ),
        ({"colour": "red"}, "colour"),
    ],
)
def test_an_event_breaking_the_schema_is_invalid_with_a_reason_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidEvent) as raised:
        parse_event(raw_event(**overrides), TENANT)

    assert field in [reason["field"] for reason in raised.value.details["reasons"]]


def test_an_event_naming_another_tenant_than_the_request_is_invalid() -> None:
    with pytest.raises(InvalidEvent) as raised:
        parse_event(raw_event(tenant_id=OTHER_TENANT), TENANT)

    assert raised.value.details["reasons"][0]["field"] == "tenant_id"


def test_listed_updated_then_sold_leaves_a_sold_listing_with_one_sale(
    service: PricingEventService, store: Store
) -> None:
    service.apply(make_event())
    service.apply(make_event(PricingEventType.UPDATED, "ev-2", occurred_at=at(5), price=Decimal("1299.00")))

    outcome = service.apply(make_event(PricingEventType.SOLD, "ev-3", occurred_at=at(9)))

    assert (outcome.status, outcome.version) == (ListingStatus.SOLD, 3)
    [sold] = store.sales.sold_items(TENANT)
    assert (sold.price, sold.sold_at) == (Decimal("1299.00"), at(9))


@pytest.mark.parametrize(
    ("history", "rejected"),
    [
        ([], PricingEventType.UPDATED),
        ([], PricingEventType.SOLD),
        ([], PricingEventType.DELISTED),
        ([], PricingEventType.RELISTED),
        ([PricingEventType.LISTED], PricingEventType.LISTED),
        ([PricingEventType.LISTED], PricingEventType.RELISTED),
        ([PricingEventType.LISTED, PricingEventType.SOLD], PricingEventType.SOLD),
        ([PricingEventType.LISTED, PricingEventType.SOLD], PricingEventType.UPDATED),
        ([PricingEventType.LISTED, PricingEventType.SOLD], PricingEventType.DELISTED),
        ([PricingEventType.LISTED, PricingEventType.DELISTED], PricingEventType.UPDATED),
        ([PricingEventType.LISTED, PricingEventType.DELISTED], PricingEventType.SOLD),
    ],
)
def test_the_state_machine_rejects_an_event_the_listing_state_forbids_and_writes_nothing(
    service: PricingEventService, store: Store, history: list[PricingEventType], rejected: PricingEventType
) -> None:
    for minute, event_type in enumerate(history):
        service.apply(make_event(event_type, f"ev-{minute}", occurred_at=at(minute)))
    before = (store.sales.get_listing(TENANT, "l-1"), store.sales.count_sold(TENANT))

    with pytest.raises(EventOutOfOrder) as raised:
        service.apply(make_event(rejected, "ev-rejected", occurred_at=at(30)))

    assert raised.value.details["type"] == rejected.value
    assert (store.sales.get_listing(TENANT, "l-1"), store.sales.count_sold(TENANT)) == before
    assert store.sales.get_outcome(TENANT, rejected, "ev-rejected", now=at(31)) is None


@pytest.mark.parametrize("ended_by", [PricingEventType.SOLD, PricingEventType.DELISTED])
def test_a_relist_brings_a_sold_or_delisted_listing_back_without_a_sale_date(
    service: PricingEventService, store: Store, ended_by: PricingEventType
) -> None:
    service.apply(make_event())
    service.apply(make_event(ended_by, "ev-2", occurred_at=at(5)))

    outcome = service.apply(make_event(PricingEventType.RELISTED, "ev-3", occurred_at=at(10)))

    listing = store.sales.get_listing(TENANT, "l-1")
    assert listing is not None
    assert (outcome.status, listing.listed_at, listing.sold_at, listing.version) == (
        ListingStatus.LISTED,
        at(10),
        None,
        3,
    )


def test_an_event_older_than_the_listings_last_change_is_out_of_order(service: PricingEventService) -> None:
    service.apply(make_event(occurred_at=at(10)))

    with pytest.raises(EventOutOfOrder, match="older"):
        service.apply(make_event(PricingEventType.SOLD, "ev-2", occurred_at=at(9)))


def test_the_same_event_again_returns_the_same_outcome_marked_duplicate_and_writes_nothing_twice(
    service: PricingEventService, store: Store, clock: Clock
) -> None:
    service.apply(make_event())
    sold = make_event(PricingEventType.SOLD, "ev-2", occurred_at=at(5))
    first = service.apply(sold)
    clock.now = at(0) + timedelta(hours=23)

    again = service.apply(sold)
    listed_again = service.apply(make_event())

    assert again == first.model_copy(update={"duplicate": True})
    assert listed_again.duplicate is True and listed_again.version == 1
    assert store.sales.count_sold(TENANT) == 1
    listing = store.sales.get_listing(TENANT, "l-1")
    assert listing is not None and listing.version == 2


def test_after_24_hours_an_event_key_is_new_again_and_meets_the_state_machine(
    service: PricingEventService, clock: Clock
) -> None:
    service.apply(make_event())
    clock.now = at(0) + timedelta(hours=24, seconds=1)

    with pytest.raises(EventOutOfOrder):
        service.apply(make_event())


def test_idempotency_is_per_tenant(service: PricingEventService, store: Store) -> None:
    service.apply(make_event())

    other = service.apply(make_event(tenant_id=OTHER_TENANT))

    assert (other.tenant_id, other.duplicate) == (OTHER_TENANT, False)
    assert store.sales.get_listing(OTHER_TENANT, "l-1") is not None


def test_a_sale_may_carry_the_final_price_and_a_delisting_ignores_product_fields(
    service: PricingEventService, store: Store
) -> None:
    service.apply(make_event())
    service.apply(make_event(event_id="ev-2", listing_id="l-2"))

    service.apply(make_event(PricingEventType.SOLD, "ev-3", occurred_at=at(1), price=Decimal("999.00")))
    service.apply(make_event(PricingEventType.DELISTED, "ev-4", "l-2", occurred_at=at(1), title="Ignored"))

    assert [item.price for item in store.sales.sold_items(TENANT)] == [Decimal("999.00")]
    delisted = store.sales.get_listing(TENANT, "l-2")
    assert delisted is not None and (delisted.status, delisted.title) == (
        ListingStatus.DELISTED,
        "Levi's 511 slim jeans",
    )


def test_with_an_embedder_each_listed_or_updated_listing_gets_its_vector(store: Store, clock: Clock) -> None:
    embedder = HashingEmbedder()
    service = PricingEventService(store.sales, embedder=embedder, clock=clock)

    service.apply(make_event())
    service.apply(
        make_event(PricingEventType.UPDATED, "ev-2", occurred_at=at(1), title="Wrangler bootcut jeans")
    )

    [(listing_id, stored)] = store.sales.get_embeddings(TENANT).items()
    listing = store.sales.get_listing(TENANT, "l-1")
    assert listing is not None and listing_id == "l-1"
    expected = embedder.embed([listing_text(listing)])[0]
    numpy.testing.assert_array_equal(numpy.frombuffer(stored, dtype=numpy.float32), expected)


def test_without_an_embedder_no_vectors_are_stored(service: PricingEventService, store: Store) -> None:
    service.apply(make_event())

    assert store.sales.get_embeddings(TENANT) == {}


class RacingSales:
    """The real repository, except that just before the first write another writer updates the listing, as a
    concurrent request would."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.raced = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store.sales, name)

    def apply_event(self, *args: Any, **kwargs: Any) -> Any:
        if not self.raced:
            self.raced = True
            rival = make_event(PricingEventType.UPDATED, "ev-rival", occurred_at=at(3), title="Rival title")
            PricingEventService(self._store.sales, clock=lambda: at(3)).apply(rival)
        return self._store.sales.apply_event(*args, **kwargs)


def test_a_concurrent_change_to_the_listing_is_retried_on_the_fresh_state(store: Store, clock: Clock) -> None:
    PricingEventService(store.sales, clock=clock).apply(make_event())
    racing = PricingEventService(RacingSales(store), clock=clock)

    outcome = racing.apply(make_event(PricingEventType.SOLD, "ev-2", occurred_at=at(5)))

    listing = store.sales.get_listing(TENANT, "l-1")
    assert listing is not None
    assert (outcome.version, listing.status, listing.title) == (3, ListingStatus.SOLD, "Rival title")
    assert store.sales.count_sold(TENANT) == 1


def test_each_stored_sale_is_announced_once_and_a_duplicate_is_not(store: Store, clock: Clock) -> None:
    heard: list[SoldItem] = []
    service = PricingEventService(store.sales, on_sale=heard.append, clock=clock)
    service.apply(make_event())
    sale = make_event(PricingEventType.SOLD, "ev-2", occurred_at=at(5))

    service.apply(sale)
    service.apply(sale)

    assert [(item.listing_id, item.sold_at) for item in heard] == [("l-1", at(5))]


def test_with_embed_later_changed_listings_are_handed_over_instead_of_embedded(
    store: Store, clock: Clock
) -> None:
    handed: list[list[str]] = []
    service = PricingEventService(
        store.sales,
        embed_later=lambda listings: handed.append([listing.listing_id for listing in listings]),
        clock=clock,
    )

    service.apply(make_event())
    service.apply(make_event())  # a duplicate changes nothing
    service.apply(make_event(PricingEventType.DELISTED, "ev-2", occurred_at=at(1)))  # no new fields

    assert handed == [["l-1"]]
    assert store.sales.get_embeddings(TENANT) == {}


def test_a_batch_is_embedded_in_one_model_call(store: Store, clock: Clock) -> None:
    embedder = CountingEmbedder()
    service = PricingEventService(store.sales, embedder=embedder, clock=clock)

    recorded = [service.record(make_event(event_id=f"ev-{n}", listing_id=f"l-{n}")) for n in range(5)]
    service.follow_up(recorded)

    assert embedder.calls == [5]
    assert len(store.sales.get_embeddings(TENANT)) == 5


def test_an_embedding_model_failure_leaves_the_event_stored_without_a_vector(
    store: Store, clock: Clock
) -> None:
    service = PricingEventService(store.sales, embedder=BrokenEmbedder(), clock=clock)

    outcome = service.apply(make_event())

    assert outcome.status is ListingStatus.LISTED
    assert store.sales.get_listing(TENANT, "l-1") is not None
    assert store.sales.get_embeddings(TENANT) == {}


def test_embedding_both_inline_and_later_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="not both"):
        PricingEventService(store.sales, embedder=HashingEmbedder(), embed_later=lambda listings: None)
