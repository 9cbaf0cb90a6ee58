"""Footwear scoring: the most likely size of a shoe for a measured foot, and learned offsets moving it."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from core.schemas import Product
from domain.decision.calibration import load_calibration
from domain.decision.feedback import SizeAdjustment
from domain.decision.filtering import StockCheck
from domain.decision.footwear import FootMeasurements, FootwearFits, chart_row_for, score_shoe
from domain.decision.size_model import BRAND_PRIOR_VAR, ITEM_PRIOR_VAR, Belief
from knowledge.sizing.charts import curated_library
from knowledge.sizing.footwear import footwear_fit

CALIBRATION = load_calibration()
FOOT = FootMeasurements(length_mm=262.5, width_mm=100.0, length_sigma_mm=1.0)


def stocked(*sizes: str) -> StockCheck:
    return lambda size: size in sizes


def adjustment(mean: float = 0.0) -> SizeAdjustment:
    return SizeAdjustment(
        mean=mean,
        variance=ITEM_PRIOR_VAR + BRAND_PRIOR_VAR,
        item=Belief(mean, ITEM_PRIOR_VAR),
        brand=Belief(0.0, BRAND_PRIOR_VAR),
        observations=0,
    )


def shoe(brand: str = "Sprintara", sizes: tuple[str, ...] = ("UK 6.5", "UK 7", "UK 7.5")) -> Product:
    return Product(
        id="shoe-1",
        tenant_id="acme",
        name="Runner",
        brand=brand,
        category="footwear",
        price_inr=Decimal("1999"),
        sizes=list(sizes),
        metadata_quality=0.9,
    )


def test_size_labels_are_matched_to_chart_rows_in_any_system() -> None:
    fits = footwear_fit(262.5, None, 1.0, "Sprintara").sizes

    uk7 = chart_row_for("UK7", fits)
    assert uk7 is not None and uk7.uk == 7.0
    assert chart_row_for("uk 7", fits) == uk7 == chart_row_for("7", fits) == chart_row_for("IND 7", fits)
    assert chart_row_for("Free Size", fits) is None


def test_the_most_likely_size_is_chosen_and_cited() -> None:
    scored = score_shoe(shoe(), FOOT, adjustment(), stocked("UK 7"), CALIBRATION)

    assert scored is not None
    assert (scored.size, scored.in_stock) == ("UK 7", True)
    assert scored.factors.fit > 0.9
    assert scored.citations[0] == "chart:sprintara:uk-7"


def test_a_shoe_known_to_run_small_is_sized_up_and_says_so() -> None:
    scored = score_shoe(shoe(), FOOT, adjustment(mean=0.5), stocked("UK 7.5"), CALIBRATION)

    assert scored is not None and scored.size == "UK 7.5"
    assert any("runs small" in caution for caution in scored.cautions)


def test_a_brand_without_a_chart_uses_the_standard_one_with_less_reliability() -> None:
    charted = score_shoe(shoe(), FOOT, adjustment(), stocked(), CALIBRATION)
    plain = shoe("Metro Basics", ("UK 7", "UK 7.5"))
    uncharted = score_shoe(plain, FOOT, adjustment(), stocked(), CALIBRATION)

    assert charted is not None and uncharted is not None
    assert uncharted.factors.brand_reliability < charted.factors.brand_reliability
    assert any("no size chart" in caution for caution in uncharted.cautions)
    assert not uncharted.in_stock


def test_a_shoe_whose_sizes_are_not_on_any_chart_is_not_scored() -> None:
    assert score_shoe(shoe(sizes=("Free Size",)), FOOT, adjustment(), stocked(), CALIBRATION) is None


def test_shoes_sharing_a_brand_and_offset_reuse_one_chart_fit_and_score_as_if_alone() -> None:
    fits = FootwearFits(FOOT)
    other = shoe().model_copy(update={"id": "shoe-2"})

    score_shoe(shoe(), FOOT, adjustment(), stocked("UK 7"), CALIBRATION, fits=fits)
    shared = score_shoe(other, FOOT, adjustment(), stocked("UK 7"), CALIBRATION, fits=fits)

    assert shared == score_shoe(other, FOOT, adjustment(), stocked("UK 7"), CALIBRATION)
    assert fits.fit(FOOT.length_mm, "Sprintara") is fits.fit(FOOT.length_mm, "Sprintara")


def test_the_best_size_of_a_size_list_is_remembered_per_list_and_names_its_chart_row() -> None:
    fits = FootwearFits(FOOT)

    best = fits.best_size(FOOT.length_mm, "Sprintara", ["UK 6.5", "UK 7", "UK 7.5"])
    narrower = fits.best_size(FOOT.length_mm, "Sprintara", ["UK 6.5", "UK 7.5"])

    assert best is not None and best[0] == "UK 7" and best[1].row_id == "chart:sprintara:uk-7"
    assert fits.best_size(FOOT.length_mm, "Sprintara", ["UK 6.5", "UK 7", "UK 7.5"]) is best
    assert narrower is not None and narrower[0] != "UK 7"
    assert fits.best_size(FOOT.length_mm, "Sprintara", ["Free Size"]) is None


def test_packaged_chart_fits_are_computed_once_per_process_and_equal_a_fresh_computation() -> None:
    first = FootwearFits(FOOT).fit(FOOT.length_mm, "Sprintara")

    again = FootwearFits(FOOT).fit(FOOT.length_mm, "Sprintara")

    assert again is first
    assert first == footwear_fit(FOOT.length_mm, FOOT.width_mm, FOOT.length_sigma_mm, "Sprintara")


@pytest.mark.parametrize("sigma_mm", [1.5, 6.0, 15.0])
@pytest.mark.parametrize("fitting", [None, "wide", "narrow"])
def test_the_chart_fit_scoring_reads_gives_the_same_numbers_as_footwear_fit(
    sigma_mm: float, fitting: str | None
) -> None:
    """Scoring reads each chart through per-chart tables (`FootwearFits.chart_fit`) rather than the model
    `footwear_fit` builds; the two must agree on every size, for every packaged chart, a brand without one,
    any width fitting and feet between sizes or on one."""
    brands = [chart.brand for chart in curated_library().footwear.values() if chart.brand] + ["No Such Brand"]
    for length_mm in np.arange(221.0, 296.0, 3.7):
        for width_mm in (None, round(0.38 * length_mm, 1)):
            foot = FootMeasurements(length_mm=length_mm, width_mm=width_mm, length_sigma_mm=sigma_mm)
            for brand in brands:
                fast = FootwearFits(foot).chart_fit(length_mm, brand, fitting)
                model = footwear_fit(length_mm, width_mm, sigma_mm, brand, width_fitting=fitting)
                assert fast.recommended == model.recommended, (length_mm, brand)
                assert fast.between_sizes == model.between_sizes
                assert fast.low_confidence == model.low_confidence
                assert (fast.width_fitting, fast.width_probability) == (
                    model.width_fitting,
                    model.width_probability,
                )
                by_size = {size.size: size for size in model.sizes}
                for size in fast.sizes:
                    assert size.length_probability == by_size[size.size].length_probability
                    assert size.row_id == by_size[size.size].row_id
