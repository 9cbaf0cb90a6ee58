"""The serviceable regions: the single list every stock row, order and profile region comes from."""

from __future__ import annotations

import re

from core.catalog.regions import REGIONS, find_region, is_serviceable, region_slugs, regions_in_tier
from core.schemas import REGION_PATTERN

METROS = {"mumbai", "delhi", "bengaluru", "chennai", "kolkata", "hyderabad", "pune", "ahmedabad"}


def test_tier_one_is_exactly_the_eight_metros() -> None:
    assert {region.slug for region in regions_in_tier(1)} == METROS


def test_tiers_two_and_three_fill_out_twenty_to_twenty_five_cities() -> None:
    assert len(regions_in_tier(2)) >= 5
    assert len(regions_in_tier(3)) >= 3
    assert 20 <= len(REGIONS) <= 25


def test_slugs_are_unique_and_match_the_region_pattern() -> None:
    slugs = region_slugs()

    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(REGION_PATTERN, slug) for slug in slugs)


def test_find_region_returns_the_city_with_its_state_and_tier() -> None:
    region = find_region("bengaluru")

    assert region is not None
    assert (region.city, region.state, region.tier) == ("Bengaluru", "Karnataka", 1)


def test_an_unserved_city_is_not_found() -> None:
    assert find_region("atlantis") is None
    assert not is_serviceable("atlantis")
    assert is_serviceable("shillong")


def test_regions_in_tier_keeps_the_order_of_the_list() -> None:
    tier_two = regions_in_tier(2)

    assert tier_two == [region for region in REGIONS if region.tier == 2]
