"""The tenant's price model: a ridge on its own sales, with out-of-fold predictions to learn from."""

from __future__ import annotations

import math

import numpy
import pytest

from domain.pricing.price_model import MIN_MODEL_SALES, ModelListing, PriceModel, fit_price_model

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
