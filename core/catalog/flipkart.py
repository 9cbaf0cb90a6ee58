"""Imports the Flipkart product sample (a 2015-16 PromptCloud crawl, 20,000 rows) into a tenant's catalog.

Columns are described in the data set's README.txt: uniq_id, product_name, pid, retail_price,
discounted_price, product_rating, overall_rating, brand, product_category_tree (a JSON list holding one
"A >> B >> C" path), image (a JSON list of URLs), description, product_specifications (a Ruby hash dump,
`{"product_specification"=>[{"key"=>"Fabric", "value"=>"Cotton"}, ...]}`), product_url, top_category.

Rows stream through the csv module and are written in batches; a row that cannot become a valid product is
skipped and counted under a reason. Nothing is invented by the parser: sizes, brand and attributes are only
filled in when the row states them. The defaults that make products orderable (one size, stock) are applied
only when asked (`defaults`, as `pakka catalog import` does), and marked as assumed.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel, ValidationError

from core.catalog.defaults import DefaultsApplied, ImportDefaults, add_default_stock, with_default_size
from core.catalog.quality import with_metadata_quality
from core.errors import InvalidInput
from core.schemas import SIZE_PATTERN, Product, Tenant
from core.storage.repositories import Store

BATCH_SIZE = 250
MAX_FIELD_CHARS = 16 * 1024 * 1024
REQUIRED_COLUMNS = frozenset({"uniq_id", "product_name", "pid", "retail_price", "discounted_price", "brand"})

TOP_CATEGORIES = {
    "Footwear": "footwear",
    "Clothing": "apparel",
    "Home Furnishing": "home",
    "Kitchen & Dining": "home",
    "Home Decor & Festive Needs": "home",
    "Home & Kitchen": "home",
}
BEAUTY_TOP = "Beauty and Personal Care"
SKIN_CARE_BRANCH = "Body and Skin Care"
UNCATEGORISED = "uncategorised"
SUBCATEGORY_DEPTH = 2

SPEC_RENAMES = {"color": "colour", "fabric": "material", "outer_material": "material", "ideal_for": "gender"}
SIZE_SPEC_KEYS = ("size", "primary_product_size", "shoe_size", "ring_size", "belt_size", "bangle_size")
MAX_SPEC_SIZE_CHARS = 16

_RUBY_STRING = r'"((?:[^"\\]|\\.)*)"'
_SPEC_ENTRY = re.compile(r'\{(?:"key"=>' + _RUBY_STRING + r", )?" + r'"value"=>' + _RUBY_STRING + r"\}")
_UK_SHOE_SIZE = re.compile(r"^(?:UK\s*(\d{1,2}(?:\.5)?)|(\d{1,2}(?:\.5)?)\s*UK)$", re.IGNORECASE)
_TRAILING_VOLUME = re.compile(r"(\d{1,4}(?:\.\d+)?)\s*(ml|g|gm)$", re.IGNORECASE)
_NO_RATING = "no rating available"
_GENDER_WORDS = {
    "men": "men", "man": "men", "women": "women", "woman": "women", "ladies": "women",
    "boy": "boys", "boys": "boys", "baby boy": "boys",
    "girl": "girls", "girls": "girls", "baby girl": "girls",
    "kids": "kids", "baby": "kids", "unisex": "unisex",
}  # fmt: skip


class ImportReport(BaseModel):
    """What an import did: rows read, products written, rows skipped and why (reason -> count)."""

    read: int
    imported: int
    skipped: int
    reasons: dict[str, int]
    sizes_assumed: int = 0
    """Products whose row named no size and got core.catalog.defaults.ONE_SIZE."""
    stock_rows_added: int = 0
    """Default stock rows written (sizes x regions that had none)."""


class SkipReason(StrEnum):
    MISSING_ID = "missing_id"
    MISSING_NAME = "missing_name"
    MISSING_PRICE = "missing_price"
    INVALID_PRICE = "invalid_price"
    DUPLICATE_ID = "duplicate_id"
    INVALID_RECORD = "invalid_record"


class RowSkippedError(Exception):
    def __init__(self, reason: SkipReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


def import_flipkart(
    store: Store,
    path: Path | str,
    tenant_id: str,
    *,
    limit: int | None = None,
    defaults: ImportDefaults | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the CSV at `path` into `tenant_id` (created when missing), reading at most `limit` rows.

    Re-importing is safe: products are upserted under stable ids ("fk-<pid>"). Within one file a repeated id
    keeps its first row and counts the others as duplicates. With `defaults` (core/catalog/defaults.py),
    products without a stated size get one, and sizes without stock get the default stock. `progress` is
    told how many more rows were read, after each batch.
    """
    if limit is not None and limit < 0:
        raise InvalidInput("limit must not be negative", {"limit": limit})
    reasons: Counter[str] = Counter()
    seen_ids: set[str] = set()
    batch: list[Product] = []
    read = imported = reported = 0
    applied = DefaultsApplied()

    def write(products: list[Product]) -> int:
        nonlocal reported
        written = store.products.put_many(products)
        if defaults is not None:
            add_default_stock(store, products, defaults, applied)
        if progress is not None:
            progress(read - reported)
            reported = read
        return written

    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        rows = _catalog_reader(handle, path)
        _ensure_tenant(store, tenant_id)
        for row in itertools.islice(rows, limit):
            read += 1
            try:
                product = product_from_row(row, tenant_id)
                if product.id in seen_ids:
                    raise RowSkippedError(SkipReason.DUPLICATE_ID)
            except RowSkippedError as skipped:
                reasons[skipped.reason.value] += 1
                continue
            seen_ids.add(product.id)
            if defaults is not None and not product.sizes:
                product = with_default_size(product)
                applied.sizes_assumed += 1
            batch.append(product)
            if len(batch) >= BATCH_SIZE:
                imported += write(batch)
                batch = []
    if batch:
        imported += write(batch)
    if progress is not None and read > reported:
        progress(read - reported)
    return ImportReport(
        read=read,
        imported=imported,
        skipped=reasons.total(),
        reasons=dict(sorted(reasons.items())),
        sizes_assumed=applied.sizes_assumed,
        stock_rows_added=applied.stock_rows,
    )


def count_rows(path: Path | str) -> int:
    """How many data rows the CSV holds (cells may span lines), for a progress bar's total."""
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        if csv.field_size_limit() < MAX_FIELD_CHARS:
            csv.field_size_limit(MAX_FIELD_CHARS)
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)


def product_from_row(row: Mapping[str, str | None], tenant_id: str) -> Product:
    """One CSV row as a Product; raises RowSkippedError when the row cannot make a valid one."""
    name = _text(row, "product_name")
    if not name:
        raise RowSkippedError(SkipReason.MISSING_NAME)
    source_id = _text(row, "pid") or _text(row, "uniq_id")
    if not source_id:
        raise RowSkippedError(SkipReason.MISSING_ID)
    price, mrp = _prices(row)
    specs = parse_specifications(_text(row, "product_specifications"))
    spec_brand = str(specs.pop("brand", "")).strip()
    brand = _text(row, "brand") or spec_brand
    category, subcategory, category_path = categorise(_text(row, "product_category_tree"), brand, name)
    attributes: dict[str, Any] = {**specs, "source": "flipkart"}
    if category_path:
        attributes["category_path"] = category_path
    if mrp is not None and mrp > price:
        attributes["mrp_inr"] = float(mrp)
        attributes["discount_percent"] = int((mrp - price) * 100 / mrp)
    if url := _text(row, "product_url"):
        attributes["product_url"] = url
    if _text(row, "is_FK_Advantage_product").lower() == "true":
        attributes["fk_advantage"] = True
    try:
        product = Product(
            id=f"fk-{source_id}",
            tenant_id=tenant_id,
            name=name[:500],
            brand=brand[:120],
            category=category,
            subcategory=subcategory[:120],
            description=_text(row, "description")[:20_000],
            price_inr=price,
            sizes=_sizes(category, name, attributes),
            attributes=attributes,
            images=_images(_text(row, "image")),
            rating=parse_rating(_text(row, "product_rating") or _text(row, "overall_rating")),
        )
    except ValidationError as error:
        raise RowSkippedError(SkipReason.INVALID_RECORD) from error
    return with_metadata_quality(product)


def parse_rating(raw: str) -> float | None:
    """A 0-5 star rating; None for "No rating available", blanks and anything out of range or unreadable."""
    if not raw or raw.lower() == _NO_RATING:
        return None
    try:
        rating = float(raw)
    except ValueError:
        return None
    return rating if math.isfinite(rating) and 0 <= rating <= 5 else None


def parse_specifications(raw: str) -> dict[str, Any]:
    """The Ruby-hash specification list as attributes: snake_case keys (the first value of a repeated key
    wins), colour/material/gender under the catalog's own names, unlabelled values collected in `details`."""
    attributes: dict[str, Any] = {}
    details: list[str] = []
    for match in _SPEC_ENTRY.finditer(raw):
        raw_key, raw_value = match.group(1), match.group(2)
        value = _unescape(raw_value).strip()
        if not value:
            continue
        key = _snake_case(_unescape(raw_key)) if raw_key is not None else ""
        if not key:
            details.append(value)
            continue
        key = SPEC_RENAMES.get(key, key)
        attributes.setdefault(key, normalise_gender(value) if key == "gender" else value)
    if details:
        attributes["details"] = details
    return attributes


def normalise_gender(ideal_for: str) -> str:
    """Flipkart's "Ideal For" ("Women's", "Men's, Women's", "Baby Boy's") as one of men, women, boys,
    girls, kids or unisex; an unrecognised value is kept as it is."""
    groups = set()
    for part in ideal_for.lower().replace("\u2019", "'").split(","):
        word = part.strip().removesuffix("'s").removesuffix("s'")
        if not word:
            continue
        if word not in _GENDER_WORDS:
            return ideal_for.strip()
        groups.add(_GENDER_WORDS[word])
    if len(groups) == 1:
        return groups.pop()
    if groups == {"boys", "girls"}:
        return "kids"
    return "unisex" if groups else ideal_for.strip()


def categorise(tree: str, brand: str, name: str) -> tuple[str, str, list[str]]:
    """(category, subcategory, category path) from the category tree.

    The top level picks the category (the catalog's own names where pakka has them, else a slug of the top
    level). The subcategory is up to two levels below it, leaving out brand-specific levels ("AW Bellies")
    and truncated ones. A tree that is only the product name (a crawl artefact) is uncategorised.
    """
    levels = [level.strip() for level in _tree_path(tree).split(">>") if level.strip()]
    if len(levels) < 2:
        return UNCATEGORISED, "", []
    top = levels[0]
    if top == BEAUTY_TOP and levels[1] == SKIN_CARE_BRANCH:
        category = "skincare"
    else:
        category = TOP_CATEGORIES.get(top) or slugify(top) or UNCATEGORISED
    generic = [level for level in levels[1:] if not _is_specific_level(level, brand, name)]
    path = [level for level in levels if not level.endswith("...")]
    return category, " > ".join(generic[:SUBCATEGORY_DEPTH]), path


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " and ")).strip("-")[:64]


def _catalog_reader(handle: TextIO, path: Path | str) -> csv.DictReader[str]:
    """A streaming reader over the CSV, its header checked. Description and specification cells run long,
    so the csv module's field limit (a process-wide setting) is raised to MAX_FIELD_CHARS when lower."""
    if csv.field_size_limit() < MAX_FIELD_CHARS:
        csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.DictReader(handle)
    missing = REQUIRED_COLUMNS - set(reader.fieldnames or ())
    if missing:
        raise InvalidInput(
            "not a Flipkart catalog CSV", {"path": str(path), "missing_columns": sorted(missing)}
        )
    return reader


def _ensure_tenant(store: Store, tenant_id: str) -> None:
    if store.tenants.get(tenant_id) is not None:
        return
    try:
        tenant = Tenant(id=tenant_id, name=tenant_id)
    except ValidationError as error:
        raise InvalidInput("invalid tenant id", {"tenant_id": tenant_id}) from error
    store.tenants.put(tenant)


def _text(row: Mapping[str, str | None], column: str) -> str:
    return (row.get(column) or "").strip()


def _prices(row: Mapping[str, str | None]) -> tuple[Decimal, Decimal | None]:
    """(selling price, MRP): the discounted price, falling back to the retail price when it is blank."""
    discounted, retail = _text(row, "discounted_price"), _text(row, "retail_price")
    if not discounted and not retail:
        raise RowSkippedError(SkipReason.MISSING_PRICE)
    price = _rupees(discounted or retail)
    if price is None:
        raise RowSkippedError(SkipReason.INVALID_PRICE)
    return price, _rupees(retail) if retail else None


def _rupees(raw: str) -> Decimal | None:
    try:
        amount = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0:
        return None
    return amount.quantize(Decimal("0.01"))


def _tree_path(tree: str) -> str:
    """The first path of the JSON-encoded tree; the raw text when it is not a JSON list of strings."""
    try:
        paths = json.loads(tree)
    except ValueError:
        return tree
    if isinstance(paths, list) and paths and isinstance(paths[0], str):
        return paths[0]
    return paths if isinstance(paths, str) else ""


def _is_specific_level(level: str, brand: str, name: str) -> bool:
    lowered = level.lower()
    brand_specific = bool(brand) and lowered.startswith(brand.lower())
    return level.endswith("...") or lowered == name.lower() or brand_specific


def _images(raw: str) -> list[str]:
    try:
        urls = json.loads(raw) if raw else []
    except ValueError:
        return []
    if not isinstance(urls, list):
        return []
    return [
        url.strip()
        for url in urls
        if isinstance(url, str) and url.strip().startswith(("http://", "https://"))
    ]


def _sizes(category: str, name: str, attributes: Mapping[str, Any]) -> list[str]:
    """Sizes the row states: a size specification (UK shoe sizes as "UK 7"), or for skincare the volume
    at the end of the name ("... 100 ml" -> "100ml"). Empty when the row says nothing about size."""
    for key in SIZE_SPEC_KEYS:
        value = str(attributes.get(key, "")).strip()
        if value and len(value) <= MAX_SPEC_SIZE_CHARS and re.match(SIZE_PATTERN, value):
            shoe = _UK_SHOE_SIZE.match(value)
            return [f"UK {shoe.group(1) or shoe.group(2)}"] if shoe else [value]
    if category == "skincare" and (volume := _TRAILING_VOLUME.search(name)):
        unit = "g" if volume.group(2).lower() in {"g", "gm"} else "ml"
        return [f"{volume.group(1)}{unit}"]
    return []


def _snake_case(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")[:64]


def _unescape(text: str) -> str:
    return re.sub(r'\\(["\\])', r"\1", text)
