"""Pricing accuracy: k-fold on Mercari and thredUP resale, the item priced never in its own history.

For each fold the comparables index and the learned factors are built from the other folds only; each held-out
item is priced as the graph prices it with the rule-based tier (comparables -> estimate -> rules analyst ->
rules and finalise), without the router round trips, which change no number. Metrics: RMSLE on log1p price,
against the category mean and a TF-IDF ridge trained on the same folds; the share of true prices inside the
suggested range against its nominal level; the share of items with at least 3 comparables.

    python -m evals.pricing.evaluate [--folds 5] [--dataset mercari|thredup|all]
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy

from agents.pricing.schemas import PriceReviewContext
from agents.pricing.validator import Proposal, finalise
from agents.rules.pricing import review_price
from core.pricing.comparables import ComparablesIndex, ListingQuery
from core.pricing.estimate import RANGE_LEVEL, PricedSale, WeightedComparable, estimate_price
from core.pricing.schemas import SoldItem
from evals.pricing.baselines import CategoryMean, TfidfRidge, log_prices
from evals.pricing.datasets import EVAL_NOW, EVAL_TENANT, load_mercari, load_thredup

PRICED_AT = EVAL_NOW + timedelta(days=1)
SEED = 0


@dataclass(frozen=True)
class Suggestion:
    price: float
    low: float
    high: float
    comparables: int


def suggest(index: ComparablesIndex, item: SoldItem) -> Suggestion:
    query = ListingQuery(
        title=item.title,
        category=item.category,
        brand=item.brand,
        description=item.description,
        currency=item.currency,
    )
    search = index.find(EVAL_TENANT, query, now=PRICED_AT)
    found = [
        WeightedComparable(
            PricedSale(float(c.item.price), c.item.sold_at, c.item.category, c.item.condition.value),
            c.similarity,
        )
        for c in search.comparables
    ]
    estimate = estimate_price(
        found,
        category=item.category,
        condition=item.condition.value,
        now=PRICED_AT,
        history=index.history(EVAL_TENANT, item.currency),
        brand=item.brand,
    )
    review = review_price(
        PriceReviewContext(
            title=item.title,
            category=item.category,
            condition=item.condition.value,
            currency=item.currency,
            price=estimate.price,
            p5=estimate.p5,
            p95=estimate.p95,
            confidence=estimate.confidence,
            comparables=len(found),
        )
    )
    proposal = Proposal(
        price=estimate.price * review.factor,
        currency=item.currency,
        estimate=estimate.price,
        p5=estimate.p5,
        p95=estimate.p95,
        confidence=estimate.confidence,
        comparables=len(found),
        comparable_currencies=frozenset({item.currency}),
    )
    price, _, _ = finalise(proposal)
    return Suggestion(price=price, low=estimate.low, high=estimate.high, comparables=len(found))


def rmsle(predicted_log: numpy.ndarray, true_log: numpy.ndarray) -> float:
    return float(numpy.sqrt(numpy.mean((predicted_log - true_log) ** 2)))


@dataclass(frozen=True)
class Report:
    dataset: str
    items: int
    category_mean: float
    tfidf_ridge: float
    pakka: float
    coverage: float
    with_three_comparables: float


def evaluate(name: str, items: Sequence[SoldItem], folds: int) -> Report:
    order = numpy.random.default_rng(SEED).permutation(len(items))
    assignment = numpy.empty(len(items), dtype=int)
    assignment[order] = numpy.arange(len(items)) % folds
    true_log = log_prices(items)
    predictions = {
        "category_mean": numpy.zeros(len(items)),
        "ridge": numpy.zeros(len(items)),
        "pakka": numpy.zeros(len(items)),
    }
    inside = numpy.zeros(len(items), dtype=bool)
    enough = numpy.zeros(len(items), dtype=bool)
    for fold in range(folds):
        train = [item for item, where in zip(items, assignment, strict=True) if where != fold]
        held_out = numpy.flatnonzero(assignment == fold)
        test = [items[position] for position in held_out]
        predictions["category_mean"][held_out] = CategoryMean(train).predict(test)
        predictions["ridge"][held_out] = TfidfRidge(train).predict(test)
        index = ComparablesIndex()
        index.add(train)
        for position, item in zip(held_out, test, strict=True):
            suggestion = suggest(index, item)
            predictions["pakka"][position] = math.log1p(suggestion.price)
            inside[position] = suggestion.low <= float(item.price) <= suggestion.high
            enough[position] = suggestion.comparables >= 3
    return Report(
        dataset=name,
        items=len(items),
        category_mean=rmsle(predictions["category_mean"], true_log),
        tfidf_ridge=rmsle(predictions["ridge"], true_log),
        pakka=rmsle(predictions["pakka"], true_log),
        coverage=float(inside.mean()),
        with_three_comparables=float(enough.mean()),
    )


def print_table(reports: Sequence[Report], folds: int) -> None:
    print(
        f"pricing eval: {folds}-fold, RMSLE on log1p price (lower is better); "
        f"range nominal level {RANGE_LEVEL:.0%}"
    )
    header = (
        f"{'dataset':<10} {'items':>6} {'category mean':>14} {'tf-idf ridge':>13} {'pakka rules':>12} "
        f"{'coverage':>9} {'>=3 comps':>10}"
    )
    print(header)
    print("-" * len(header))
    for report in reports:
        print(
            f"{report.dataset:<10} {report.items:>6} {report.category_mean:>14.3f} "
            f"{report.tfidf_ridge:>13.3f} "
            f"{report.pakka:>12.3f} {report.coverage:>9.1%} {report.with_three_comparables:>10.1%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dataset", choices=["mercari", "thredup", "all"], default="all")
    arguments = parser.parse_args()
    loaders = {"mercari": load_mercari, "thredup": load_thredup}
    names = list(loaders) if arguments.dataset == "all" else [arguments.dataset]
    print_table([evaluate(name, loaders[name](), arguments.folds) for name in names], arguments.folds)


if __name__ == "__main__":
    main()
