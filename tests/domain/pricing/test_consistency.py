"""The daily consistency job over each store: counts, embedding integrity and price outliers."""

from __future__ import annotations

from decimal import Decimal

import numpy

from core.records.sales import ListingStatus, PricingEventType, SoldItem
from core.storage.repositories import Store
from domain.pricing.consistency import check_tenant, price_outliers
from tests.core.storage.factories import TENANT, at
from tests.domain.pricing.factories import WINDOW, apply, make_event


def unit(values: list[float]) -> bytes:
    vector = numpy.asarray(values, dtype=numpy.float32)
    return (vector / numpy.linalg.norm(vector)).astype(numpy.float32).tobytes()


def sold(listing_id: str, price: str, category: str = "men/jeans") -> SoldItem:
    return SoldItem(
        tenant_id=TENANT,
        listing_id=listing_id,
        title="Jeans",
        category=category,
        condition="good",
        price=Decimal(price),
        currency="INR",
        sold_at=at(0),
    )


def test_a_history_written_through_events_is_consistent(store: Store) -> None:
    apply(store, make_event())
    apply(store, make_event(PricingEventType.SOLD, "ev-2", occurred_at=at(1)))
    apply(store, make_event(event_id="ev-3", listing_id="l-2"))
    store.sales.put_embeddings(TENANT, {"l-1": unit([1, 0, 0, 0]), "l-2": unit([0, 1, 1, 0])})

    result = check_tenant(store.sales, TENANT)

    assert result.consistent
    assert result.listings == {ListingStatus.LISTED: 1, ListingStatus.SOLD: 1, ListingStatus.DELISTED: 0}
    assert (result.sold_items, result.sold_items_missing) == (1, 0)
    assert (result.embeddings.vectors, result.embeddings.missing, result.embeddings.problems) == (2, 0, 0)


def test_a_sold_listing_without_its_sold_item_is_an_inconsistency(store: Store) -> None:
    apply(store, make_event())
    listing = store.sales.get_listing(TENANT, "l-1")
    assert listing is not None
    marked_sold_by_a_bad_writer = listing.model_copy(
        update={"status": ListingStatus.SOLD, "sold_at": at(2), "version": 2}
    )
    store.sales.apply_event(
        make_event(PricingEventType.UPDATED, "ev-2", occurred_at=at(2)),
        marked_sold_by_a_bad_writer,
        dedupe_until=at(2) + WINDOW,
    )

    result = check_tenant(store.sales, TENANT)

    assert result.sold_items_missing == 1
    assert not result.consistent


def test_broken_embeddings_are_each_reported_and_make_the_tenant_inconsistent(store: Store) -> None:
    for listing_id in ("l-1", "l-2", "l-3", "l-4"):
        apply(store, make_event(event_id=f"ev-{listing_id}", listing_id=listing_id))
    store.sales.put_embeddings(
        TENANT,
        {
            "l-1": unit([1, 0, 0, 0]),
            "l-2": numpy.asarray([1, 0, 0], dtype=numpy.float32).tobytes(),
            "l-3": numpy.asarray([numpy.nan, 0, 0, 0], dtype=numpy.float32).tobytes(),
            "l-4": numpy.asarray([2, 0, 0, 0], dtype=numpy.float32).tobytes(),
            "ghost": unit([0, 0, 0, 1]),
        },
    )

    check = check_tenant(store.sales, TENANT).embeddings

    assert (check.orphans, check.wrong_length, check.not_finite, check.not_unit_norm) == (
        ["ghost"],
        ["l-2"],
        ["l-3"],
        ["l-4"],
    )
    assert check.missing == 0


def test_listings_without_a_vector_are_counted_but_fine_when_no_model_is_configured(store: Store) -> None:
    apply(store, make_event())
    apply(store, make_event(event_id="ev-2", listing_id="l-2"))
    store.sales.put_embeddings(TENANT, {"l-1": unit([1, 0])})

    result = check_tenant(store.sales, TENANT)

    assert (result.embeddings.missing, result.embeddings_missing) == (1, 0)
    assert result.consistent


def test_with_a_model_configured_listings_without_a_vector_make_the_tenant_inconsistent(store: Store) -> None:
    apply(store, make_event())
    apply(store, make_event(event_id="ev-2", listing_id="l-2"))

    result = check_tenant(store.sales, TENANT, embeddings_expected=True)

    assert result.embeddings.vectors == 0
    assert result.embeddings_missing == 2
    assert not result.consistent


def test_a_price_far_from_its_category_is_an_outlier() -> None:
    items = [sold(f"l-{n}", price) for n, price in enumerate(["900", "950", "1000", "1000", "1050", "1100"])]
    items.append(sold("l-gold", "99000"))

    [outlier] = price_outliers(items)

    assert (outlier.listing_id, outlier.category, outlier.price) == ("l-gold", "men/jeans", Decimal("99000"))
    assert outlier.robust_z > 3.5 and outlier.group_median == 1000.0


def test_small_or_uniform_categories_have_no_outliers() -> None:
    few = [sold(f"l-{n}", price) for n, price in enumerate(["100", "120", "99999"])]
    uniform = [sold(f"u-{n}", "500", category="women/tops") for n in range(6)]

    assert price_outliers(few + uniform) == []
