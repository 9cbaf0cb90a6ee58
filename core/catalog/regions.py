"""The Indian cities pakka ships to: the single list of serviceable regions.

Tiers follow the usual Indian retail split: tier 1 are the eight metros, tier 2 large state capitals and
industrial cities, tier 3 smaller towns. Stock, delivery promises and (later) climate zones key off these
slugs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from core.schemas import Region

Tier = Literal[1, 2, 3]


class ServiceRegion(BaseModel):
    """One serviceable city. `slug` is the value stored in inventory rows, orders and user profiles."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slug: Region
    city: str
    state: str
    tier: Tier


REGIONS: tuple[ServiceRegion, ...] = (
    ServiceRegion(slug="mumbai", city="Mumbai", state="Maharashtra", tier=1),
    ServiceRegion(slug="delhi", city="Delhi", state="Delhi", tier=1),
    ServiceRegion(slug="bengaluru", city="Bengaluru", state="Karnataka", tier=1),
    ServiceRegion(slug="chennai", city="Chennai", state="Tamil Nadu", tier=1),
    ServiceRegion(slug="kolkata", city="Kolkata", state="West Bengal", tier=1),
    ServiceRegion(slug="hyderabad", city="Hyderabad", state="Telangana", tier=1),
    ServiceRegion(slug="pune", city="Pune", state="Maharashtra", tier=1),
    ServiceRegion(slug="ahmedabad", city="Ahmedabad", state="Gujarat", tier=1),
    ServiceRegion(slug="jaipur", city="Jaipur", state="Rajasthan", tier=2),
    ServiceRegion(slug="lucknow", city="Lucknow", state="Uttar Pradesh", tier=2),
    ServiceRegion(slug="chandigarh", city="Chandigarh", state="Chandigarh", tier=2),
    ServiceRegion(slug="kochi", city="Kochi", state="Kerala", tier=2),
    ServiceRegion(slug="indore", city="Indore", state="Madhya Pradesh", tier=2),
    ServiceRegion(slug="coimbatore", city="Coimbatore", state="Tamil Nadu", tier=2),
    ServiceRegion(slug="surat", city="Surat", state="Gujarat", tier=2),
    ServiceRegion(slug="nagpur", city="Nagpur", state="Maharashtra", tier=2),
    ServiceRegion(slug="bhubaneswar", city="Bhubaneswar", state="Odisha", tier=2),
    ServiceRegion(slug="visakhapatnam", city="Visakhapatnam", state="Andhra Pradesh", tier=2),
    ServiceRegion(slug="guwahati", city="Guwahati", state="Assam", tier=2),
    ServiceRegion(slug="udaipur", city="Udaipur", state="Rajasthan", tier=3),
    ServiceRegion(slug="shillong", city="Shillong", state="Meghalaya", tier=3),
    ServiceRegion(slug="tirupati", city="Tirupati", state="Andhra Pradesh", tier=3),
    ServiceRegion(slug="bhagalpur", city="Bhagalpur", state="Bihar", tier=3),
    ServiceRegion(slug="haridwar", city="Haridwar", state="Uttarakhand", tier=3),
    ServiceRegion(slug="panaji", city="Panaji", state="Goa", tier=3),
)

_BY_SLUG: dict[str, ServiceRegion] = {region.slug: region for region in REGIONS}


def find_region(slug: str) -> ServiceRegion | None:
    """The serviceable region with this slug, or None when pakka does not ship there."""
    return _BY_SLUG.get(slug)


def is_serviceable(slug: str) -> bool:
    return slug in _BY_SLUG


def regions_in_tier(tier: Tier) -> list[ServiceRegion]:
    """Regions of one tier, in the order of `REGIONS`."""
    return [region for region in REGIONS if region.tier == tier]


def region_slugs() -> list[str]:
    return [region.slug for region in REGIONS]
