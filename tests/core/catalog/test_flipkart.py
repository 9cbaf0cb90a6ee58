"""The Flipkart catalog import: a small CSV with tricky rows written here, and the real 20k-row sample."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.catalog.flipkart import (
    ImportReport,
    categorise,
    import_flipkart,
    normalise_gender,
    parse_rating,
    parse_specifications,
)
from core.errors import InvalidInput
from core.schemas import ProductQuery
from core.settings import Settings
from core.storage.factory import open_store
from core.storage.repositories import Store
from evals.shared_data import shared_data_dir

COLUMNS = [
    "uniq_id", "product_name", "pid", "retail_price", "discounted_price", "is_FK_Advantage_product",
    "product_rating",
    "overall_rating", "brand", "product_category_tree", "image", "description", "product_specifications",
    "product_url", "top_category",
]  # fmt: skip
SAMPLE_FILE = Path("flipkart_catalog") / "flipkart_products_20k.csv"


def tree(path: str) -> str:
    return json.dumps([path])


def specs(*entries: tuple[str | None, str]) -> str:
    """A product_specifications cell in the crawl's Ruby-hash notation."""
    items = [
        f'{{"key"=>"{key}", "value"=>"{value}"}}' if key is not None else f'{{"value"=>"{value}"}}'
        for key, value in entries
    ]
    return '{"product_specification"=>[' + ", ".join(items) + "]}"


# One entry not wrapped in a list, with escaped quotes; and a cell cut off mid-entry (the crawl truncates).
SINGLE_ENTRY_SPECS = '{"product_specification"=>{"key"=>"Fabric", "value"=>"Twill \\"stretch\\""}}'
TRUNCATED_SPECS = '{"product_specification"=>[{"key"=>"Pattern", "value"=>"Solid"}, {"key"=>"Fab'


def row(**cells: str) -> dict[str, str]:
    values = dict.fromkeys(COLUMNS, "")
    values.update(
        uniq_id=f"u-{cells.get('pid', 'x')}",
        retail_price="999.0",
        discounted_price="499.0",
        is_FK_Advantage_product="False",
        product_rating="No rating available",
        overall_rating="No rating available",
        brand="Alisha",
        product_category_tree=tree("Clothing >> Women's Clothing >> Western Wear >> Shorts >> Alisha Shorts"),
    )
    values.update(cells)
    return values


TRICKY_ROWS = [
    row(pid="GOOD1", product_name="Alisha Solid Women's Cycling Shorts", product_rating="4.5",
        image=json.dumps(["http://img5a.flixcart.com/a.jpeg", "http://img5a.flixcart.com/b.jpeg"]),
        description="Key Features of Alisha Solid Women's Cycling Shorts Cotton Lycra Navy",
        product_specifications=specs(("Fabric", "Cotton Lycra"), ("Ideal For", "Women's"), ("Color", "Navy"),
                                     (None, "Gentle Machine Wash")),
        product_url="http://www.flipkart.com/alisha-shorts/p/itm1?pid=GOOD1"),
    row(pid="RETAIL", product_name="Alisha Printed Shorts", discounted_price=""),
    row(pid="NOPRICE", product_name="Alisha Plain Shorts", discounted_price="", retail_price=""),
    row(pid="BADPRICE", product_name="Alisha Lace Shorts", discounted_price="call us"),
    row(pid="SPECBRAND", product_name="Sparx Men's Running Shoes", brand="",
        product_category_tree=tree("Footwear >> Men's Footwear >> Sports Shoes >> Sparx Sports Shoes"),
        product_specifications=specs(("Brand", "Sparx"), ("Shoe Size", "8 UK"), ("Outer Material", "Mesh"))),
    row(pid="NOBRAND", product_name="Printed Cushion Cover", brand="",
        product_category_tree=tree("Home Furnishing >> Cushions, Pillows & Covers >> Cushion Covers")),
    row(pid="BADRATING", product_name="Alisha Denim Shorts", product_rating="five stars",
        overall_rating="five stars"),
    row(pid="HIGHRATING", product_name="Alisha Denim Skirt", product_rating="7"),
    row(pid="ODDSPECS", product_name="Alisha Cargo Shorts", product_specifications=SINGLE_ENTRY_SPECS),
    row(pid="TRUNCSPECS", product_name="Alisha Bermuda Shorts", product_specifications=TRUNCATED_SPECS),
    row(pid="GOOD1", product_name="Alisha Solid Women's Cycling Shorts (repeat)"),
    row(pid="", uniq_id="c0ffee00c0ffee00", product_name="Lakme Sun Expert Sunscreen 100 ml",
        brand="Lakme", product_category_tree=tree(
            "Beauty and Personal Care >> Body and Skin Care >> Face Care >> Sunscreen >> Lakme Sunscreen")),
    row(pid="NONAME", product_name=""),
    row(pid="ORPHAN", product_name="Eternal Gandhi Paper Weight",
        product_category_tree=tree("Eternal Gandhi Super Series Crystal Paper Weight...")),
    row(pid="MOBILE", product_name="DailyObjects Tablet Case", brand="DailyObjects",
        product_category_tree=tree("Mobiles & Accessories >> Tablet Accessories >> Cases & Covers >> "
                                   "DailyObjects Cases & Covers")),
]  # fmt: skip


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def tricky_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "flipkart.csv", TRICKY_ROWS)


def test_the_tricky_file_gives_an_exact_report(store: Store, tricky_csv: Path) -> None:
    report = import_flipkart(store, tricky_csv, "fk")

    assert report == ImportReport(
        read=15,
        imported=11,
        skipped=4,
        reasons={"duplicate_id": 1, "invalid_price": 1, "missing_name": 1, "missing_price": 1},
    )
    assert store.products.count("fk") == 11


def test_a_complete_row_becomes_a_fully_mapped_product(store: Store, tricky_csv: Path) -> None:
    import_flipkart(store, tricky_csv, "fk")

    shorts = store.products.get("fk", "fk-GOOD1")
    assert shorts is not None
    assert shorts.name == "Alisha Solid Women's Cycling Shorts"
    assert (shorts.brand, shorts.category, shorts.subcategory) == (
        "Alisha",
        "apparel",
        "Women's Clothing > Western Wear",
    )
    assert shorts.price_inr == Decimal("499.00")
    assert shorts.rating == 4.5
    assert shorts.images == ["http://img5a.flixcart.com/a.jpeg", "http://img5a.flixcart.com/b.jpeg"]
    assert shorts.description.startswith("Key Features")
    assert shorts.sizes == []
    assert shorts.attributes["material"] == "Cotton Lycra"
    assert shorts.attributes["gender"] == "women"
    assert shorts.attributes["colour"] == "Navy"
    assert shorts.attributes["details"] == ["Gentle Machine Wash"]
    assert shorts.attributes["mrp_inr"] == 999.0
    assert shorts.attributes["discount_percent"] == 50
    assert shorts.attributes["category_path"][:2] == ["Clothing", "Women's Clothing"]
    assert 0 < shorts.metadata_quality < 1


def test_a_blank_discounted_price_falls_back_to_the_retail_price(store: Store, tricky_csv: Path) -> None:
    import_flipkart(store, tricky_csv, "fk")

    printed = store.products.get("fk", "fk-RETAIL")
    assert printed is not None and printed.price_inr == Decimal("999.00")
    assert "mrp_inr" not in printed.attributes


def test_brand_and_shoe_size_come_from_the_specifications_when_the_columns_lack_them(
    store: Store, tricky_csv: Path
) -> None:
    import_flipkart(store, tricky_csv, "fk")

    shoes = store.products.get("fk", "fk-SPECBRAND")
    cushion = store.products.get("fk", "fk-NOBRAND")
    assert shoes is not None and cushion is not None
    assert (shoes.brand, shoes.category, shoes.sizes) == ("Sparx", "footwear", ["UK 8"])
    assert "brand" not in shoes.attributes
    assert shoes.attributes["material"] == "Mesh"
    assert (cushion.brand, cushion.category) == ("", "home")
    assert cushion.metadata_quality < shoes.metadata_quality


def test_unreadable_or_impossible_ratings_are_dropped_but_the_product_is_kept(
    store: Store, tricky_csv: Path
) -> None:
    import_flipkart(store, tricky_csv, "fk")

    for product_id in ("fk-BADRATING", "fk-HIGHRATING", "fk-RETAIL"):
        product = store.products.get("fk", product_id)
        assert product is not None and product.rating is None


def test_odd_specifications_keep_what_can_be_read(store: Store, tricky_csv: Path) -> None:
    import_flipkart(store, tricky_csv, "fk")

    cargo = store.products.get("fk", "fk-ODDSPECS")
    bermuda = store.products.get("fk", "fk-TRUNCSPECS")
    assert cargo is not None and bermuda is not None
    assert cargo.attributes["material"] == 'Twill "stretch"'
    assert bermuda.attributes["pattern"] == "Solid"
    assert "fab" not in bermuda.attributes


def test_a_missing_pid_falls_back_to_uniq_id_and_skincare_keeps_its_volume(
    store: Store, tricky_csv: Path
) -> None:
    import_flipkart(store, tricky_csv, "fk")

    sunscreen = store.products.get("fk", "fk-c0ffee00c0ffee00")
    assert sunscreen is not None
    assert (sunscreen.category, sunscreen.subcategory, sunscreen.sizes) == (
        "skincare",
        "Body and Skin Care > Face Care",
        ["100ml"],
    )


def test_a_repeated_id_keeps_its_first_row(store: Store, tricky_csv: Path) -> None:
    import_flipkart(store, tricky_csv, "fk")

    shorts = store.products.get("fk", "fk-GOOD1")
    assert shorts is not None and shorts.name == "Alisha Solid Women's Cycling Shorts"


def test_other_top_categories_become_slugs_and_name_only_trees_are_uncategorised(
    store: Store, tricky_csv: Path
) -> None:
    import_flipkart(store, tricky_csv, "fk")

    case = store.products.get("fk", "fk-MOBILE")
    weight = store.products.get("fk", "fk-ORPHAN")
    assert case is not None and weight is not None
    assert (case.category, case.subcategory) == (
        "mobiles-and-accessories",
        "Tablet Accessories > Cases & Covers",
    )
    assert (weight.category, weight.subcategory) == ("uncategorised", "")


def test_limit_stops_after_that_many_rows(store: Store, tricky_csv: Path) -> None:
    report = import_flipkart(store, tricky_csv, "fk", limit=4)

    assert report == ImportReport(
        read=4, imported=2, skipped=2, reasons={"invalid_price": 1, "missing_price": 1}
    )


def test_importing_again_updates_in_place_and_creates_the_tenant_only_once(
    store: Store, tricky_csv: Path
) -> None:
    assert store.tenants.get("fk") is None

    first = import_flipkart(store, tricky_csv, "fk")
    tenant = store.tenants.get("fk")
    second = import_flipkart(store, tricky_csv, "fk")

    assert first == second
    assert tenant is not None and store.tenants.get("fk") == tenant
    assert store.products.count("fk") == first.imported


def test_imported_products_are_searchable(store: Store, tricky_csv: Path) -> None:
    import_flipkart(store, tricky_csv, "fk")

    page = store.products.search("fk", ProductQuery(text="cycling shorts", category="apparel"))

    assert [product.id for product in page.items] == ["fk-GOOD1"]


def test_a_file_without_the_flipkart_columns_is_rejected(store: Store, tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("name,price\nShoe,499\n", encoding="utf-8")

    with pytest.raises(InvalidInput) as raised:
        import_flipkart(store, other, "fk")

    assert "pid" in raised.value.details["missing_columns"]
    assert store.tenants.get("fk") is None


def test_a_negative_limit_is_rejected(store: Store, tricky_csv: Path) -> None:
    with pytest.raises(InvalidInput):
        import_flipkart(store, tricky_csv, "fk", limit=-1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("4.5", 4.5), ("5", 5.0), ("0", 0.0), ("No rating available", None), ("", None), ("5.1", None),
     ("-1", None), ("nan", None), ("four", None)],
)  # fmt: skip
def test_parse_rating(raw: str, expected: float | None) -> None:
    assert parse_rating(raw) == expected


def test_parse_specifications_renames_keys_and_keeps_the_first_of_a_repeated_key() -> None:
    parsed = parse_specifications(
        specs(("Ideal For", "Men's, Women's"), ("Sole Material", "Rubber"), ("Color", "Red"), ("Color",
                                                                                               "Blue"),
              ("Warranty", ""), (None, "Wipe clean"), (None, "Box"))
    )  # fmt: skip

    assert parsed == {
        "gender": "unisex",
        "sole_material": "Rubber",
        "colour": "Red",
        "details": ["Wipe clean", "Box"],
    }


def test_parse_specifications_of_garbage_is_empty() -> None:
    assert parse_specifications("not a hash at all") == {}


@pytest.mark.parametrize(
    ("ideal_for", "expected"),
    [("Women's", "women"), ("Men's", "men"), ("Men's, Women's", "unisex"), ("Boys, Girls", "kids"),
     ("Baby Boy's", "boys"), ("Girls", "girls"), ("Unisex", "unisex"), ("Couple", "Couple")],
)  # fmt: skip
def test_normalise_gender(ideal_for: str, expected: str) -> None:
    assert normalise_gender(ideal_for) == expected


def test_categorise_drops_brand_specific_levels_from_the_subcategory() -> None:
    category, subcategory, path = categorise(
        tree("Footwear >> Women's Footwear >> Ballerinas >> AW Bellies"), "AW", "AW Bellies"
    )

    assert (category, subcategory) == ("footwear", "Women's Footwear > Ballerinas")
    assert path == ["Footwear", "Women's Footwear", "Ballerinas", "AW Bellies"]


@pytest.mark.parametrize(
    ("top", "expected"),
    [("Kitchen & Dining >> Cookware", "home"), ("Home Decor & Festive Needs >> Showpieces", "home"),
     ("Beauty and Personal Care >> Fragrances", "beauty-and-personal-care"), ("Clothing >> Kids' Clothing",
                                                                              "apparel"),
     ("Jewellery >> Rings", "jewellery")],
)  # fmt: skip
def test_categorise_maps_the_top_level(top: str, expected: str) -> None:
    assert categorise(tree(top), "", "")[0] == expected


@pytest.fixture
def flipkart_sample() -> Path:
    path = shared_data_dir() / SAMPLE_FILE
    if not path.is_file():
        pytest.skip(f"the Flipkart sample is not at {path} (set PAKKA_SHARED_DATA to the shared data folder)")
    return path


@pytest.fixture
def sqlite_store(sqlite_settings: Settings) -> Iterator[Store]:
    opened = open_store(sqlite_settings)
    try:
        yield opened
    finally:
        opened.close()


def test_the_full_flipkart_sample_imports_on_sqlite(sqlite_store: Store, flipkart_sample: Path) -> None:
    report = import_flipkart(sqlite_store, flipkart_sample, "flipkart")

    assert report == ImportReport(
        read=20_000, imported=19_920, skipped=80, reasons={"duplicate_id": 2, "missing_price": 78}
    )
    assert sqlite_store.products.count("flipkart") == 19_920
    counts = {
        category: sqlite_store.products.search("flipkart", ProductQuery(category=category, page_size=1)).total
        for category in ("apparel", "footwear", "home", "skincare", "jewellery", "uncategorised")
    }
    assert counts == {
        "apparel": 6170, "footwear": 1225, "home": 2296, "skincare": 73, "jewellery": 3522,
        "uncategorised": 325,
    }  # fmt: skip
    assert_alisha_shorts(sqlite_store)
    sofa = sqlite_store.products.get("flipkart", "fk-SBEEH3QGU7MFYJFY")
    assert sofa is not None
    assert (sofa.name, sofa.category, sofa.price_inr) == (
        "FabHomeDecor Fabric Double Sofa Bed", "furniture", Decimal("22646.00")
    )  # fmt: skip


def test_the_first_rows_of_the_flipkart_sample_import_on_each_backend(
    store: Store, flipkart_sample: Path
) -> None:
    report = import_flipkart(store, flipkart_sample, "flipkart", limit=300)

    assert (report.read, report.imported + report.skipped) == (300, 300)
    assert store.products.count("flipkart") == report.imported
    assert_alisha_shorts(store)


def assert_alisha_shorts(store: Store) -> None:
    """The sample's first row (uniq_id c2d766ca982eca8304150849735ffef9), as the README quotes it."""
    shorts = store.products.get("flipkart", "fk-SRTEH2FF9KEDEFGF")
    assert shorts is not None
    expected: dict[str, Any] = {
        "name": "Alisha Solid Women's Cycling Shorts",
        "brand": "Alisha",
        "category": "apparel",
        "price_inr": Decimal("379.00"),
        "rating": None,
    }
    assert {field: getattr(shorts, field) for field in expected} == expected
    assert shorts.attributes["mrp_inr"] == 999.0
    assert shorts.attributes["material"] == "Cotton Lycra"
    assert len(shorts.images) == 4
