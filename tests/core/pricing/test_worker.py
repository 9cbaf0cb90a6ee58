"""The asynchronous ingestion path: events queued, applied in order in the background, failures kept."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import StoreUnavailable
from core.pricing.events import PricingEventService
from core.pricing.schemas import ListingStatus
from core.pricing.worker import PricingEventWorker, QueueFull
from core.storage.repositories import SalesHistoryRepository, Store
from tests.core.storage.factories import TENANT, at


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
