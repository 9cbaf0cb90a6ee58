"""The resale datasets the pricing eval reads, as sold items of one tenant.

Neither file has sale dates, so each row gets a deterministic date spread over the year before `EVAL_NOW`
(row order carries no meaning in either file); seasonal factors therefore learn nothing here, which is honest.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from core.records.sales import ListingCondition, SoldItem
from domain.pricing.importers import MERCARI_CONDITIONS
from evals.shared_data import SHARED_DATA

MERCARI_FILE = SHARED_DATA / "mercari_price" / "train_dev.tsv"
THREDUP_FILE = SHARED_DATA / "thredup_resale" / "thredup_dev.csv"
EVAL_TENANT = "eval"
EVAL_NOW = datetime(2026, 6, 30, tzinfo=UTC)


def _sold_at(row: int) -> datetime:
    return EVAL_NOW - timedelta(days=(row * 37) % 365, hours=row % 24)


def load_mercari(path: Path = MERCARI_FILE) -> list[SoldItem]:
    """Mercari rows with a positive price; condition ids map 1 new .. 5 poor; prices stay in USD."""
    items: list[SoldItem] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row, record in enumerate(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)):
            price = Decimal(record["price"] or "0")
            if price <= 0 or not record["name"].strip():
                continue
            description = record["item_description"]
            items.append(
                SoldItem(
                    tenant_id=EVAL_TENANT,
                    listing_id=f"m{record['train_id']}",
                    title=record["name"].strip()[:500],
                    description="" if description == "No description yet" else description[:20_000],
                    category=(record["category_name"] or "other").lower(),
                    brand=record["brand_name"] or None,
                    condition=MERCARI_CONDITIONS[record["item_condition_id"]],
                    price=price,
                    currency="USD",
                    sold_at=_sold_at(row),
                )
            )
    return items


def mercari_shipping(path: Path = MERCARI_FILE) -> dict[str, bool]:
    """Whether the seller paid shipping, by listing id: the reference ridge reads it, a pakka listing has no
    such field."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            f"m{record['train_id']}": record["shipping"] == "1"
            for record in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        }


def load_thredup(path: Path = THREDUP_FILE) -> list[SoldItem]:
    """thredUP resale listings: department/category as the category path, new-with-tags as the condition."""
    items: list[SoldItem] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row, record in enumerate(csv.DictReader(handle)):
            price = Decimal(record["price"] or "0")
            if price <= 0 or not record["title"].strip():
                continue
            department = (record["department"] or "other").lower()
            items.append(
                SoldItem(
                    tenant_id=EVAL_TENANT,
                    listing_id=f"t{record['id']}",
                    title=f"{record['title']} {record['size_label']}".strip()[:500],
                    description=f"{record['colors']} {record['materials']}".strip(),
                    category=f"{department}/{(record['category_tags'] or 'other').split('|')[0].lower()}",
                    brand=record["brand"] or None,
                    condition=ListingCondition.NEW
                    if record["new_with_tags"] == "True"
                    else ListingCondition.GOOD,
                    price=price,
                    currency="USD",
                    sold_at=_sold_at(row),
                )
            )
    return items
