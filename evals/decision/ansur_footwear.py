"""Footwear coverage on ANSUR II feet: how many shoppers get 3-5 confident picks from the demo catalog, and
why the rest do not.

Data: ../shared/data/ansur2 (ANSUR II 2012, U.S. Army Natick, Gordon et al. 2014; public domain), read in
place. Every soldier is a shopper: their measured foot length and ball breadth (footlength,
footbreadthhorizontal) are what a scan would report, plus scan noise of `--sigma` mm drawn with a fixed seed,
and the scan's stated uncertainty is that same sigma. Each shopper asks for footwear for their gender (the
request's `gender` preference: men's or women's shoes, and unisex ones). The products, their sizes and stock
are the demo catalog's (core/catalog/demo.py); nothing learned from feedback (every offset at its prior).
The pipeline is the service's: domain.decision.footwear.score_shoe, then domain.decision.filtering.select.

Nothing in the decision engine is fitted to ANSUR: the toe allowance and width fittings are curated
(knowledge/data/footwear, with sources). Even so the soldiers are split by a hash of their id into a
development half (to look at while building) and a held-out half (reported, not looked at while building),
as the shoppers the engine is judged on are other people.

A shopper's size is "stocked" when some product for their gender lists an in-stock size (in the scenario's
region) that fits them on length with probability >= 0.5. For a shopper who gets no picks the reason is the
first of these rules whose relaxation would give them 3 or more: stock in their region, their budget, the
width fitting (width ignored), and otherwise the length (no size of enough products fits with 75%
confidence).

Run: `python -m evals.decision.ansur_footwear [--sigma 1.3] [--data DIR] [--split holdout|dev|all]`
(about a minute of CPU per 1,000 shoppers and scenario).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np

from core.catalog.demo import build_demo_catalog
from core.catalog.regions import regions_in_tier
from core.schemas import InventoryRecord, Product
from domain.decision.calibration import IsotonicCalibration, PlattCalibration, load_calibration
from domain.decision.confidence import raw_confidence
from domain.decision.feedback import SizeAdjustment
from domain.decision.filtering import FilterRules, ScoredCandidate, select
from domain.decision.footwear import FootMeasurements, FootwearFits, score_shoe
from domain.decision.preferences import ShopperPreferences
from domain.decision.size_model import FOOTWEAR_LINK, Belief
from evals.shared_data import SHARED_DATA

DEFAULT_DATA = SHARED_DATA / "ansur2"
FILES = {"men": "ANSUR_II_MALE_Public.csv", "women": "ANSUR_II_FEMALE_Public.csv"}
DEFAULT_SIGMA_MM = 1.3
"""The issue's well-measured foot (a rendered photo's scan)."""
SEED = 13
STOCKED_PROBABILITY = 0.5
REASONS = ("no size in stock", "out of stock in region", "budget", "width", "length")


@dataclass(frozen=True)
class Shopper:
    subject: str
    gender: str
    length_mm: float
    width_mm: float


@dataclass(frozen=True)
class Scenario:
    name: str
    region: Callable[[int], str | None]
    budget_inr: Callable[[int], Decimal | None]


def load_shoppers(data_dir: Path) -> list[Shopper]:
    shoppers: list[Shopper] = []
    for gender, name in FILES.items():
        with (data_dir / name).open(encoding="latin-1", newline="") as handle:
            shoppers.extend(
                Shopper(
                    subject=row["SubjectId"] or row.get("subjectid", ""),
                    gender=gender,
                    length_mm=float(row["footlength"]),
                    width_mm=float(row["footbreadthhorizontal"]),
                )
                for row in csv.DictReader(handle)
            )
    return shoppers


def held_out(subject: str) -> bool:
    """Half the soldiers, by a hash of their id: the ones reported."""
    return int(hashlib.sha256(subject.encode()).hexdigest(), 16) % 2 == 0


def prior_adjustment() -> SizeAdjustment:
    """Nothing learned yet: item and brand offsets at their priors."""
    item = Belief(0.0, FOOTWEAR_LINK.item_prior_var)
    brand = Belief(0.0, FOOTWEAR_LINK.brand_prior_var)
    return SizeAdjustment(
        mean=0.0, variance=item.variance + brand.variance, item=item, brand=brand, observations=0
    )


class Stock:
    """Available units of the demo catalog by (product, size), per region and anywhere."""

    def __init__(self, inventory: Sequence[InventoryRecord]) -> None:
        self._rows: dict[tuple[str, str], dict[str, int]] = {}
        for row in inventory:
            self._rows.setdefault((row.product_id, row.size), {})[row.region] = row.available

    def available(self, product_id: str, size: str | None, region: str | None) -> bool:
        regions = self._rows.get((product_id, size or ""), {})
        if region is None:
            return any(units > 0 for units in regions.values())
        return regions.get(region, 0) > 0


def for_gender(products: Sequence[Product], gender: str) -> list[Product]:
    """What a shopper asking for men's or women's shoes is offered: those, and unisex ones (the decision
    graph's own filter)."""
    preferences = ShopperPreferences.of({"gender": gender}, None)
    return [item for item in products if preferences.admits(item)]


def picks(
    shopper: Shopper,
    products: Sequence[Product],
    stock: Stock,
    region: str | None,
    budget: Decimal | None,
    sigma_mm: float,
    noise: tuple[float, float],
) -> tuple[int, str | None]:
    """(number of picks, why none) for one shopper."""
    foot = FootMeasurements(
        length_mm=shopper.length_mm + noise[0],
        width_mm=shopper.width_mm + noise[1],
        length_sigma_mm=sigma_mm,
    )
    fits = FootwearFits(foot)
    calibration = load_calibration(category="footwear")
    adjustment = prior_adjustment()
    offered = for_gender(products, shopper.gender)
    scored: list[ScoredCandidate] = []
    for product in offered:
        candidate = score_shoe(
            product,
            foot,
            adjustment,
            lambda size, product_id=product.id: stock.available(product_id, size, region),
            calibration,
            fits=fits,
        )
        if candidate is not None:
            scored.append(candidate)
    chosen = len(select(scored, FilterRules(budget_inr=budget)).chosen)
    if chosen:
        return chosen, None
    return 0, _why_none(scored, stock, region, budget, calibration)


def _why_none(
    scored: list[ScoredCandidate],
    stock: Stock,
    region: str | None,
    budget: Decimal | None,
    calibration: PlattCalibration | IsotonicCalibration,
) -> str:
    fitting = [item for item in scored if item.factors.fit >= STOCKED_PROBABILITY]
    if not any(stock.available(item.product_id, item.size, None) for item in fitting):
        return "no size in stock"
    if region is not None and not any(item.in_stock for item in fitting):
        return "out of stock in region"
    everywhere = [item.model_copy(update={"in_stock": True}) for item in scored]
    if region is not None and select(everywhere, FilterRules(budget_inr=budget)).chosen:
        return "out of stock in region"
    if budget is not None and select(scored, FilterRules()).chosen:
        return "budget"
    any_width = [
        item.model_copy(
            update={
                "confidence": calibration.apply(
                    raw_confidence(item.factors.model_copy(update={"attribute_similarity": 1.0}))
                )
            }
        )
        for item in scored
    ]
    if select(any_width, FilterRules(budget_inr=budget)).chosen:
        return "width"
    return "length"


def run(
    shoppers: Sequence[Shopper],
    scenario: Scenario,
    sigma_mm: float,
    products: Sequence[Product],
    stock: Stock,
) -> dict[str, dict[str, object]]:
    rng = np.random.default_rng(SEED)
    noise = rng.normal(0.0, sigma_mm, size=(len(shoppers), 2))
    report: dict[str, dict[str, object]] = {}
    for gender in ("men", "women"):
        counts: Counter[int] = Counter()
        reasons: Counter[str] = Counter()
        for index, shopper in enumerate(shoppers):
            if shopper.gender != gender:
                continue
            chosen, reason = picks(
                shopper,
                products,
                stock,
                scenario.region(index),
                scenario.budget_inr(index),
                sigma_mm,
                (float(noise[index, 0]), float(noise[index, 1])),
            )
            counts[chosen] += 1
            if reason is not None:
                reasons[reason] += 1
        total = sum(counts.values())
        unstocked = reasons["no size in stock"]
        confident = sum(count for picked, count in counts.items() if 3 <= picked <= 5)
        report[gender] = {
            "shoppers": total,
            "size stocked": total - unstocked,
            "3-5 picks": confident,
            "share of stocked": confident / max(total - unstocked, 1),
            "share of all": confident / max(total, 1),
            "picks": dict(sorted(counts.items())),
            "why none": {reason: reasons[reason] for reason in REASONS if reasons[reason]},
        }
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sigma", type=float, default=DEFAULT_SIGMA_MM, help="scan uncertainty, mm")
    parser.add_argument("--split", choices=("holdout", "dev", "all"), default="holdout")
    parser.add_argument("--limit", type=int, default=None, help="at most this many shoppers (a quick look)")
    args = parser.parse_args(argv)
    if not all((args.data / name).is_file() for name in FILES.values()):
        print(f"skipped: ANSUR II files not found in {args.data} (see ../shared/data/README.md)")
        return 0
    shoppers = [
        shopper
        for shopper in load_shoppers(args.data)
        if args.split == "all" or held_out(shopper.subject) == (args.split == "holdout")
    ][: args.limit]
    catalog = build_demo_catalog()
    products = [item for item in catalog.products if item.category == "footwear"]
    stock = Stock(catalog.inventory)
    metros = [region.slug for region in regions_in_tier(1)]
    budgets = [Decimal(1500), Decimal(2500), Decimal(4000), None]
    scenarios = [
        Scenario("any region, no budget", lambda index: None, lambda index: None),
        Scenario(
            "one metro each (rotating), budgets 1500/2500/4000/none (rotating)",
            lambda index: metros[index % len(metros)],
            lambda index: budgets[index % len(budgets)],
        ),
    ]
    print(
        f"ANSUR II {args.split} split: {len(shoppers)} shoppers, scan sigma {args.sigma} mm, "
        f"{len(products)} demo footwear products"
    )
    for scenario in scenarios:
        print(f"\n{scenario.name}")
        for gender, row in run(shoppers, scenario, args.sigma, products, stock).items():
            print(
                f"  {gender:<6} shoppers {row['shoppers']:>5}  size stocked {row['size stocked']:>5}  "
                f"3-5 picks {row['3-5 picks']:>5}  = {row['share of stocked']:.1%} of stocked "
                f"({row['share of all']:.1%} of all)"
            )
            print(f"         picks: {row['picks']}  why none: {row['why none']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
