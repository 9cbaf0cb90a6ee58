"""Climate zones, seasons and festivals for the serviceable cities."""

from __future__ import annotations

from datetime import date

import pytest

from core.catalog.regions import REGIONS
from core.errors import NotFound
from knowledge.regions import (
    city_climates,
    climate_for,
    festivals,
    festivals_in,
    region_profile,
    regions_without_climate,
    season_in,
    skin_climate,
)


def test_every_serviceable_city_has_climate_data_and_no_unknown_slugs() -> None:
    assert regions_without_climate() == []
    assert set(city_climates()) == {region.slug for region in REGIONS}
    assert all(climate.source.startswith("pakka curated") for climate in city_climates().values())


def test_monsoon_months_make_skin_climate_humid() -> None:
    assert season_in("mumbai", 7) == "monsoon"
    assert skin_climate("mumbai", 7) == "humid"
    assert skin_climate("jaipur", 8) == "humid"


def test_north_indian_winter_is_cold_and_summer_is_hot_dry() -> None:
    assert season_in("delhi", 1) == "winter"
    assert skin_climate("delhi", 1) == "cold"
    assert season_in("delhi", 5) == "summer"
    assert skin_climate("delhi", 5) == "hot-dry"


def test_coastal_cities_stay_humid_outside_the_monsoon() -> None:
    assert climate_for("kochi").zone == "warm-humid"
    assert skin_climate("kochi", 2) == "humid"


def test_chennai_gets_its_rain_from_the_north_east_monsoon() -> None:
    assert season_in("chennai", 11) == "monsoon"
    assert season_in("chennai", 7) == "post-monsoon"


def test_diwali_and_wedding_season_fall_in_november_everywhere() -> None:
    ids = {festival.id for festival in festivals_in(11)}
    assert {"diwali", "wedding-season"} <= ids


def test_regional_festivals_only_apply_to_their_states() -> None:
    assert "onam" in {festival.id for festival in festivals_in(8, "Kerala")}
    assert "onam" not in {festival.id for festival in festivals_in(8, "Delhi")}
    assert "onam" in {festival.id for festival in festivals_in(8)}


def test_region_profile_combines_tier_climate_season_and_festivals() -> None:
    profile = region_profile("kolkata", date(2026, 10, 15))
    assert profile.region.tier == 1
    assert profile.climate.zone == "warm-humid"
    assert profile.season == "post-monsoon"
    assert "navratri" in {festival.id for festival in profile.festivals}


def test_unknown_cities_and_months_are_rejected() -> None:
    with pytest.raises(NotFound):
        climate_for("atlantis")
    with pytest.raises(NotFound):
        region_profile("atlantis", date(2026, 1, 1))
    with pytest.raises(ValueError, match="month must be 1-12"):
        festivals_in(13)


def test_festival_rows_carry_provenance_and_sane_uplifts() -> None:
    assert all(
        festival.source.startswith("pakka curated") and 1 <= festival.demand_uplift <= 2
        for festival in festivals()
    )
