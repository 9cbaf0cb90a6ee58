"""footwear_fit: per-size probabilities that each size fits, from the toe allowance a shoe fits with (so
neighbouring sizes overlap) and the Gaussian measurement model, against brand charts."""

from __future__ import annotations

import pytest

from core.catalog.demo_assortment import KADAM, PAGDANDI, SPRINTARA
from core.errors import InvalidInput
from knowledge.sizing.charts import curated_library
from knowledge.sizing.footwear import footwear_fit, standard_sizes, toe_allowance

UK8_FOOT_MM = 266.7  # the middle of the standard UK 8 range
UK8_WIDTH_MM = 104.0  # a width/length ratio of 0.39: standard fitting


def test_a_foot_in_the_middle_of_a_size_gets_that_size_first() -> None:
    fit = footwear_fit(UK8_FOOT_MM, UK8_WIDTH_MM, 2.0)
    assert fit.sizes[0].size == "UK 8"
    assert fit.recommended == ["UK 8"]
    assert not fit.between_sizes
    assert fit.sizes[0].probability > fit.sizes[1].probability


def test_sizes_are_ranked_by_probability() -> None:
    fit = footwear_fit(250.0, 97.0, 4.0)
    probabilities = [size.probability for size in fit.sizes]
    assert probabilities == sorted(probabilities, reverse=True)


def test_a_size_fits_the_feet_that_leave_the_curated_toe_allowance_in_its_last() -> None:
    allowance = toe_allowance()
    uk8 = next(size for size in footwear_fit(UK8_FOOT_MM, None, 1.0).sizes if size.size == "UK 8")
    last_mm = (8 + 25) * 25.4 / 3  # UK adult size = 3 x last length in inches - 25

    assert uk8.fit_min_mm == pytest.approx(last_mm - allowance.max_mm, abs=0.2)
    assert uk8.fit_max_mm == pytest.approx(last_mm - allowance.min_mm, abs=0.2)
    assert uk8.fit_min_mm < uk8.foot_min_mm < uk8.foot_max_mm < uk8.fit_max_mm
    assert allowance.min_mm < allowance.ideal_mm < allowance.max_mm
    assert all(source.url.startswith("http") for source in allowance.sources)


def test_neighbouring_sizes_overlap_so_a_foot_between_two_designed_ranges_fits_both() -> None:
    boundary = 264.6  # where the standard chart's UK 7.5 range ends and its UK 8 range starts
    fit = footwear_fit(boundary, None, 1.3)
    by_size = {size.size: size.length_probability for size in fit.sizes}

    assert by_size["UK 7.5"] > 0.9 and by_size["UK 8"] > 0.9
    assert not fit.between_sizes
    assert sum(by_size.values()) > 2  # each foot fits more than one half size


def test_a_foot_between_two_whole_sizes_can_wear_either() -> None:
    fit = footwear_fit(261.4, None, 1.3)  # in the 2 mm both UK 7 and UK 8 fit
    by_size = {size.size: size.length_probability for size in fit.sizes}

    assert by_size["UK 7"] > 0.7 and by_size["UK 8"] > 0.7


def test_an_uncertain_foot_on_a_boundary_is_between_sizes_and_both_are_shown() -> None:
    fit = footwear_fit(264.6, None, 6.0)
    assert fit.between_sizes
    assert fit.recommended == ["UK 7.5", "UK 8"]
    first, second = fit.sizes[0], fit.sizes[1]
    assert {first.size, second.size} == {"UK 7.5", "UK 8"}
    assert first.length_probability < 0.8


def test_unknown_brand_uses_the_standard_chart_with_low_confidence() -> None:
    fit = footwear_fit(UK8_FOOT_MM, UK8_WIDTH_MM, 2.0, "No Such Brand")
    assert fit.chart_id == "standard"
    assert fit.low_confidence
    known = footwear_fit(UK8_FOOT_MM, UK8_WIDTH_MM, 2.0, "Sprintara")
    assert not known.low_confidence


def test_a_brand_that_runs_small_recommends_half_a_size_up() -> None:
    fit = footwear_fit(UK8_FOOT_MM, UK8_WIDTH_MM, 2.0, KADAM.name)
    assert fit.recommended == ["UK 8.5"]
    assert fit.chart_kind == "sample"


def test_a_brand_that_runs_large_recommends_half_a_size_down() -> None:
    fit = footwear_fit(UK8_FOOT_MM, UK8_WIDTH_MM, 2.0, SPRINTARA.name)
    assert fit.recommended == ["UK 7.5"]


def test_brand_lookup_ignores_case_and_spacing() -> None:
    assert footwear_fit(UK8_FOOT_MM, None, 2.0, "  kadam   FOOTWORKS ").chart_id == "kadam-footworks"


def test_width_lowers_the_probability_in_a_fitting_that_does_not_suit_the_foot() -> None:
    narrow_foot = 96.0  # ratio 0.36
    in_wide_last = footwear_fit(UK8_FOOT_MM, narrow_foot, 2.0, PAGDANDI.name)
    in_standard_last = footwear_fit(UK8_FOOT_MM, narrow_foot, 2.0, SPRINTARA.name)
    assert in_wide_last.width_fitting == "wide"
    assert in_wide_last.width_probability is not None and in_standard_last.width_probability is not None
    assert in_wide_last.width_probability < 0.1 < in_standard_last.width_probability
    assert in_wide_last.sizes[0].probability < in_wide_last.sizes[0].length_probability


def test_a_wide_foot_fits_the_wide_brand_better() -> None:
    wide_foot = 112.0  # ratio 0.42
    assert (
        footwear_fit(UK8_FOOT_MM, wide_foot, 2.0, PAGDANDI.name).width_probability
        > footwear_fit(UK8_FOOT_MM, wide_foot, 2.0, SPRINTARA.name).width_probability
    )  # type: ignore[operator]


def test_without_a_width_only_length_counts() -> None:
    fit = footwear_fit(UK8_FOOT_MM, None, 2.0)
    assert fit.width_probability is None
    assert all(size.probability == size.length_probability for size in fit.sizes)


def test_more_uncertainty_spreads_the_probability() -> None:
    sharp = footwear_fit(UK8_FOOT_MM, None, 1.0).sizes[0].probability
    blurred = footwear_fit(UK8_FOOT_MM, None, 6.0).sizes[0].probability
    assert sharp > 0.9 > blurred


def test_rows_used_cite_chart_rows_with_a_real_chance() -> None:
    fit = footwear_fit(UK8_FOOT_MM, None, 2.0, SPRINTARA.name)
    assert "chart:sprintara:uk-7-5" in fit.rows_used
    assert all(row_id.startswith("chart:sprintara:") for row_id in fit.rows_used)
    assert len(fit.rows_used) < len(fit.sizes)


def test_a_foot_beyond_the_chart_gets_no_recommendation() -> None:
    fit = footwear_fit(360.0, None, 2.0)
    assert fit.recommended == []
    assert fit.sizes[0].probability < 0.01


@pytest.mark.parametrize(
    ("length_mm", "width_mm", "sigma_mm", "field"),
    [
        (50.0, None, 2.0, "length_mm"),
        (float("nan"), None, 2.0, "length_mm"),
        (266.0, 20.0, 2.0, "width_mm"),
        (266.0, None, 0.0, "sigma_mm"),
        (266.0, None, -1.0, "sigma_mm"),
    ],
)
def test_implausible_measurements_are_rejected_with_the_field(
    length_mm: float, width_mm: float | None, sigma_mm: float, field: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        footwear_fit(length_mm, width_mm, sigma_mm)
    assert error.value.details["field"] == field


def test_standard_conversions_for_a_uk_8_foot() -> None:
    row = standard_sizes(UK8_FOOT_MM)
    assert row is not None
    assert (row.uk, row.us_men, row.us_women, row.eu, row.india, row.mondopoint) == (8, 9, 10, 42, 8, 267)


@pytest.mark.parametrize("brand", [KADAM, PAGDANDI, SPRINTARA])
def test_brand_charts_agree_with_the_demo_catalog_fit_data(brand) -> None:  # type: ignore[no-untyped-def]
    library = curated_library()
    chart = library.footwear_chart(brand.name)
    standard = library.standard_footwear
    assert chart is not None and standard is not None
    assert chart.size_offset == brand.fit["size_offset"]
    assert chart.width_fitting == brand.fit["width"]
    standard_by_uk = {row.uk: row for row in standard.rows}
    for row in chart.rows:
        fits_like = standard_by_uk[row.uk + chart.size_offset]
        assert (row.foot_min_mm, row.foot_max_mm) == (fits_like.foot_min_mm, fits_like.foot_max_mm)


def test_every_demo_shoe_size_is_in_its_brand_chart() -> None:
    library = curated_library()
    for brand in (KADAM, PAGDANDI, SPRINTARA):
        chart = library.footwear_chart(brand.name)
        assert chart is not None
        sizes = {row.size for row in chart.rows}
        assert {f"UK {size:g}" for size in [x / 2 for x in range(6, 25)]} <= sizes
