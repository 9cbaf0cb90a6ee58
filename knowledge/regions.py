"""Climate, seasons and festivals for the serviceable cities, keyed by the slugs of core/catalog/regions.py.

The city list, states and tiers stay in core/catalog/regions.py; this module only adds what the knowledge
base needs on top: the climate zone, the skin climate in a given month, and the festivals that move demand.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from core.catalog.regions import REGIONS, ServiceRegion, find_region
from core.errors import NotFound
from knowledge.data import DATA_DIR
from knowledge.ingredients.table import Climate

REGIONS_DIR = DATA_DIR / "regions"
Zone = Literal["hot-dry", "warm-humid", "composite", "temperate", "cold"]
Season = Literal["monsoon", "winter", "summer", "post-monsoon", "spring"]
Month = int


class CityClimate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str
    zone: Zone
    monsoon: list[Month] = Field(description="Months (1-12) of monsoon rain")
    winter: list[Month] = Field(description="Months cold enough to call for winter skincare")
    dry_season: Climate = Field(description="The skin climate outside monsoon and winter")
    source: str = Field(min_length=3)


class Festival(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    months: list[Month]
    states: list[str]
    categories: list[str]
    demand_uplift: float = Field(ge=1, le=3)
    note: str
    source: str = Field(min_length=3)

    def applies_to(self, state: str | None) -> bool:
        return state is None or "all" in self.states or state in self.states


class RegionProfile(BaseModel):
    """Everything known about one city in one month: for the decision engine and pricing."""

    region: ServiceRegion
    climate: CityClimate
    season: Season
    skin_climate: Climate
    festivals: list[Festival]


@lru_cache(maxsize=1)
def city_climates() -> dict[str, CityClimate]:
    rows = yaml.safe_load((REGIONS_DIR / "climate.yaml").read_text(encoding="utf-8"))
    return {climate.slug: climate for climate in (CityClimate.model_validate(row) for row in rows)}


@lru_cache(maxsize=1)
def festivals() -> list[Festival]:
    rows = yaml.safe_load((REGIONS_DIR / "festivals.yaml").read_text(encoding="utf-8"))
    return [Festival.model_validate(row) for row in rows]


def climate_for(slug: str) -> CityClimate:
    climate = city_climates().get(slug)
    if climate is None:
        raise NotFound(f"no climate data for region {slug!r}", {"region": slug})
    return climate


def season_in(slug: str, month: Month) -> Season:
    """The season a city is in: its monsoon and winter months, summer from March to May, else post-monsoon
    (after the rains) or spring (before summer)."""
    _check_month(month)
    climate = climate_for(slug)
    if month in climate.monsoon:
        return "monsoon"
    if month in climate.winter:
        return "winter"
    if month in (3, 4, 5):
        return "summer"
    return "post-monsoon" if month >= 6 else "spring"


def skin_climate(slug: str, month: Month) -> Climate:
    """humid in the monsoon, cold in winter, else the city's dry-season climate."""
    season = season_in(slug, month)
    if season == "monsoon":
        return "humid"
    if season == "winter":
        return "cold"
    return climate_for(slug).dry_season


def festivals_in(month: Month, state: str | None = None) -> list[Festival]:
    """Festivals and seasons in this month, pan-Indian ones included; all states when state is None."""
    _check_month(month)
    return [festival for festival in festivals() if month in festival.months and festival.applies_to(state)]


def region_profile(slug: str, on: date) -> RegionProfile:
    region = find_region(slug)
    if region is None:
        raise NotFound(f"pakka does not ship to {slug!r}", {"region": slug})
    return RegionProfile(
        region=region,
        climate=climate_for(slug),
        season=season_in(slug, on.month),
        skin_climate=skin_climate(slug, on.month),
        festivals=festivals_in(on.month, region.state),
    )


def regions_without_climate() -> list[str]:
    """Serviceable slugs that have no climate row (empty when the data is complete)."""
    return [region.slug for region in REGIONS if region.slug not in city_climates()]


def _check_month(month: Month) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
