"""Reading a conversation: which searched products count as shown, and sizes as the catalog writes them."""

from __future__ import annotations

from typing import Any

import pytest

from agents.rules.shop_reading import Result, asked_for, catalog_size, product_rows


def row(product_id: str, name: str) -> dict[str, Any]:
    return {"id": product_id, "name": name, "brand": name.split()[0], "price_inr": 999.0}


LOAFERS = [
    row("fw-1", "Kadam Classic Men's Loafers - Navy"),
    row("fw-2", "Kadam Heritage Women's Ballet Flats - Nude"),
    row("fw-3", "Kadam Darbar Men's Loafers - Tan"),
    row("fw-4", "Kadam Raja Women's Block Heels - Gold"),
]


def search(query: str, rows: list[dict[str, Any]]) -> Result:
    return Result(
        name="search_products",
        ok=True,
        data={"total_matches": len(rows), "products": rows},
        text="",
        args={"query": query},
    )


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [str(found["product_id"]) for found in rows]


def test_a_search_shows_only_the_kind_asked_for_when_it_found_any() -> None:
    assert ids(product_rows(search("kadam loafers", LOAFERS))) == ["fw-1", "fw-3"]


def test_a_search_shows_only_the_gender_and_colour_asked_for_when_it_found_any() -> None:
    jeans = [
        row("ap-1", "Chowk Studio Men's Jeans - Black"),
        row("ap-2", "Sutra Colaba Women's Jeans - Black"),
        row("ap-3", "Chowk Daily Men's Jeans - Grey"),
    ]

    assert ids(product_rows(search("black men jeans", jeans))) == ["ap-1"]


def test_a_broad_word_keeps_every_kind_of_product() -> None:
    assert len(asked_for([{**found, "product_id": found["id"]} for found in LOAFERS], "shoes")) == 4


def test_near_misses_are_kept_when_nothing_is_the_kind_asked_for() -> None:
    assert ids(product_rows(search("juttis", LOAFERS))) == ["fw-1", "fw-2", "fw-3", "fw-4"]


@pytest.mark.parametrize(
    ("size", "gender", "catalog"),
    [
        ("EU 42", None, "UK 8"),
        ("EU 41", None, "UK 7"),
        ("US 9", "men", "UK 8"),
        ("US 9", "women", "UK 7"),
        ("9", None, "UK 9"),
        ("EU 60", None, "EU 60"),
    ],
)
def test_european_and_american_shoe_sizes_are_searched_as_uk_sizes(
    size: str, gender: str | None, catalog: str
) -> None:
    assert catalog_size(size, "footwear", "shoes", gender) == catalog
