"""Comparable sales: similarity threshold, category widening, top 20, per-tenant isolation, the pricing moment
taken from the data (the newest sale, or the request's as-of), and the calibration learned per history."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy

from core.records.sales import ListingCondition, PricingEventType, SoldItem
from core.storage.repositories import Store
from domain.pricing.comparables import ComparablesIndex, ListingQuery, parent_categories
from tests.domain.pricing.factories import apply, make_event

NOW = datetime(2026, 6, 15, tzinfo=UTC)
JEANS = ListingQuery(title="Levi's 511 slim fit jeans", brand="Levi's", category="men/jeans")


def sold(
    listing_id: str,
    title: str,
    *,
    days_ago: int = 10,
    category: str = "men/jeans",
    tenant_id: str = "acme",
    brand: str | None = "Levi's",
    price: str = "1200",
) -> SoldItem:
    return SoldItem(
        tenant_id=tenant_id,
        listing_id=listing_id,
        title=title,
        category=category,
        brand=brand,
        condition=ListingCondition.GOOD,
        price=Decimal(price),
        sold_at=NOW - timedelta(days=days_ago),
    )


def index_of(items: Sequence[SoldItem]) -> ComparablesIndex:
    index = ComparablesIndex()
    index.add(items)
    return index


def ids(index: ComparablesIndex, listing: ListingQuery = JEANS, **kwargs: object) -> list[str]:
    search = index.find("acme", listing, as_of=NOW, **kwargs)  # type: ignore[arg-type]
    return [c.item.listing_id for c in search.comparables]


def test_only_items_above_the_similarity_threshold_are_comparables() -> None:
    index = index_of(
        [
            sold("a", "Levi's 511 slim fit jeans dark"),
            sold("b", "Levis 511 slim jeans"),
            sold("c", "Cotton kurta with dupatta", brand="Biba"),
        ]
    )

    found = index.find("acme", JEANS, as_of=NOW, enough=1).comparables

    assert {c.item.listing_id for c in found} == {"a", "b"}
    assert all(c.similarity > 0.70 for c in found)
    assert found[0].similarity >= found[-1].similarity


def test_old_sales_are_still_found_the_time_window_is_the_learned_recency_weights_business() -> None:
    recent = [sold(f"r{i}", f"Levi's 511 slim fit jeans {i}", days_ago=5 + i) for i in range(3)]
    old = [sold(f"o{i}", f"Levi's 511 slim fit jeans {i}", days_ago=700) for i in range(3)]

    search = index_of(recent + old).find("acme", JEANS, as_of=NOW)

    assert {c.item.listing_id for c in search.comparables} == {"r0", "r1", "r2", "o0", "o1", "o2"}


def test_the_pricing_moment_is_the_newest_sale_in_the_listings_currency_not_the_wall_clock() -> None:
    long_ago = [sold(f"a{i}", f"Levi's 511 slim fit jeans {i}", days_ago=3000 + i) for i in range(3)]
    index = index_of(long_ago)

    search = index.find("acme", JEANS)

    assert search.as_of == NOW - timedelta(days=3000)
    assert len(search.comparables) == 3 and search.sales == 3


def test_an_as_of_moment_leaves_every_later_sale_out() -> None:
    items = [sold(f"i{i}", f"Levi's 511 slim fit jeans {i}", days_ago=10 * i) for i in range(6)]
    index = index_of(items)

    search = index.find("acme", JEANS, as_of=NOW - timedelta(days=25), enough=1)

    assert {c.item.listing_id for c in search.comparables} == {"i3", "i4", "i5"}
    assert search.sales == 3


def test_an_index_until_a_moment_holds_only_the_sales_made_by_then() -> None:
    index = index_of(varied_jeans(60))
    moment = NOW - timedelta(days=40)

    past = index.until("acme", moment)

    assert past is not index and past.count("acme") == sum(
        1 for item in varied_jeans(60) if item.sold_at <= moment
    )
    assert index.until("acme", moment) is past  # kept for the next request as of the same moment
    assert index.until("acme", NOW) is index


def test_the_category_widens_to_its_parent_when_the_window_cannot_help() -> None:
    items = [sold(f"s{i}", f"Levi's 511 slim fit jeans {i}", category="men/jeans/slim") for i in range(5)]
    listing = ListingQuery(title=JEANS.title, brand=JEANS.brand, category="men/jeans/skinny")

    search = index_of(items).find("acme", listing, as_of=NOW)

    assert search.category_scope == "men/jeans"
    assert len(search.comparables) == 5


def test_at_most_twenty_comparables_are_returned() -> None:
    items = [sold(f"i{i}", f"Levi's 511 slim fit jeans size {30 + i}") for i in range(40)]

    assert len(ids(index_of(items))) == 20


def test_sales_after_the_pricing_moment_are_never_comparables() -> None:
    items = [sold("future", "Levi's 511 slim fit jeans", days_ago=-3)]

    assert ids(index_of(items), enough=1) == []


def test_tenants_never_see_each_others_sales() -> None:
    index = index_of([sold("theirs", "Levi's 511 slim fit jeans", tenant_id="bolt")])

    assert ids(index, enough=1) == []
    assert index.count("bolt") == 1 and index.count("acme") == 0


def test_the_same_sale_added_twice_is_indexed_once() -> None:
    item = sold("a", "Levi's 511 slim fit jeans")
    index = ComparablesIndex()

    assert index.add([item]) == 1
    assert index.add([item]) == 0
    assert index.count("acme") == 1


def test_parent_categories_run_from_the_narrowest_to_the_top_level() -> None:
    assert parent_categories("women/tops/tank") == ["women/tops/tank", "women/tops", "women"]


class _FixedEmbedder:
    """Vectors by keyword: texts mentioning 'jeans' point one way, everything else the other."""

    name = "keyword"
    dim = 2

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        rows = [[1.0, 0.0] if "jeans" in text.lower() else [0.0, 1.0] for text in texts]
        return numpy.asarray(rows, dtype=numpy.float32)


def test_stored_embeddings_are_used_when_an_embedder_is_configured() -> None:
    items = [sold("a", "Dark denim trousers"), sold("b", "Levi's 511 slim fit jeans")]
    embedder = _FixedEmbedder()
    index = ComparablesIndex(embedder)
    index.add(items, {"a": embedder.embed(["jeans"])[0], "b": embedder.embed(["kurta"])[0]})

    assert ids(index, enough=1) == ["a"]


def test_sync_loads_the_tenants_sales_from_the_store_and_then_only_new_ones(store: Store) -> None:
    for number in range(3):
        listing_id = f"l-{number}"
        apply(store, make_event(PricingEventType.LISTED, event_id=f"e{number}", listing_id=listing_id))
        apply(store, make_event(PricingEventType.SOLD, event_id=f"s{number}", listing_id=listing_id))
    index = ComparablesIndex()

    first = index.sync("acme", store.sales)
    second = index.sync("acme", store.sales)

    assert (first, second) == (3, 0)
    sold_at = store.sales.sold_items("acme")[0].sold_at
    found = index.find("acme", JEANS, as_of=sold_at + timedelta(days=1), enough=1).comparables
    assert {c.item.listing_id for c in found} == {"l-0", "l-1", "l-2"}


def test_sales_in_another_currency_are_never_comparables() -> None:
    index = index_of([sold("rupees", "Levi's 511 slim fit jeans")])
    dollars = ListingQuery(title=JEANS.title, brand=JEANS.brand, category=JEANS.category, currency="USD")

    assert ids(index, enough=1) == ["rupees"]
    assert ids(index, dollars, enough=1) == []


def test_learned_factors_are_refreshed_when_new_sales_arrive() -> None:
    index = index_of([sold("a", "Levi's 511 slim fit jeans", price="1000")])
    before = index.history("acme", "INR").level("men/jeans")

    index.add([sold("b", "Levi's 511 jeans", price="3000")])

    assert index.history("acme", "INR").level("men/jeans") > before


COLOURS = ["black", "blue", "grey", "white", "olive", "rust"]


def varied_jeans(count: int, *, start: int = 0) -> list[SoldItem]:
    """Sales whose price follows the fit word: 'selvedge' jeans sell for about four times 'basic' ones."""
    rng = numpy.random.default_rng(start)
    items: list[SoldItem] = []
    for number in range(start, start + count):
        premium = number % 2 == 0
        title = (
            f"{'selvedge' if premium else 'basic'} jeans {COLOURS[number % len(COLOURS)]} w{28 + number % 9}"
        )
        price = (4000 if premium else 1000) * float(rng.lognormal(0, 0.1))
        items.append(sold(f"v{number}", title, price=f"{price:.2f}", days_ago=number % 80))
    return items


def test_a_search_carries_the_price_models_prediction_when_the_listing_names_its_condition() -> None:
    index = index_of(varied_jeans(60))
    premium = ListingQuery(title="selvedge jeans indigo", category="men/jeans", condition="good")
    basic = ListingQuery(title="basic jeans indigo", category="men/jeans", condition="good")

    premium_log = index.find("acme", premium).model_log_price
    basic_log = index.find("acme", basic).model_log_price

    assert premium_log is not None and basic_log is not None
    assert math.expm1(premium_log) > 2 * math.expm1(basic_log)
    assert index.find("acme", JEANS).model_log_price is None  # no condition given


def test_a_short_history_has_no_price_model_and_no_calibration() -> None:
    index = index_of(varied_jeans(10))
    listing = ListingQuery(title="selvedge jeans", category="men/jeans", condition="good")

    assert index.find("acme", listing).model_log_price is None
    assert index.history("acme", "INR").calibration is None


def test_the_calibration_is_learned_from_past_sales_priced_without_themselves() -> None:
    rng = numpy.random.default_rng(3)
    unique = [
        sold(f"u{number}", f"item{number} jeans", price=f"{float(rng.lognormal(7, 0.8)):.2f}")
        for number in range(60)
    ]

    calibration = index_of(unique).history("acme", "INR").calibration

    assert calibration is not None and calibration.cases == 60
    _, q10, q90, _ = calibration.ranges.offsets("men/jeans", 0.5)
    assert q90 - q10 > 1.0  # a sale among its own comparables would have priced itself almost exactly


def test_the_half_life_is_learned_from_how_prices_drift_in_the_history() -> None:
    """Jeans whose price doubles over the year: a sale's close neighbours in time predict it, far ones do not,
    so old sales must count less; a flat history lets them count fully."""
    rng = numpy.random.default_rng(4)

    def history(drift: float) -> list[SoldItem]:
        return [
            sold(
                f"d{number}",
                f"Levi's 511 slim fit jeans w{28 + number % 9}",
                days_ago=number * 3,
                price=f"{1000 * math.exp(-drift * number * 3 / 365) * float(rng.lognormal(0, 0.05)):.2f}",
            )
            for number in range(120)
        ]

    drifting = index_of(history(1.0)).history("acme", "INR").calibration
    flat = index_of(history(0.0)).history("acme", "INR").calibration

    assert drifting is not None and flat is not None
    assert drifting.weighting.half_life_days < 120
    assert flat.weighting.half_life_days > 4 * drifting.weighting.half_life_days


def test_the_price_model_is_refitted_once_the_history_grows_by_a_tenth_not_on_every_sale() -> None:
    index = index_of(varied_jeans(60))
    first = index.history("acme", "INR").calibration

    index.add(varied_jeans(1, start=60))
    after_one = index.history("acme", "INR").calibration
    index.add(varied_jeans(10, start=61))
    after_eleven = index.history("acme", "INR").calibration

    assert after_one is first
    assert after_eleven is not None and after_eleven is not first
    assert after_eleven.cases == 71
