"""apparel_fit: per-size probabilities and the fit each size would give, for a brand and a fit preference."""

from __future__ import annotations

import pytest

from core.catalog.demo_assortment import CHOWK, KHADI_LANE, SUTRA
from core.errors import InvalidInput
from knowledge.sizing.apparel import Measurement, apparel_fit
from knowledge.sizing.charts import curated_library

MEDIUM_MAN = {
    "chest_cm": Measurement(value_cm=94, sigma_cm=2),
    "waist_cm": Measurement(value_cm=80, sigma_cm=2),
}


def test_a_true_to_size_brand_gives_the_standard_size_in_a_regular_fit() -> None:
    fit = apparel_fit(MEDIUM_MAN, CHOWK.name, "T-Shirts", "regular", gender="men")
    assert fit.chart_id == "chowk-basics-tops-men"
    assert fit.recommended == ["M"]
    assert fit.sizes[0].fit_type == "regular"
    assert fit.sizes[0].probability > 0.8
    assert not fit.low_confidence


def test_a_slim_brand_worn_regular_puts_the_next_size_up_in_play() -> None:
    slim = apparel_fit(MEDIUM_MAN, SUTRA.name, "Shirts", "slim", gender="men")
    regular = apparel_fit(MEDIUM_MAN, SUTRA.name, "Shirts", "regular", gender="men")
    assert slim.recommended == ["M"]
    assert regular.between_sizes
    assert regular.recommended == ["M", "L"]
    worn = {size.size: size.fit_type for size in regular.sizes}
    assert (worn["M"], worn["L"]) == ("slim", "regular")


def test_a_relaxed_brand_worn_regular_sizes_down() -> None:
    fit = apparel_fit(MEDIUM_MAN, KHADI_LANE.name, "Kurtas", "regular", gender="men")
    assert fit.garment == "ethnic"
    assert fit.brand_fit_type == "relaxed"
    assert fit.recommended == ["S"]


def test_unknown_brand_uses_the_standard_chart_with_low_confidence() -> None:
    fit = apparel_fit(MEDIUM_MAN, "Unheard Of", "tops", gender="men")
    assert fit.chart_kind == "standard"
    assert fit.low_confidence
    assert fit.recommended == ["M"]


def test_bottoms_use_waist_and_hip_and_ignore_uncharted_measurements() -> None:
    body = {
        "waist_cm": Measurement(value_cm=81, sigma_cm=1.5),
        "hip_cm": Measurement(value_cm=98, sigma_cm=2),
        "chest_cm": Measurement(value_cm=94, sigma_cm=2),
    }
    fit = apparel_fit(body, CHOWK.name, "Jeans", gender="men")
    assert fit.dimensions_used == ["hip_cm", "waist_cm"]
    assert fit.recommended == ["32"]
    assert set(fit.sizes[0].dimension_probabilities) == {"waist_cm", "hip_cm"}


def test_probabilities_are_ranked_and_rows_are_cited() -> None:
    fit = apparel_fit(MEDIUM_MAN, CHOWK.name, "tops", gender="men")
    probabilities = [size.probability for size in fit.sizes]
    assert probabilities == sorted(probabilities, reverse=True)
    assert fit.rows_used[0] == "chart:chowk-basics-tops-men:m"


def test_a_much_bigger_body_is_tight_in_every_size_and_gets_no_recommendation() -> None:
    body = {"chest_cm": Measurement(value_cm=150, sigma_cm=2)}
    fit = apparel_fit(body, CHOWK.name, "tops", gender="men")
    assert fit.recommended == []
    assert {size.fit_type for size in fit.sizes} == {"tight"}


def test_a_much_smaller_body_is_oversized_in_the_biggest_size() -> None:
    body = {"chest_cm": Measurement(value_cm=70, sigma_cm=2)}
    fit = apparel_fit(body, CHOWK.name, "tops", gender="men")
    assert next(size for size in fit.sizes if size.size == "XXL").fit_type == "oversized"


def test_gender_picks_the_chart_and_letter_numeric_indian_sizes_come_with_each_size() -> None:
    body = {
        "chest_cm": Measurement(value_cm=89, sigma_cm=1.5),
        "waist_cm": Measurement(value_cm=71, sigma_cm=1.5),
        "hip_cm": Measurement(value_cm=97, sigma_cm=1.5),
    }
    fit = apparel_fit(body, SUTRA.name, "Dresses", "slim", gender="women")
    assert fit.chart_id == "sutra-studio-tops-women"
    best = fit.sizes[0]
    assert (best.size, best.letter, best.numeric, best.india) == ("M", "M", "38", "36")


def test_unknown_measurement_names_and_uncharted_sets_are_rejected() -> None:
    with pytest.raises(InvalidInput):
        apparel_fit({"neck_cm": Measurement(value_cm=38, sigma_cm=1)}, CHOWK.name, "tops")
    with pytest.raises(InvalidInput):
        apparel_fit({"inseam_cm": Measurement(value_cm=80, sigma_cm=1)}, CHOWK.name, "tops")


@pytest.mark.parametrize("brand", [SUTRA, KHADI_LANE, CHOWK])
def test_brand_charts_agree_with_the_demo_catalog_fit_type(brand) -> None:  # type: ignore[no-untyped-def]
    charts = curated_library().apparel_charts(brand.name)
    assert charts
    assert {chart.fit_type for chart in charts} == {brand.fit["fit_type"]}
