"""pakka's own demo catalog: about 300 products written for this project (no third-party data), deterministic.

The brands are invented (core/catalog/demo_assortment.py). Each has a category focus and a fit tendency
that the decision engine can learn and explain: Kadam Footworks cuts half a size small, Sprintara runs half
a size large, Pagdandi Trail builds on a wide last, Sutra Studio is slim-cut, Khadi Lane relaxed, Chowk
Basics regular; Neem & Dew is fragrance-free while Chandan Glow leans on fragrance, coconut oil and alcohol.

Conventions the sizing and ingredient logic rely on:
- footwear sizes are "UK <n>" (3-12, some half sizes) and `fit = {"runs", "size_offset", "width"}`, where
  `size_offset` is how the shoe's real size differs from its label in UK sizes: -0.5 means a labelled
  UK 8 fits like a UK 7.5 (it runs small, so size up);
- apparel sizes are XS-XXL, or waist inches "28"-"40" for jeans and chinos, and `fit = {"fit_type"}`;
- a skincare product has one size, its volume ("30ml", "50g"), and an INCI ingredient list;
- home goods are "standard" or dimensions in centimetres ("225x250 cm").
Stock follows a regional assortment: each product is carried by three of the eight metros, about half of
the products also by one tier-2 city and a quarter by one tier-3 town. Metros hold more units; some rows
are at zero.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from core.catalog.demo_assortment import (
    APPAREL_STYLES,
    FOOTWEAR_STYLES,
    FORMULAS,
    HOME_STYLES,
    PRICE_POINTS,
    DemoBrand,
    Formula,
    Gender,
    Style,
)
from core.catalog.quality import with_metadata_quality
from core.catalog.regions import Tier, regions_in_tier
from core.schemas import InventoryRecord, Product, Tenant, utcnow
from core.storage.repositories import Store

CATALOG_DATE = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
DEMO_TENANT_NAME = "pakka demo store"

FOOTWEAR_COUNT = 80
APPAREL_COUNT = 90
HOME_COUNT = 70
METROS_PER_PRODUCT = 3
TIER2_CITY_CHANCE = 0.5
TIER3_TOWN_CHANCE = 0.25
# Per tier: the chance that a carried size is sold out there, and the range of units otherwise.
STOCK_BY_TIER: dict[Tier, tuple[float, int, int]] = {1: (0.07, 8, 60), 2: (0.2, 1, 15), 3: (0.3, 1, 5)}


@dataclass(frozen=True)
class DemoCatalog:
    tenant: Tenant
    products: tuple[Product, ...]
    inventory: tuple[InventoryRecord, ...]


def build_demo_catalog(tenant_id: str = "demo", seed: int = 7) -> DemoCatalog:
    """The full demo catalog for `tenant_id`. The same `seed` always gives the same catalog."""
    rng = random.Random(seed)
    products = [
        *_styled_products(rng, tenant_id, "footwear", "fw", FOOTWEAR_STYLES, FOOTWEAR_COUNT),
        *_styled_products(rng, tenant_id, "apparel", "ap", APPAREL_STYLES, APPAREL_COUNT),
        *_skincare_products(tenant_id),
        *_styled_products(rng, tenant_id, "home", "hm", HOME_STYLES, HOME_COUNT),
    ]
    products = [with_metadata_quality(_with_rating(rng, product)) for product in products]
    inventory = [record for product in products for record in _stock(rng, product)]
    tenant = Tenant(id=tenant_id, name=DEMO_TENANT_NAME, created_at=CATALOG_DATE)
    return DemoCatalog(tenant=tenant, products=tuple(products), inventory=tuple(inventory))


def seed_demo_data(store: Store, tenant_id: str = "demo") -> bool:
    """Write the demo tenant, products and stock unless the tenant exists; True when it seeded.

    The tenant row is written last and marks a finished seed: a run cut short leaves no tenant, and the next
    run writes everything again (product and stock writes are upserts, so that is safe).
    """
    if store.tenants.get(tenant_id) is not None:
        return False
    catalog = build_demo_catalog(tenant_id)
    store.products.put_many(catalog.products)
    store.inventory.put_many(catalog.inventory)
    store.tenants.put(catalog.tenant.model_copy(update={"created_at": utcnow()}))
    return True


def _styled_products(
    rng: random.Random, tenant_id: str, category: str, id_prefix: str, styles: Sequence[Style], count: int
) -> list[Product]:
    """`count` products cycling through `styles`; brand, gender, colour, material and sizes are drawn."""
    products: list[Product] = []
    for index in range(count):
        style = styles[index % len(styles)]
        brand = rng.choice(style.brands)
        gender = rng.choice(style.genders) if style.genders else None
        colour = rng.choice(style.colours)
        material = rng.choice(style.materials)
        model_name = f" {rng.choice(brand.model_names)}" if brand.model_names else ""
        name = f"{brand.name}{model_name} {_gender_label(gender)}{style.noun} - {colour}"
        attributes: dict[str, Any] = {"colour": colour, "material": material}
        if gender is not None:
            attributes["gender"] = gender
        attributes["occasion"] = rng.choice(style.occasions)
        attributes.update({key: rng.choice(choices) for key, choices in style.extra.items()})
        description = f"{style.blurb} {colour} {material}. {brand.story}"
        if rng.random() < 0.1:
            description = style.blurb
        products.append(
            Product(
                id=f"{id_prefix}-{index + 1:03d}",
                tenant_id=tenant_id,
                name=name,
                brand=brand.name,
                category=category,
                subcategory=style.subcategory,
                description=description,
                price_inr=_price(rng, *style.price_range),
                sizes=_sizes(rng, style, gender),
                attributes=attributes,
                fit=_item_fit(rng, brand),
                created_at=CATALOG_DATE,
                updated_at=CATALOG_DATE,
            )
        )
    return products


def _skincare_products(tenant_id: str) -> list[Product]:
    """One product per formula and volume; the price grows a little slower than the volume."""
    products: list[Product] = []
    for formula in FORMULAS:
        base_volume = _volume_amount(formula.volumes[0])
        fragrance_free = not any(_is_fragrance(ingredient) for ingredient in formula.ingredients)
        for volume in formula.volumes:
            attributes: dict[str, Any] = {
                "gender": "unisex",
                "skin_types": list(formula.skin_types),
                "concerns": list(formula.concerns),
                "texture": formula.texture,
                "fragrance_free": fragrance_free,
                "volume": volume,
            }
            if formula.spf is not None:
                attributes["spf"] = formula.spf
            price = _nearest_price_point(formula.base_price * (_volume_amount(volume) / base_volume) ** 0.8)
            products.append(
                Product(
                    id=f"sk-{len(products) + 1:03d}",
                    tenant_id=tenant_id,
                    name=f"{formula.brand.name} {formula.name} {volume}",
                    brand=formula.brand.name,
                    category="skincare",
                    subcategory=formula.subcategory,
                    description=_skincare_description(formula, fragrance_free),
                    price_inr=price,
                    sizes=[volume],
                    attributes=attributes,
                    ingredients=formula.ingredients,
                    created_at=CATALOG_DATE,
                    updated_at=CATALOG_DATE,
                )
            )
    return products


def _skincare_description(formula: Formula, fragrance_free: bool) -> str:
    suits = ", ".join(formula.skin_types)
    targets = " and ".join(formula.concerns)
    scent = "Fragrance-free." if fragrance_free else "Contains fragrance."
    return f"A {formula.texture} for {suits} skin that targets {targets}. {scent} {formula.brand.story}"


def _is_fragrance(ingredient: str) -> bool:
    return ingredient.lower() in {"parfum", "fragrance"}


def _volume_amount(volume: str) -> int:
    match = re.match(r"\d+", volume)
    if match is None:
        raise ValueError(f"volume without an amount: {volume!r}")
    return int(match.group())


def _gender_label(gender: Gender | None) -> str:
    return {"men": "Men's ", "women": "Women's "}.get(gender or "", "")


def _price(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.choice([point for point in PRICE_POINTS if low <= point <= high]))


def _nearest_price_point(amount: float) -> Decimal:
    return Decimal(min(PRICE_POINTS, key=lambda point: abs(point - amount)))


def _sizes(rng: random.Random, style: Style, gender: Gender | None) -> list[str]:
    if style.size_scheme == "uk_shoe":
        return _shoe_sizes(rng, gender or "unisex", style.half_sizes)
    if style.size_scheme == "letter":
        return _letter_sizes(rng, gender or "unisex")
    if style.size_scheme == "waist":
        last = 40 if gender == "men" else 36
        return [str(waist) for waist in range(28, last + 1, 2)]
    return list(rng.choice(style.fixed_sizes))


def _shoe_sizes(rng: random.Random, gender: Gender, half_sizes: bool) -> list[str]:
    """UK sizes: men 6-11 (sometimes 12), women 3-8, unisex 4-11; half sizes in the busiest part."""
    whole, halves = {
        "men": (list(range(6, 12)), [7.5, 8.5, 9.5]),
        "women": (list(range(3, 9)), [4.5, 5.5, 6.5]),
        "unisex": (list(range(4, 12)), [6.5, 7.5, 8.5]),
    }[gender]
    sizes: list[float] = [float(size) for size in whole]
    if gender == "men" and rng.random() < 0.4:
        sizes.append(12.0)
    if half_sizes:
        sizes.extend(halves)
    return [f"UK {size:g}" for size in sorted(sizes)]


def _letter_sizes(rng: random.Random, gender: Gender) -> list[str]:
    letters = ["XS", "S", "M", "L", "XL", "XXL"]
    if gender == "men":
        return letters[0 if rng.random() < 0.3 else 1 :]
    if gender == "women":
        return letters if rng.random() < 0.5 else letters[:-1]
    return letters


def _item_fit(rng: random.Random, brand: DemoBrand) -> dict[str, Any]:
    """The brand's fit tendency; about one footwear item in six is a quarter size off it, one in ten differs
    in width, and one apparel item in eight is cut differently."""
    if "size_offset" in brand.fit:
        offset = float(brand.fit["size_offset"])
        if rng.random() < 1 / 6:
            offset = max(-0.5, min(0.5, offset + rng.choice((-0.25, 0.25))))
        width = str(brand.fit["width"])
        if rng.random() < 0.1:
            width = "standard" if width == "wide" else "wide"
        runs = "small" if offset < 0 else "large" if offset > 0 else "true"
        return {"runs": runs, "size_offset": offset, "width": width}
    if "fit_type" in brand.fit:
        fit_type = str(brand.fit["fit_type"])
        if rng.random() < 1 / 8:
            fit_type = rng.choice([other for other in ("slim", "regular", "relaxed") if other != fit_type])
        return {"fit_type": fit_type}
    return {}


def _with_rating(rng: random.Random, product: Product) -> Product:
    """Most products carry a rating between 3.2 and 4.9; about one in twelve is new and has none yet."""
    rating = None if rng.random() < 1 / 12 else round(rng.triangular(3.2, 4.9, 4.3), 1)
    return product.model_copy(update={"rating": rating})


def _stock(rng: random.Random, product: Product) -> list[InventoryRecord]:
    """Stock rows for every size in the regions that carry the product: three metros, sometimes a tier-2
    city, now and then a tier-3 town. Some rows are at zero; a size left at zero everywhere gets units in its
    first metro so that every size can be bought somewhere."""
    metros = [region.slug for region in rng.sample(regions_in_tier(1), METROS_PER_PRODUCT)]
    cities = [rng.choice(regions_in_tier(2)).slug] if rng.random() < TIER2_CITY_CHANCE else []
    towns = [rng.choice(regions_in_tier(3)).slug] if rng.random() < TIER3_TOWN_CHANCE else []
    records: list[InventoryRecord] = []
    for size in product.sizes:
        units = {region: _units(rng, 1) for region in metros}
        units.update({region: _units(rng, 2) for region in cities})
        units.update({region: _units(rng, 3) for region in towns})
        if not any(units.values()):
            units[metros[0]] = rng.randint(5, 20)
        records.extend(
            InventoryRecord(
                tenant_id=product.tenant_id,
                product_id=product.id,
                size=size,
                region=region,
                available=available,
                updated_at=CATALOG_DATE,
            )
            for region, available in units.items()
        )
    return records


def _units(rng: random.Random, tier: Tier) -> int:
    sold_out_chance, low, high = STOCK_BY_TIER[tier]
    return 0 if rng.random() < sold_out_chance else rng.randint(low, high)
