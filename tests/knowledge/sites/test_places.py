"""Cities a business description names, by English, Hindi or old name, as whole words."""

from __future__ import annotations

import pytest

from knowledge.sites.places import city_named, find_city


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("Sharma Dairy, Civil Lines, Bareilly. Call 9876543210", "Bareilly"),
        ("बीकानेर की मशहूर भुजिया, घर पर डिलीवरी", "Bikaner"),
        ("Mobile repair shop near the bus stand, Hubli", "Hubballi"),
        ("Tiffin service in Trichy for students", "Tiruchirappalli"),
        ("Pickles from Delhi, shipped to Satna and Rewa", "Delhi"),  # the first named
    ],
)
def test_a_named_city_is_found_by_any_of_its_names(text: str, city: str) -> None:
    found = find_city(text)
    assert found is not None and found.name == city


@pytest.mark.parametrize(
    "text",
    [
        "Order ho gaya? We deliver in two days",  # "gaya" is Hindi for "went", not the city of Gaya
        "Anand Sweets, fresh every morning",
        "Sagar Electricals: wiring and fans",
    ],
)
def test_words_that_are_also_city_names_are_not_read_as_cities(text: str) -> None:
    assert find_city(text) is None


def test_a_city_named_exactly_is_found_by_its_hindi_name() -> None:
    found = city_named("झांसी")
    assert found is not None and found.name == "Jhansi"
