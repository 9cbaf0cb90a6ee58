"""The asynchronous ingestion path: events queued, applied in order in the background, failures kept;
listings embedded in the background in batches; dead letters replayed."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import numpy
import pytest

from core.errors import StoreUnavailable
from core.records.sales import DeadLetter, ListingStatus
from core.storage.repositories import SalesHistoryRepository, Store
from domain.pricing.events import PricingEventService, listing_text
from domain.pricing.worker import BackgroundEmbedder, PricingEventWorker, QueueFull, replay_dead_letters
from tests.core.storage.factories import TENANT, at
from tests.domain.pricing.factories import CountingEmbedder, HashingEmbedder, make_listing


def raw(event_id: str, event_type: str, minutes: int = 0, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": event_id,
        "type": event_type,
        "listing_id": "l-1",
        "occurred_at": at(minutes).isoformat(),
    }
    if event_type in {"product.listed", "product.updated", "product.relisted"}:
        body["product"] = {"title": "Kurta", "category": "women/kurtas", "condition": "good", "price": 799}
    return body | extra


class FailingFirstSales:
    """The real repository, except that the first `failures` event writes fail as an outage would."""

    def __init__(self, sales: SalesHistoryRepository, failures: int) -> None:
        self._sales = sales
        self.failures = failures

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sales, name)

    def apply_event(self, *args: Any, **kwargs: Any) -> Any:
        if self.failures > 0:
            self.failures -= 1
            raise StoreUnavailable("injected outage")
        return self._sales.apply_event(*args, **kwargs)


async def test_queued_events_are_applied_in_arrival_order(store: Store) -> None:
    worker = PricingEventWorker(PricingEventService(store.sales), store.sales)

    async with worker.running():
        worker.submit(TENANT, raw("ev-1", "product.listed"))
        worker.submit(TENANT, raw("ev-2", "product.updated", 1))
        worker.submit(TENANT, raw("ev-3", "product.sold", 2))

    listing = store.sales.get_listing(TENANT, "l-1")
    assert listing is not None and (listing.status, listing.version) == (ListingStatus.SOLD, 3)
    assert store.sales.list_dead_letters(TENANT) == []


async def test_rejected_events_land_in_the_dead_letter_table_with_their_reason(store: Store) -> None:
    worker = PricingEventWorker(PricingEventService(store.sales), store.sales)
    orphan_sale = raw("ev-9", "product.sold")
    malformed = raw("ev-8", "product.listed") | {"product": {"title": "x"}}

    async with worker.running():
        worker.submit(TENANT, orphan_sale)
        worker.submit(TENANT, malformed)

    newest, oldest = store.sales.list_dead_letters(TENANT)
    assert {newest.error_code, oldest.error_code} == {"EVENT_OUT_OF_ORDER", "INVALID_EVENT"}
    by_code = {letter.error_code: letter for letter in (newest, oldest)}
    assert by_code["EVENT_OUT_OF_ORDER"].payload == orphan_sale
    assert by_code["EVENT_OUT_OF_ORDER"].event_id == "ev-9"
    assert "does not exist" in by_code["EVENT_OUT_OF_ORDER"].reason
    fields = {reason["field"] for reason in by_code["INVALID_EVENT"].details["reasons"]}
    assert {"product.category", "product.condition", "product.price"} <= fields
    assert store.sales.get_listing(TENANT, "l-1") is None


async def test_a_store_outage_is_retried_before_the_event_is_applied(store: Store) -> None:
    sales = FailingFirstSales(store.sales, failures=2)
    worker = PricingEventWorker(PricingEventService(sales), sales, store_attempts=3)

    async with worker.running():
        worker.submit(TENANT, raw("ev-1", "product.listed"))

    assert store.sales.get_listing(TENANT, "l-1") is not None
    assert store.sales.list_dead_letters(TENANT) == []


async def test_an_outage_outlasting_the_retries_dead_letters_the_event(store: Store) -> None:
    sales = FailingFirstSales(store.sales, failures=5)
    worker = PricingEventWorker(PricingEventService(sales), sales, store_attempts=2)

    async with worker.running():
        worker.submit(TENANT, raw("ev-1", "product.listed"))

    [letter] = store.sales.list_dead_letters(TENANT)
    assert (letter.error_code, letter.event_id) == ("STORE_UNAVAILABLE", "ev-1")


def test_submitting_to_a_full_queue_is_refused(store: Store) -> None:
    worker = PricingEventWorker(PricingEventService(store.sales), store.sales, max_queued=1)
    worker.submit(TENANT, raw("ev-1", "product.listed"))

    with pytest.raises(QueueFull):
        worker.submit(TENANT, raw("ev-2", "product.listed"))


async def test_events_queued_together_are_embedded_in_one_model_call(store: Store) -> None:
    embedder = CountingEmbedder()
    worker = PricingEventWorker(PricingEventService(store.sales, embedder=embedder), store.sales)

    async with worker.running():
        for number in range(6):
            worker.submit(TENANT, raw(f"ev-{number}", "product.listed", listing_id=f"l-{number}"))

    assert embedder.calls == [6]
    assert len(store.sales.get_embeddings(TENANT)) == 6


async def test_the_background_embedder_stores_vectors_in_batches_of_at_most_its_size(store: Store) -> None:
    embedder = CountingEmbedder()
    background = BackgroundEmbedder(store.sales, lambda: embedder, batch_size=4)
    listings = [make_listing(f"l-{number}", title=f"Kurta number {number}") for number in range(10)]

    async with background.running():
        background.submit(listings)

    assert embedder.calls == [4, 4, 2]
    stored = store.sales.get_embeddings(TENANT)
    expected = HashingEmbedder().embed([listing_text(listings[7])])[0]
    numpy.testing.assert_array_equal(numpy.frombuffer(stored["l-7"], dtype=numpy.float32), expected)
    assert background.embedded == 10


async def test_listings_may_be_submitted_from_another_thread(store: Store) -> None:
    background = BackgroundEmbedder(store.sales, HashingEmbedder)

    async with background.running():
        submitter = threading.Thread(target=background.submit, args=([make_listing()],))
        submitter.start()
        await asyncio.to_thread(submitter.join)
        await background.drained()

        assert set(store.sales.get_embeddings(TENANT)) == {"l-1"}


async def test_without_an_installed_model_the_background_embedder_stores_nothing(store: Store) -> None:
    background = BackgroundEmbedder(store.sales, lambda: None)

    async with background.running():
        background.submit([make_listing()])

    assert store.sales.get_embeddings(TENANT) == {}


def letter_of(event: dict[str, Any], minutes: int, code: str = "EVENT_OUT_OF_ORDER") -> DeadLetter:
    return DeadLetter(
        tenant_id=TENANT,
        event_id=event["event_id"],
        payload=event,
        error_code=code,
        reason="failed before",
        failed_at=at(minutes),
    )


def test_a_replayed_letter_whose_event_now_applies_is_removed(store: Store) -> None:
    letter = store.sales.record_dead_letter(letter_of(raw("ev-1", "product.listed"), 1, "STORE_UNAVAILABLE"))

    report = replay_dead_letters(PricingEventService(store.sales), store.sales, [letter])

    assert [replayed.id for replayed in report.replayed] == [letter.id] and report.failed == []
    assert store.sales.get_listing(TENANT, "l-1") is not None
    assert store.sales.list_dead_letters(TENANT) == []


def test_a_sale_dead_lettered_before_its_listing_is_replayed_after_it(store: Store) -> None:
    sale = store.sales.record_dead_letter(letter_of(raw("ev-2", "product.sold", 5), 1))
    listing = store.sales.record_dead_letter(letter_of(raw("ev-1", "product.listed"), 2, "STORE_UNAVAILABLE"))

    report = replay_dead_letters(PricingEventService(store.sales), store.sales, [sale, listing])

    assert {letter.id for letter in report.replayed} == {sale.id, listing.id}
    stored = store.sales.get_listing(TENANT, "l-1")
    assert stored is not None and stored.status is ListingStatus.SOLD
    assert store.sales.list_dead_letters(TENANT) == []


def test_a_letter_whose_event_fails_again_is_kept_with_the_new_error(store: Store) -> None:
    event = raw("ev-1", "product.listed") | {"product": {"title": "Kurta"}}
    letter = store.sales.record_dead_letter(letter_of(event, 1, "STORE_UNAVAILABLE"))

    report = replay_dead_letters(PricingEventService(store.sales), store.sales, [letter])

    [kept] = store.sales.list_dead_letters(TENANT)
    assert report.replayed == [] and report.failed == [kept]
    assert (kept.id, kept.failed_at, kept.payload) == (letter.id, letter.failed_at, event)
    assert kept.error_code == "INVALID_EVENT"
    assert "product.price" in {reason["field"] for reason in kept.details["reasons"]}


def test_a_letter_of_an_event_applied_since_is_removed_as_a_duplicate(store: Store) -> None:
    event = raw("ev-1", "product.listed")
    service = PricingEventService(store.sales)
    service.apply_payload(event, TENANT)
    letter = store.sales.record_dead_letter(letter_of(event, 1, "STORE_UNAVAILABLE"))

    report = replay_dead_letters(service, store.sales, [letter])

    assert [replayed.id for replayed in report.replayed] == [letter.id]
    assert store.sales.list_dead_letters(TENANT) == []
    listing = store.sales.get_listing(TENANT, "l-1")
    assert listing is not None and listing.version == 1
