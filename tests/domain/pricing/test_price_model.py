"""The tenant's price model: a ridge on its own sales (and, on a long history, a boosted model on learned
encodings, blended by out-of-fold error), with out-of-fold predictions to learn from."""

from __future__ import annotations

import math

import numpy
import pytest

from domain.pricing.price_model import (
    BOOST_MIN_SALES,
    BOOSTING_THREADS,
    MIN_MODEL_SALES,
    ModelListing,
    PriceModel,
    best_ridge_weight,
    fit_price_model,
)

MATERIALS = {"gold": 5000.0, "silver": 1500.0, "brass": 400.0, "plastic": 80.0}
THINGS = ["ring", "bangle", "chain", "earrings", "anklet"]


def jewellery(condition: str = "good") -> tuple[list[ModelListing], numpy.ndarray]:
    listings: list[ModelListing] = []
    prices: list[float] = []
    for number in range(60):
        material = list(MATERIALS)[number % len(MATERIALS)]
        thing = THINGS[number % len(THINGS)]
        listings.append(
            ModelListing(title=f"{material} {thing}", category="women/jewellery", condition=condition)
        )
        prices.append(MATERIALS[material] * (1.1 if number % 2 else 0.9))
    return listings, numpy.log1p(prices)


def test_the_model_prices_by_the_words_that_carried_price_in_the_history() -> None:
    listings, logs = jewellery()

    model = PriceModel.fit(listings, logs)
    gold, plastic = model.predict_log(
        [
            ModelListing(title="gold ring", category="women/jewellery", condition="good"),
            ModelListing(title="plastic ring", category="women/jewellery", condition="good"),
        ]
    )

    assert math.expm1(gold) > 5 * math.expm1(plastic)


def test_the_model_reads_the_description_brand_and_condition() -> None:
    listings = [
        ModelListing(
            title="kurta",
            category="women/ethnic",
            condition="new" if number % 2 else "fair",
            brand="Biba" if number % 3 == 0 else "Local",
            description="hand embroidered silk" if number % 4 == 0 else "cotton",
        )
        for number in range(80)
    ]
    logs = numpy.array(
        [
            math.log1p(600)
            + (0.4 if item.condition == "new" else 0.0)
            + (0.5 if item.brand == "Biba" else 0.0)
            + (0.6 if "silk" in item.description else 0.0)
            for item in listings
        ]
    )
    model = PriceModel.fit(listings, logs)

    def predicted(**fields: str) -> float:
        base = {"title": "kurta", "category": "women/ethnic", "condition": "fair", "brand": "Local"}
        return float(model.predict_log([ModelListing(**(base | fields))])[0])  # type: ignore[arg-type]

    assert predicted(condition="new") > predicted() + 0.1
    assert predicted(brand="Biba") > predicted() + 0.1
    assert predicted(description="hand embroidered silk") > predicted() + 0.1


def test_out_of_fold_predictions_come_from_models_that_never_saw_the_sale() -> None:
    listings, logs = jewellery()
    listings.append(ModelListing(title="unicorn figurine", category="women/jewellery", condition="good"))
    logs = numpy.append(logs, math.log1p(90_000.0))

    fitted = fit_price_model(listings, logs)

    assert fitted is not None
    in_sample = float(fitted.model.predict_log([listings[-1]])[0])
    assert fitted.out_of_fold.shape == (len(listings),)
    assert fitted.out_of_fold[-1] < in_sample - 1.0


def test_too_short_a_history_fits_no_model() -> None:
    listings, logs = jewellery()

    assert fit_price_model(listings[: MIN_MODEL_SALES - 1], logs[: MIN_MODEL_SALES - 1]) is None
    assert fit_price_model(listings[:MIN_MODEL_SALES], logs[:MIN_MODEL_SALES]) is not None


def test_a_history_without_repeated_description_words_still_fits_a_model() -> None:
    listings, logs = jewellery()
    described = [
        ModelListing(listing.title, listing.category, listing.condition, description=f"note{number}")
        for number, listing in enumerate(listings)
    ]

    fitted = fit_price_model(described, logs)

    assert fitted is not None
    assert numpy.isfinite(fitted.model.predict_log(described[:2])).all()


def test_pricing_one_listing_gives_the_same_number_as_the_batch_path() -> None:
    listings, logs = jewellery()
    described = [
        ModelListing(
            listing.title,
            listing.category,
            "new" if n % 3 else "fair",
            "Tanishq" if n % 2 else None,
            "22k hallmark",
        )
        for n, listing in enumerate(listings)
    ]
    model = PriceModel.fit(described, logs)
    queries = [*described[:5], ModelListing("gold gold ring unseenword", "women/jewellery", "poor")]

    one_by_one = [model.predict_one_log(query) for query in queries]

    assert one_by_one == pytest.approx(model.predict_log(queries).tolist(), abs=1e-9)


def boutique(count: int, seed: int = 3) -> tuple[list[ModelListing], numpy.ndarray]:
    """A shop where a brand's price depends on the category it sells in (a premium label's bags, its cheap
    socks): an interaction no word of a title carries alone."""
    rng = numpy.random.default_rng(seed)
    base = {("Aurum", "women/bags"): 400.0, ("Aurum", "women/socks"): 8.0}
    base |= {("Plain", "women/bags"): 40.0, ("Plain", "women/socks"): 6.0}
    listings: list[ModelListing] = []
    prices: list[float] = []
    for number in range(count):
        brand, category = list(base)[number % len(base)]
        listings.append(
            ModelListing(
                title=f"{'tote' if 'bags' in category else 'pair'} style {number % 13}",
                category=category,
                condition="good",
                brand=brand,
            )
        )
        prices.append(base[(brand, category)] * float(rng.lognormal(0, 0.2)))
    return listings, numpy.log1p(prices)


def test_a_long_history_adds_a_boosted_model_on_encodings_blended_by_out_of_fold_error() -> None:
    listings, logs = boutique(BOOST_MIN_SALES + 100)

    fitted = fit_price_model(listings, logs)

    assert fitted is not None and fitted.model.boosted is not None
    assert 0.0 <= fitted.model.ridge_weight < 1.0  # the encodings earned a share of the price
    ridge_only = fit_price_model(listings[: BOOST_MIN_SALES - 1], logs[: BOOST_MIN_SALES - 1])
    assert ridge_only is not None and ridge_only.model.boosted is None


def test_the_blend_keeps_the_ridge_alone_when_the_boosted_model_only_adds_error() -> None:
    targets = numpy.array([1.0, 2.0, 3.0, 4.0])

    assert best_ridge_weight(targets, targets[::-1], targets) == 1.0
    assert best_ridge_weight(targets[::-1], targets, targets) == 0.0


def test_fitting_twice_gives_the_same_prices_and_one_listing_prices_as_the_batch() -> None:
    listings, logs = boutique(BOOST_MIN_SALES + 40)
    first = fit_price_model(listings, logs)
    second = fit_price_model(listings, logs)
    assert first is not None and second is not None
    queries = [*listings[:4], ModelListing("unknown thing 64", "women/hats", "new", "Newcomer")]

    assert first.model.predict_log(queries).tolist() == second.model.predict_log(queries).tolist()
    assert first.out_of_fold.tolist() == second.out_of_fold.tolist()
    assert [first.model.predict_one_log(query) for query in queries] == pytest.approx(
        first.model.predict_log(queries).tolist(), abs=1e-9
    )


def test_the_boosting_thread_limit_holds_in_its_own_thread_whatever_other_threads_do() -> None:
    """A background fit and a request's prediction overlap: the one that finishes first restores only its own
    thread's OpenMP count, so the other still runs at BOOSTING_THREADS, and no thread outside a fit or a
    prediction (the event loop, the scans) is limited."""
    import threading

    from threadpoolctl import threadpool_info

    from domain.pricing.price_model import _one_thread

    def openmp_threads() -> set[int]:
        return {info["num_threads"] for info in threadpool_info() if info["user_api"] == "openmp"}

    PriceModel.fit(*jewellery(), boost=True)  # scikit-learn's OpenMP runtime loaded
    unlimited = openmp_threads()
    first_in, first_out = threading.Event(), threading.Event()
    seen: dict[str, set[int]] = {}

    def first() -> None:
        with _one_thread():
            first_in.set()
            seen["first, inside"] = openmp_threads()
        first_out.set()

    def second() -> None:
        first_in.wait()
        with _one_thread():
            first_out.wait()  # the first block has restored its limit meanwhile
            seen["second, inside, after the first left"] = openmp_threads()
        seen["second, after"] = openmp_threads()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert unlimited
    assert seen == {
        "first, inside": {BOOSTING_THREADS},
        "second, inside, after the first left": {BOOSTING_THREADS},
        "second, after": unlimited,
    }
    assert openmp_threads() == unlimited
