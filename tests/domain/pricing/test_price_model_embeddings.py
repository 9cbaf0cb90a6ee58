"""The price model reads sentence embeddings when every sale and the listing have one, and is exactly the
model without them otherwise; the comparables index passes stored vectors and the query's embedding in."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy
import pytest

from core.records.sales import ListingCondition, SoldItem
from domain.pricing.comparables import ComparablesIndex, ListingQuery, embedding_text
from domain.pricing.embedding_members import best_blend
from domain.pricing.price_model import BOOST_MIN_SALES, ModelListing, PriceModel, fit_price_model
from tests.domain.pricing.factories import HashingEmbedder

DIM = 8
NOW = datetime(2026, 6, 15, tzinfo=UTC)


def unit(vector: numpy.ndarray) -> numpy.ndarray:
    return (vector / numpy.linalg.norm(vector)).astype(numpy.float32)


def meaning_shop(count: int, seed: int = 7) -> tuple[list[ModelListing], numpy.ndarray]:
    """Titles are codes no other sale shares, so no word carries price; the embedding does (its first axis is
    what the thing is worth): what a sentence model knows that TF-IDF cannot."""
    rng = numpy.random.default_rng(seed)
    listings: list[ModelListing] = []
    logs: list[float] = []
    for number in range(count):
        worth = float(rng.uniform(-1, 1))
        noise = rng.normal(0, 0.3, DIM - 1)
        listings.append(
            ModelListing(
                title=f"item q{number}x",
                category="women/misc",
                condition="good",
                embedding=unit(numpy.concatenate([[1.5 * worth], noise])),
            )
        )
        logs.append(math.log1p(100.0) + 1.5 * worth + float(rng.normal(0, 0.1)))
    return listings, numpy.array(logs)


def without_embeddings(listings: list[ModelListing]) -> list[ModelListing]:
    return [replace(listing, embedding=None) for listing in listings]


def rmsle(predicted: numpy.ndarray, logs: numpy.ndarray) -> float:
    return float(numpy.sqrt(numpy.mean((predicted - logs) ** 2)))


def test_with_an_embedding_for_every_sale_the_model_prices_by_meaning() -> None:
    listings, logs = meaning_shop(260)
    train, test = listings[:200], listings[200:]

    embedded = fit_price_model(train, logs[:200])
    plain = fit_price_model(without_embeddings(train), logs[:200])

    assert embedded is not None and plain is not None
    assert embedded.model.embedded is not None and plain.model.embedded is None
    assert embedded.model.embedded.weights[0] + embedded.model.embedded.weights[2] > 0.5
    assert rmsle(embedded.model.predict_log(test), logs[200:]) < 0.5 * rmsle(
        plain.model.predict_log(test), logs[200:]
    )
    assert rmsle(embedded.out_of_fold, logs[:200]) < 0.5 * rmsle(plain.out_of_fold, logs[:200])


def test_a_listing_without_an_embedding_gets_exactly_the_price_of_the_model_without_them() -> None:
    listings, logs = meaning_shop(BOOST_MIN_SALES + 20)
    embedded = fit_price_model(listings, logs)
    plain = fit_price_model(without_embeddings(listings), logs)
    assert embedded is not None and plain is not None
    queries = without_embeddings(listings[:5]) + [ModelListing("item unseen", "women/misc", "new")]

    assert embedded.model.predict_log(queries).tolist() == plain.model.predict_log(queries).tolist()
    assert [embedded.model.predict_one_log(query) for query in queries] == [
        plain.model.predict_one_log(query) for query in queries
    ]


def test_one_sale_without_an_embedding_keeps_the_whole_history_on_the_model_without_them() -> None:
    listings, logs = meaning_shop(80)
    gappy = [*listings[:-1], replace(listings[-1], embedding=None)]

    fitted = fit_price_model(gappy, logs)
    plain = fit_price_model(without_embeddings(listings), logs)

    assert fitted is not None and plain is not None and fitted.model.embedded is None
    assert fitted.out_of_fold.tolist() == plain.out_of_fold.tolist()
    assert fitted.model.predict_log(listings[:5]).tolist() == plain.model.predict_log(listings[:5]).tolist()


def test_pricing_one_embedded_listing_gives_the_same_number_as_the_batch_path() -> None:
    listings, logs = meaning_shop(BOOST_MIN_SALES + 20)
    fitted = fit_price_model(listings, logs)
    assert fitted is not None
    queries = [*listings[:4], replace(listings[4], embedding=None), listings[5]]

    one_by_one = [fitted.model.predict_one_log(query) for query in queries]

    assert one_by_one == pytest.approx(fitted.model.predict_log(queries).tolist(), abs=1e-9)


def test_a_query_embedding_of_another_length_is_priced_without_embeddings() -> None:
    listings, logs = meaning_shop(60)
    model = PriceModel.fit(listings, logs)
    plain = PriceModel.fit(without_embeddings(listings), logs)
    odd = replace(listings[0], embedding=numpy.ones(DIM + 1, dtype=numpy.float32))

    assert model.predict_one_log(odd) == plain.predict_one_log(without_embeddings([odd])[0])


def test_the_blend_puts_all_weight_on_the_member_that_is_right_and_none_on_a_missing_one() -> None:
    targets = numpy.array([1.0, 2.0, 3.0, 4.0])
    wrong = targets[::-1].copy()

    assert best_blend([wrong, None, targets], targets) == (0.0, 0.0, 1.0)
    assert best_blend([targets, wrong, wrong], targets) == (1.0, 0.0, 0.0)
    assert best_blend([targets, targets, targets], targets) == (1.0, 0.0, 0.0)  # a tie: the ridge


def sale(number: int, sold_at: datetime, title: str, price: float) -> SoldItem:
    return SoldItem(
        tenant_id="acme",
        listing_id=f"s{number}",
        title=title,
        category="men/jeans",
        brand=None,
        condition=ListingCondition.GOOD,
        price=Decimal(f"{price:.2f}"),
        currency="USD",
        sold_at=sold_at,
    )


def jeans_history(shift: timedelta = timedelta(0)) -> list[SoldItem]:
    rng = numpy.random.default_rng(5)
    items = []
    for number in range(60):
        premium = number % 2 == 0
        title = f"{'selvedge' if premium else 'basic'} jeans cut{number % 5}"
        price = (4000 if premium else 1000) * float(rng.lognormal(0, 0.1))
        items.append(sale(number, NOW - timedelta(days=number % 80) + shift, title, price))
    return items


def embedded_index(items: list[SoldItem]) -> ComparablesIndex:
    embedder = HashingEmbedder()
    texts = [embedding_text(item.title, item.brand, item.category, item.description) for item in items]
    index = ComparablesIndex(embedder)
    index.add(items, dict(zip([item.listing_id for item in items], embedder.embed(texts), strict=True)))
    return index


PREMIUM = ListingQuery(title="selvedge jeans indigo", category="men/jeans", currency="USD", condition="good")


def test_the_index_fits_the_model_on_stored_vectors_and_prices_the_query_with_its_own_embedding() -> None:
    items = jeans_history()
    index = embedded_index(items)

    found = index.find("acme", PREMIUM)

    model = index._model("acme", "USD")
    assert model is not None and model.fitted is not None and model.fitted.model.embedded is not None
    query = ModelListing(
        PREMIUM.title,
        PREMIUM.category,
        "good",
        embedding=HashingEmbedder().embed([embedding_text(PREMIUM.title, None, PREMIUM.category, "")])[0],
    )
    assert found.model_log_price == model.fitted.model.predict_one_log(query)
    basic = index.find("acme", replace(PREMIUM, title="basic jeans indigo")).model_log_price
    assert found.model_log_price is not None and basic is not None
    assert math.expm1(found.model_log_price) > 2 * math.expm1(basic)


def test_an_index_without_an_embedder_prices_as_before_whatever_vectors_it_is_given() -> None:
    items = jeans_history()
    plain = ComparablesIndex()
    plain.add(items)
    given = ComparablesIndex()
    given.add(items, {item.listing_id: numpy.ones(DIM, dtype=numpy.float32) for item in items})

    assert given.find("acme", PREMIUM).model_log_price == plain.find("acme", PREMIUM).model_log_price


def test_re_dating_an_embedded_history_leaves_its_prices_unchanged() -> None:
    now = embedded_index(jeans_history()).find("acme", PREMIUM)
    later = embedded_index(jeans_history(timedelta(days=3 * 365))).find("acme", PREMIUM)

    assert later.model_log_price == now.model_log_price
    assert [c.similarity for c in later.comparables] == [c.similarity for c in now.comparables]
