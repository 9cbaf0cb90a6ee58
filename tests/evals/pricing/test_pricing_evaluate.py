"""The pricing eval end to end on a small made-up shop: folds, baselines, pakka, coverage."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy

from core.records.sales import ListingCondition, SoldItem
from evals.pricing.datasets import EVAL_NOW, EVAL_TENANT, mercari_shipping
from evals.pricing.evaluate import evaluate

KINDS = {"silk saree": 90.0, "cotton kurta": 20.0, "leather jacket": 150.0, "canvas sneakers": 35.0}


def shop(count: int) -> list[SoldItem]:
    rng = numpy.random.default_rng(11)
    kinds = list(KINDS)
    return [
        SoldItem(
            tenant_id=EVAL_TENANT,
            listing_id=f"i{number}",
            title=f"{kinds[number % len(kinds)]} style{number % 7}",
            category="women/clothing",
            condition=ListingCondition.GOOD if number % 3 else ListingCondition.NEW,
            price=Decimal(f"{KINDS[kinds[number % len(kinds)]] * float(rng.lognormal(0, 0.25)):.2f}"),
            currency="USD",
            sold_at=EVAL_NOW - timedelta(days=number % 300),
        )
        for number in range(count)
    ]


def test_the_eval_reports_every_model_on_the_same_folds_and_pakka_beats_the_category_mean() -> None:
    report = evaluate("shop", shop(120), folds=3)

    assert report.items == 120
    assert 0 < report.pakka < report.category_mean
    assert 0 < report.tfidf_ridge < report.category_mean
    assert report.pakka_without_model > 0
    assert 0.5 <= report.coverage <= 1.0 and report.coverage <= report.coverage_90
    assert 1.0 < report.width < report.width_90  # high/low of the 80% range, then of the 90% one
    assert report.with_three_comparables > 0.5
    assert report.top_weight_share > 0.5  # comparables carry real weight in the price
    assert report.prior_weight > 0 and report.similarity_power > 0 and report.half_life_days > 0


def test_an_item_is_never_priced_from_its_own_sale() -> None:
    rng = numpy.random.default_rng(5)
    unique = [
        SoldItem(
            tenant_id=EVAL_TENANT,
            listing_id=f"u{number}",
            title=f"lot{number} zq{number}x",
            category="misc",
            condition=ListingCondition.GOOD,
            price=Decimal(f"{float(rng.lognormal(3, 1.0)):.2f}"),
            currency="USD",
            sold_at=EVAL_NOW,
        )
        for number in range(80)
    ]

    report = evaluate("unique", unique, folds=4)

    assert report.with_three_comparables == 0.0
    assert report.pakka > 0.5  # its own price would have been found exactly


def test_mercari_shipping_reads_who_paid_by_listing_id(tmp_path: Path) -> None:
    data = tmp_path / "train.tsv"
    data.write_text(
        "train_id\tname\titem_condition_id\tcategory_name\tbrand_name\tprice\tshipping\titem_description\n"
        "0\tTee\t3\tMen/Tops\t\t10.0\t1\tNo description yet\n"
        "1\tMug\t1\tHome\t\t8.0\t0\tcute\n",
        encoding="utf-8",
    )

    assert mercari_shipping(data) == {"m0": True, "m1": False}
