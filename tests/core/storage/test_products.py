"""Contract: the product repository (catalog CRUD and search), on every store backend."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import InvalidInput
from core.schemas import ProductQuery
from core.storage.repositories import Store
from tests.core.storage.factories import OTHER_TENANT, REGION, TENANT, make_inventory, make_product


def ids(store: Store, **query: object) -> list[str]:
    page = store.products.search(TENANT, ProductQuery.model_validate(query))
    return [product.id for product in page.items]


@pytest.fixture
def catalog(store: Store) -> Store:
    """Five products across categories, brands, prices and sizes, with stock in some regions."""
    store.products.put_many(
        [
            make_product(
                "shoe-trail", name="Trail Running Shoe", brand="Stride", price_inr=Decimal("2499.00")
            ),
            make_product(
                "shoe-road",
                name="Road Running Shoe",
                brand="STRIDE",
                subcategory="road",
                description="Cushioned foam for long city runs.",
                price_inr=Decimal("3299.00"),
                sizes=["9", "10", "11"],
            ),
            make_product(
                "sandal",
                name="Leather Sandal",
                brand="Kolhapuri Co",
                subcategory="sandals",
                description="Handmade leather with a braided strap.",
                price_inr=Decimal("1299.00"),
                sizes=["7", "8"],
            ),
            make_product(
                "kurta",
                name="Cotton Kurta",
                brand="Fabindia",
                category="apparel",
                subcategory="ethnic",
                description="Breathable handloom cotton for summer.",
                price_inr=Decimal("1799.00"),
                sizes=["S", "M", "L"],
            ),
            make_product(
                "serum",
                name="Vitamin C Serum",
                brand="Minimalist",
                category="beauty",
                subcategory="skincare",
                description="Brightening serum with ascorbic acid.",
                price_inr=Decimal("599.00"),
                sizes=[],
            ),
        ]
    )
    store.inventory.put_many(
        [
            make_inventory("shoe-trail", size="9", region=REGION, available=4),
            make_inventory("shoe-trail", size="10", region="delhi", available=2),
            make_inventory("shoe-road", size="10", region=REGION, available=0, reserved=3),
            make_inventory("sandal", size="7", region=REGION, available=1),
            make_inventory("kurta", size="M", region="delhi", available=6),
        ]
    )
    return store


def test_put_then_get_returns_the_same_product(store: Store) -> None:
    product = make_product(attributes={"colour": "blue", "widths": ["regular", "wide"]}, images=["a.jpg"])

    assert store.products.put(product) == product
    assert store.products.get(TENANT, product.id) == product


def test_get_of_an_unknown_product_returns_none(store: Store) -> None:
    assert store.products.get(TENANT, "nope") is None


def test_put_replaces_a_product_with_the_same_id(store: Store) -> None:
    store.products.put(make_product(name="Old Name", price_inr=Decimal("100.00")))
    replacement = make_product(name="New Name", price_inr=Decimal("150.50"), sizes=["11"])

    store.products.put(replacement)

    assert store.products.get(TENANT, "p-1") == replacement
    assert store.products.count(TENANT) == 1


def test_put_many_writes_every_product_and_returns_the_count(store: Store) -> None:
    products = [make_product(f"p-{index}", name=f"Shoe {index}") for index in range(30)]

    assert store.products.put_many(products) == 30
    assert store.products.count(TENANT) == 30
    assert store.products.get(TENANT, "p-17") == products[17]


def test_put_many_of_nothing_writes_nothing(store: Store) -> None:
    assert store.products.put_many([]) == 0
    assert store.products.count(TENANT) == 0


def test_put_many_rejects_products_of_different_tenants_and_writes_none(store: Store) -> None:
    mixed = [make_product("p-1"), make_product("p-2", tenant_id=OTHER_TENANT)]

    with pytest.raises(InvalidInput):
        store.products.put_many(mixed)

    assert store.products.count(TENANT) == 0
    assert store.products.count(OTHER_TENANT) == 0


def test_get_many_returns_found_products_by_id_and_leaves_out_unknown_ids(catalog: Store) -> None:
    found = catalog.products.get_many(TENANT, ["kurta", "missing", "serum", "kurta"])

    assert set(found) == {"kurta", "serum"}
    assert found["kurta"].name == "Cotton Kurta"


def test_get_many_of_no_ids_returns_an_empty_dict(catalog: Store) -> None:
    assert catalog.products.get_many(TENANT, []) == {}


def test_delete_removes_the_product_from_get_count_and_search(catalog: Store) -> None:
    assert catalog.products.delete(TENANT, "sandal") is True

    assert catalog.products.get(TENANT, "sandal") is None
    assert catalog.products.count(TENANT) == 4
    assert ids(catalog, text="leather") == []
    assert ids(catalog, size="7") == []
    assert catalog.products.delete(TENANT, "sandal") is False


def test_search_without_text_orders_by_name_then_id(store: Store) -> None:
    store.products.put_many(
        [
            make_product("b", name="Beta"),
            make_product("z", name="Alpha"),
            make_product("a", name="Alpha"),
            make_product("c", name="Gamma"),
        ]
    )

    page = store.products.search(TENANT, ProductQuery())

    assert [product.id for product in page.items] == ["a", "z", "b", "c"]
    assert (page.total, page.page, page.page_size) == (4, 1, 20)


def test_search_text_needs_every_word_as_a_prefix_of_some_field_word(catalog: Store) -> None:
    assert set(ids(catalog, text="run")) == {"shoe-trail", "shoe-road"}
    assert ids(catalog, text="run trail") == ["shoe-trail"]
    assert ids(catalog, text="Stride grippy") == ["shoe-trail"]
    assert ids(catalog, text="running kurta") == []
    assert ids(catalog, text="runx") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kolhapuri", {"sandal"}),
        ("apparel", {"kurta"}),
        ("skincare", {"serum"}),
        ("ascorbic", {"serum"}),
        ("footwear", {"shoe-trail", "shoe-road", "sandal"}),
    ],
)
def test_search_text_matches_brand_category_subcategory_and_description(
    catalog: Store, text: str, expected: set[str]
) -> None:
    assert set(ids(catalog, text=text)) == expected


def test_search_text_is_case_insensitive(catalog: Store) -> None:
    assert ids(catalog, text="LEATHER SAN") == ["sandal"]


def test_search_ranks_a_name_match_above_a_description_only_match(store: Store) -> None:
    store.products.put_many(
        [
            make_product("described", name="Walking Shoe", description="Made of leather."),
            make_product("named", name="Leather Shoe", description="Made of canvas."),
        ]
    )

    assert ids(store, text="leather") == ["named", "described"]


def test_search_breaks_relevance_ties_by_name_then_id(store: Store) -> None:
    store.products.put_many(
        [
            make_product("g-2", name="Gamma Runner"),
            make_product("b-1", name="Bravo Runner"),
            make_product("g-1", name="Gamma Runner"),
            make_product("a-1", name="Alpha Runner"),
        ]
    )

    assert ids(store, text="runner") == ["a-1", "b-1", "g-1", "g-2"]


def test_search_text_follows_replacements_of_a_product(catalog: Store) -> None:
    catalog.products.put(make_product("sandal", name="Canvas Slipper", description="Soft canvas."))

    assert ids(catalog, text="leather") == []
    assert ids(catalog, text="slipper") == ["sandal"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('trail* "shoe', ["shoe-trail"]),
        ("-trail ^shoe", ["shoe-trail"]),
        ("name:trail shoe", []),
        ("trail:shoe", ["shoe-trail"]),
        ("trail OR kurta", []),
        ("NEAR(trail shoe)", []),
        ("trail' OR 1=1; DROP TABLE products; --", []),
    ],
)
def test_search_text_treats_query_syntax_as_plain_words(
    catalog: Store, text: str, expected: list[str]
) -> None:
    assert ids(catalog, text=text) == expected
    assert catalog.products.count(TENANT) == 5


def test_search_text_ignores_punctuation_around_words(catalog: Store) -> None:
    assert ids(catalog, text="trail!! ...shoe??") == ["shoe-trail"]


def test_search_text_without_any_word_searches_like_no_text(catalog: Store) -> None:
    assert ids(catalog, text="?! -- *") == ids(catalog)


def test_search_filters_by_exact_category(catalog: Store) -> None:
    assert ids(catalog, category="footwear") == ["sandal", "shoe-road", "shoe-trail"]
    assert ids(catalog, category="foot") == []


def test_search_filters_by_brand_ignoring_case(catalog: Store) -> None:
    assert ids(catalog, brand="stride") == ["shoe-road", "shoe-trail"]
    assert ids(catalog, brand="KOLHAPURI CO") == ["sandal"]
    assert ids(catalog, brand="Strid") == []


def test_search_max_price_is_inclusive(catalog: Store) -> None:
    assert ids(catalog, max_price_inr="1299.00") == ["sandal", "serum"]
    assert ids(catalog, max_price_inr="1298.99") == ["serum"]


def test_search_min_price_is_inclusive(catalog: Store) -> None:
    everything = ids(catalog)
    assert ids(catalog, min_price_inr="1299.00") == [name for name in everything if name != "serum"]
    assert ids(catalog, min_price_inr="1299.01") == [
        name for name in everything if name not in ("serum", "sandal")
    ]
    assert ids(catalog, min_price_inr="1299.00", max_price_inr="1299.00") == ["sandal"]


def test_search_size_must_be_one_of_the_product_sizes(catalog: Store) -> None:
    assert ids(catalog, size="10") == ["shoe-road", "shoe-trail"]
    assert ids(catalog, size="M") == ["kurta"]
    assert ids(catalog, size="12") == []


def test_search_in_stock_region_needs_available_stock_of_the_product_there(catalog: Store) -> None:
    assert ids(catalog, in_stock_region=REGION) == ["sandal", "shoe-trail"]
    assert ids(catalog, in_stock_region="delhi") == ["kurta", "shoe-trail"]
    assert ids(catalog, in_stock_region="pune") == []


def test_search_in_stock_region_with_a_size_needs_stock_of_that_size(catalog: Store) -> None:
    assert ids(catalog, in_stock_region=REGION, size="9") == ["shoe-trail"]
    assert ids(catalog, in_stock_region=REGION, size="10") == []
    assert ids(catalog, in_stock_region="delhi", size="10") == ["shoe-trail"]


def test_search_combines_text_and_every_filter(catalog: Store) -> None:
    query = {
        "text": "running",
        "category": "footwear",
        "brand": "stride",
        "max_price_inr": "2500",
        "size": "9",
        "in_stock_region": REGION,
    }

    assert ids(catalog, **query) == ["shoe-trail"]


def test_search_pages_partition_the_results_and_total_counts_every_match(store: Store) -> None:
    store.products.put_many(
        [make_product(f"p-{index:02d}", name=f"Kurta {index:02d}") for index in range(25)]
    )
    store.products.put(make_product("other", name="Sandal"))

    pages = [
        store.products.search(TENANT, ProductQuery(text="kurta", page=page, page_size=10))
        for page in (1, 2, 3)
    ]

    assert [page.total for page in pages] == [25, 25, 25]
    assert [len(page.items) for page in pages] == [10, 10, 5]
    seen = [product.id for page in pages for product in page.items]
    assert seen == [f"p-{index:02d}" for index in range(25)]


def test_search_past_the_last_page_returns_no_items_but_the_total(catalog: Store) -> None:
    page = catalog.products.search(TENANT, ProductQuery(page=3, page_size=2))
    beyond = catalog.products.search(TENANT, ProductQuery(page=4, page_size=2))

    assert [product.id for product in page.items] == ["serum"]
    assert (beyond.items, beyond.total, beyond.page) == ([], 5, 4)
