"""Bulk import of Mercari and thredUP history files (small files written per test) into each store."""

from __future__ import annotations

import csv
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy
import pytest

from core.records.sales import ListingCondition, ListingStatus
from core.storage.repositories import Store
from domain.pricing.importers import (
    DEFAULT_ANCHOR,
    SPREAD,
    ImportFormat,
    count_rows,
    embed_missing,
    import_history,
    synthetic_times,
)
from tests.domain.pricing.factories import HashingEmbedder

MERCARI_HEADER = [
    "train_id",
    "name",
    "item_condition_id",
    "category_name",
    "brand_name",
    "price",
    "shipping",
    "item_description",
]
MERCARI_ROWS = [
    [
        "0",
        "MLB Cincinnati Reds T Shirt Size XL",
        "3",
        "Men/Tops/T-shirts",
        "",
        "10.0",
        "1",
        "No description yet",
    ],
    [
        "1",
        "Razer BlackWidow Chroma Keyboard",
        "1",
        "Electronics/Computers",
        "Razer",
        "52.0",
        "0",
        "Great keyboard",
    ],
    ["2", "Free sticker", "2", "Other/Stickers", "", "0", "1", "Zero price"],
    ["3", "Mystery box", "9", "Other/Boxes", "", "5.0", "1", "Condition id out of range"],
    ["4", "Vintage lamp", "5", "", "", "20.0", "1", "For parts"],
]
THREDUP_HEADER = [
    "id",
    "item_number",
    "title",
    "brand",
    "category",
    "category_tags",
    "department",
    "colors",
    "materials",
    "size_label",
    "sizes",
    "msrp",
    "price",
    "promo_price",
    "new_with_tags",
    "availability",
    "state",
    "favorite_count",
    "sellthrough_score",
    "photo_ids",
    "gender",
]
THREDUP_ROWS = [
    [
        "130654003",
        "1",
        "Mod Cloth Blazer",
        "ModCloth",
        "Blazer",
        "outerwear",
        "women",
        "Blue",
        "100% Cotton",
        "Size L",
        "Lg",
        "95.0",
        "29.99",
        "20.99",
        "False",
        "InStock",
        "listed",
        "46.0",
        "0.92",
        "4394|4395",
        "women",
    ],
    [
        "130021450",
        "2",
        "Rabbit Designs Cocktail Dress",
        "Rabbit Designs",
        "Cocktail Dress",
        "sweaters|dresses",
        "plus|women",
        "Black",
        "100% Polyester",
        "Size 14",
        "14",
        "64.0",
        "33.99",
        "20.39",
        "True",
        "InStock",
        "listed",
        "27.0",
        "0.93",
        "4319",
        "women",
    ],
]


def write(path: Path, header: list[str], rows: list[list[str]], delimiter: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def mercari_file(tmp_path: Path) -> Path:
    return write(tmp_path / "train.tsv", MERCARI_HEADER, MERCARI_ROWS, "\t")


@pytest.fixture
def thredup_file(tmp_path: Path) -> Path:
    return write(tmp_path / "thredup.csv", THREDUP_HEADER, THREDUP_ROWS, ",")


def test_mercari_rows_become_sold_listings_with_mapped_conditions_in_usd(
    store: Store, mercari_file: Path
) -> None:
    report = import_history(store, mercari_file, ImportFormat.MERCARI, "resale")

    assert (report.read, report.imported, report.skipped) == (5, 3, 2)
    assert dict(report.reasons) == {"price is zero or negative": 1, "unknown item_condition_id": 1}
    shirt = store.sales.get_listing("resale", "mercari-0")
    assert shirt is not None
    assert (shirt.status, shirt.condition, shirt.price, shirt.currency) == (
        ListingStatus.SOLD,
        ListingCondition.GOOD,
        Decimal("10.00"),
        "USD",
    )
    assert (shirt.category, shirt.brand, shirt.description) == ("men/tops/t-shirts", None, "")
    lamp = store.sales.get_listing("resale", "mercari-4")
    assert lamp is not None and (lamp.condition, lamp.category) == (ListingCondition.POOR, "uncategorised")
    assert store.sales.count_sold("resale") == 3
    assert store.tenants.get("resale") is not None


def test_thredup_rows_take_nwt_as_new_a_category_path_and_details_in_the_description(
    store: Store, thredup_file: Path
) -> None:
    report = import_history(store, thredup_file, ImportFormat.THREDUP, "resale")

    assert (report.imported, report.skipped) == (2, 0)
    blazer = store.sales.get_listing("resale", "thredup-130654003")
    dress = store.sales.get_listing("resale", "thredup-130021450")
    assert blazer is not None and dress is not None
    assert (blazer.condition, blazer.category, blazer.price) == (
        ListingCondition.GOOD,
        "women/outerwear/blazer",
        Decimal("29.99"),
    )
    assert blazer.description == "Size L. Blue. 100% Cotton. Retail $95.0"
    assert (dress.condition, dress.category) == (ListingCondition.NEW, "women/dresses/cocktail dress")


def test_importing_the_same_file_again_adds_nothing(store: Store, mercari_file: Path) -> None:
    import_history(store, mercari_file, ImportFormat.MERCARI, "resale")

    again = import_history(store, mercari_file, ImportFormat.MERCARI, "resale")

    assert (again.imported, again.reasons["already imported"]) == (0, 3)
    assert store.sales.count_sold("resale") == 3


def test_limit_caps_the_rows_loaded(store: Store, mercari_file: Path) -> None:
    report = import_history(store, mercari_file, ImportFormat.MERCARI, "resale", limit=1)

    assert (report.imported, store.sales.count_sold("resale")) == (1, 1)


def test_a_file_of_another_layout_is_refused_before_anything_is_written(
    store: Store, thredup_file: Path
) -> None:
    with pytest.raises(ValueError, match="missing columns"):
        import_history(store, thredup_file, ImportFormat.MERCARI, "resale")

    assert store.sales.count_sold("resale") == 0


def test_synthetic_times_depend_only_on_the_listing_id_and_fall_in_the_year_before_the_anchor() -> None:
    times = [synthetic_times(f"mercari-{n}", DEFAULT_ANCHOR) for n in range(200)]

    assert times == [synthetic_times(f"mercari-{n}", DEFAULT_ANCHOR) for n in range(200)]
    for listed_at, sold_at in times:
        assert DEFAULT_ANCHOR - SPREAD < sold_at <= DEFAULT_ANCHOR
        assert timedelta(days=1) <= sold_at - listed_at <= timedelta(days=30)
    assert len({sold_at.month for _, sold_at in times}) == 12


def test_imported_sales_carry_the_synthetic_sale_time(store: Store, mercari_file: Path) -> None:
    import_history(store, mercari_file, ImportFormat.MERCARI, "resale")

    sold_at = {item.listing_id: item.sold_at for item in store.sales.sold_items("resale")}

    assert sold_at["mercari-1"] == synthetic_times("mercari-1", DEFAULT_ANCHOR)[1]


def test_with_an_embedder_every_imported_listing_gets_a_unit_vector(store: Store, thredup_file: Path) -> None:
    report = import_history(store, thredup_file, ImportFormat.THREDUP, "resale", embedder=HashingEmbedder())

    vectors = store.sales.get_embeddings("resale")
    assert report.embedded == 2 and set(vectors) == {"thredup-130654003", "thredup-130021450"}
    for raw in vectors.values():
        assert numpy.linalg.norm(numpy.frombuffer(raw, dtype=numpy.float32)) == pytest.approx(1.0, abs=1e-6)


def test_an_import_without_an_embedder_leaves_the_vectors_for_a_later_embed(
    store: Store, thredup_file: Path
) -> None:
    report = import_history(store, thredup_file, ImportFormat.THREDUP, "resale")

    embedded, missing = embed_missing(store, "resale", HashingEmbedder())
    again = embed_missing(store, "resale", HashingEmbedder())

    assert report.embedded == 0 and (embedded, missing) == (2, 2)
    assert again == (0, 0)
    assert set(store.sales.get_embeddings("resale")) == {"thredup-130654003", "thredup-130021450"}


def test_progress_hears_the_rows_read_and_the_report_how_fast(store: Store, mercari_file: Path) -> None:
    heard: list[int] = []

    report = import_history(store, mercari_file, ImportFormat.MERCARI, "resale", progress=heard.append)

    assert heard and heard[-1] == report.read == count_rows(mercari_file, ImportFormat.MERCARI)
    assert report.seconds > 0 and report.as_dict()["imported"] == report.imported
