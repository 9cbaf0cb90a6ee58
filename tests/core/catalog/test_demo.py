"""The demo catalog: deterministic, complete and realistic enough for the decision engine to work on."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from core.catalog.demo import DemoCatalog, build_demo_catalog, seed_demo_data
from core.catalog.demo_assortment import BRANDS, PRICE_POINTS
from core.catalog.quality import metadata_quality
from core.catalog.regions import find_region, regions_in_tier
from core.schemas import InventoryRecord, Product, Tenant
from core.storage.repositories import Store

UK_SIZE = re.compile(r"^UK (\d{1,2}(?:\.5)?)$")
LETTER_SIZES = {"XS", "S", "M", "L", "XL", "XXL"}
WAIST_SIZES = {str(waist) for waist in range(28, 41, 2)}
COMEDOGENIC_OR_IRRITANT = {"Cocos Nucifera Oil", "Parfum", "Alcohol Denat.", "Isopropyl Myristate"}


@pytest.fixture(scope="module")
def catalog() -> DemoCatalog:
    return build_demo_catalog()


def by_category(catalog: DemoCatalog, category: str) -> list[Product]:
    return [product for product in catalog.products if product.category == category]


def test_two_builds_with_the_same_seed_are_equal(catalog: DemoCatalog) -> None:
    assert build_demo_catalog() == catalog


def test_another_seed_gives_another_catalog(catalog: DemoCatalog) -> None:
    assert build_demo_catalog(seed=8) != catalog


def test_the_catalog_holds_three_hundred_products_across_four_categories(catalog: DemoCatalog) -> None:
    counts = Counter(product.category for product in catalog.products)

    assert counts == {"footwear": 80, "apparel": 90, "skincare": 60, "home": 70}
    assert len({product.id for product in catalog.products}) == 300


def test_every_record_is_valid_and_belongs_to_the_tenant() -> None:
    catalog = build_demo_catalog(tenant_id="shop-7")

    for product in catalog.products:
        assert Product.model_validate(product.model_dump()) == product
        assert product.tenant_id == "shop-7"
    for record in catalog.inventory:
        assert InventoryRecord.model_validate(record.model_dump()) == record
        assert record.tenant_id == "shop-7"
    assert catalog.tenant.id == "shop-7"


def test_six_to_ten_invented_brands_each_focus_on_one_category(catalog: DemoCatalog) -> None:
    categories_by_brand: dict[str, set[str]] = defaultdict(set)
    for product in catalog.products:
        categories_by_brand[product.brand].add(product.category)

    assert 6 <= len(categories_by_brand) <= 10
    assert set(categories_by_brand) == {brand.name for brand in BRANDS}
    assert all(len(categories) == 1 for categories in categories_by_brand.values())


def test_prices_are_indian_price_points_between_199_and_9999(catalog: DemoCatalog) -> None:
    prices = [product.price_inr for product in catalog.products]

    assert all(price in {Decimal(point) for point in PRICE_POINTS} for price in prices)
    assert all(str(price).endswith(("99", "49")) for price in prices)
    assert min(prices) >= 199 and max(prices) <= 9999
    assert len(set(prices)) >= 25


def test_footwear_comes_in_uk_sizes_3_to_12_with_some_half_sizes(catalog: DemoCatalog) -> None:
    sizes = [size for product in by_category(catalog, "footwear") for size in product.sizes]
    numbers = [float(match.group(1)) for size in sizes if (match := UK_SIZE.match(size))]

    assert len(numbers) == len(sizes)
    assert min(numbers) == 3 and max(numbers) == 12
    assert any(number % 1 == 0.5 for number in numbers)


def test_footwear_fit_states_how_it_runs_its_offset_and_width(catalog: DemoCatalog) -> None:
    for shoe in by_category(catalog, "footwear"):
        fit = shoe.fit
        assert set(fit) == {"runs", "size_offset", "width"}
        assert -0.5 <= fit["size_offset"] <= 0.5
        expected_runs = "small" if fit["size_offset"] < 0 else "large" if fit["size_offset"] > 0 else "true"
        assert fit["runs"] == expected_runs
        assert fit["width"] in {"standard", "wide"}


def test_each_footwear_brand_mostly_follows_its_fit_tendency(catalog: DemoCatalog) -> None:
    tendencies = {"Kadam Footworks": "small", "Sprintara": "large", "Pagdandi Trail": "true"}
    for brand, runs in tendencies.items():
        shoes = [shoe for shoe in by_category(catalog, "footwear") if shoe.brand == brand]
        following = [shoe for shoe in shoes if shoe.fit["runs"] == runs]
        assert len(following) >= 0.7 * len(shoes)
    pagdandi = [shoe for shoe in by_category(catalog, "footwear") if shoe.brand == "Pagdandi Trail"]
    assert sum(shoe.fit["width"] == "wide" for shoe in pagdandi) >= 0.7 * len(pagdandi)


def test_apparel_comes_in_letter_or_waist_sizes_with_a_fit_type(catalog: DemoCatalog) -> None:
    for garment in by_category(catalog, "apparel"):
        assert set(garment.sizes) <= LETTER_SIZES or set(garment.sizes) <= WAIST_SIZES
        assert garment.fit["fit_type"] in {"slim", "regular", "relaxed"}
    waists = {size for garment in by_category(catalog, "apparel") for size in garment.sizes} & WAIST_SIZES
    assert waists == WAIST_SIZES
    sutra = [garment for garment in by_category(catalog, "apparel") if garment.brand == "Sutra Studio"]
    assert Counter(garment.fit["fit_type"] for garment in sutra).most_common(1)[0][0] == "slim"


def test_skincare_has_one_volume_size_and_an_inci_ingredient_list(catalog: DemoCatalog) -> None:
    for item in by_category(catalog, "skincare"):
        assert len(item.sizes) == 1
        assert re.fullmatch(r"\d+(ml|g)", item.sizes[0])
        assert item.name.endswith(item.sizes[0])
        assert len(item.ingredients) >= 5


def test_some_skincare_carries_comedogenic_or_irritant_ingredients(catalog: DemoCatalog) -> None:
    flagged = [
        item for item in by_category(catalog, "skincare") if COMEDOGENIC_OR_IRRITANT & set(item.ingredients)
    ]
    clean = [
        item
        for item in by_category(catalog, "skincare")
        if not COMEDOGENIC_OR_IRRITANT & set(item.ingredients)
    ]

    assert flagged and clean
    assert any("Niacinamide" in item.ingredients for item in clean)
    assert any(item.attributes.get("spf") == 50 for item in by_category(catalog, "skincare"))


def test_the_fragrance_free_flag_agrees_with_the_ingredients(catalog: DemoCatalog) -> None:
    for item in by_category(catalog, "skincare"):
        assert item.attributes["fragrance_free"] == ("Parfum" not in item.ingredients)


def test_home_goods_are_standard_or_measured_in_centimetres(catalog: DemoCatalog) -> None:
    for good in by_category(catalog, "home"):
        assert good.sizes
        assert all(size == "standard" or re.fullmatch(r"\d+x\d+ cm", size) for size in good.sizes)
        assert good.fit == {}


def test_worn_products_carry_colour_material_gender_and_occasion(catalog: DemoCatalog) -> None:
    for product in by_category(catalog, "footwear") + by_category(catalog, "apparel"):
        assert {"colour", "material", "gender", "occasion"} <= set(product.attributes)


def test_metadata_quality_is_computed_from_completeness(catalog: DemoCatalog) -> None:
    scores = [product.metadata_quality for product in catalog.products]

    assert all(product.metadata_quality == metadata_quality(product) for product in catalog.products)
    assert len(set(scores)) > 10
    assert min(scores) >= 0.5
    assert max(scores) < 1.0


def test_every_size_of_every_product_is_stocked_somewhere(catalog: DemoCatalog) -> None:
    stocked = {(row.product_id, row.size) for row in catalog.inventory if row.available > 0}

    assert all((product.id, size) in stocked for product in catalog.products for size in product.sizes)


def test_stock_rows_only_name_sizes_the_product_has(catalog: DemoCatalog) -> None:
    sizes = {product.id: set(product.sizes) for product in catalog.products}

    assert all(row.size in sizes[row.product_id] for row in catalog.inventory)
    assert len({(row.product_id, row.size, row.region) for row in catalog.inventory}) == len(
        catalog.inventory
    )


def test_some_sizes_are_out_of_stock_somewhere(catalog: DemoCatalog) -> None:
    sold_out = [row for row in catalog.inventory if row.available == 0]

    assert sold_out
    assert {row.region for row in sold_out} & {region.slug for region in regions_in_tier(1)}


def test_metros_carry_every_product_and_hold_more_stock_than_smaller_cities(catalog: DemoCatalog) -> None:
    units_by_tier: dict[int, list[int]] = defaultdict(list)
    metro_products = set()
    for row in catalog.inventory:
        region = find_region(row.region)
        assert region is not None
        units_by_tier[region.tier].append(row.available)
        if region.tier == 1:
            metro_products.add(row.product_id)

    def mean(values: list[int]) -> float:
        return sum(values) / len(values)

    assert metro_products == {product.id for product in catalog.products}
    assert mean(units_by_tier[1]) > mean(units_by_tier[2]) > mean(units_by_tier[3])
    assert len(units_by_tier[1]) > len(units_by_tier[2]) > len(units_by_tier[3]) > 0


def test_seeding_writes_tenant_products_and_stock_once(store: Store) -> None:
    catalog = build_demo_catalog()

    assert seed_demo_data(store) is True
    tenant = store.tenants.get("demo")
    assert seed_demo_data(store) is False

    assert tenant is not None and tenant.name == catalog.tenant.name
    assert store.tenants.get("demo") == tenant
    assert store.products.count("demo") == len(catalog.products)
    sample = catalog.products[123]
    assert store.products.get("demo", sample.id) == sample
    stored = {
        (row.size, row.region): row.available for row in store.inventory.list_for_product("demo", sample.id)
    }
    expected = {
        (row.size, row.region): row.available for row in catalog.inventory if row.product_id == sample.id
    }
    assert stored == expected


def test_seeding_leaves_an_existing_tenant_alone(store: Store) -> None:
    store.tenants.put(Tenant(id="demo", name="A real shop called demo"))

    assert seed_demo_data(store) is False

    assert store.products.count("demo") == 0
