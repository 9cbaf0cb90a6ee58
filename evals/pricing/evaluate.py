"""Pricing accuracy: k-fold on Mercari and thredUP resale, the item priced never in its own history.

For each fold the comparables index and the learned factors are built from the other folds only; each held-out
item is priced as the graph prices it with the rule-based tier (comparables -> estimate -> rules analyst ->
rules and finalise), without the router round trips, which change no number. Everything pakka learns (factors,
its price model, the model's blend weight and the range widths) comes from the training folds alone.
Metrics: RMSLE on log1p price, against the category mean and the reference TF-IDF ridge (baselines.py) trained
on the same folds, and pakka without its price model (comparables and category prior only); the share of true
prices inside the suggested range (10th-90th) and inside p5-p95 against their nominal 80% and 90%; the share
of items with at least 3 comparables.

    python -m evals.pricing.evaluate [--folds 5] [--dataset mercari|thredup|all]
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy

from agents.pricing.schemas import PriceReviewContext
from agents.pricing.validator import Proposal, finalise
from agents.rules.pricing import review_price
from core.records.sales import SoldItem
from domain.pricing.comparables import ComparablesIndex, query_of, weighted
from domain.pricing.estimate import RANGE_LEVEL, PriceEstimate, estimate_price
from evals.pricing.baselines import CategoryMean, TfidfRidge, log_prices
from evals.pricing.datasets import EVAL_NOW, EVAL_TENANT, load_mercari, load_thredup, mercari_shipping

PRICED_AT = EVAL_NOW + timedelta(days=1)
SEED = 0


@dataclass(frozen=True)
class Suggestion:
    price: float
    low: float
    high: float
    p5: float
    p95: float
    comparables: int
    without_model: float  # the estimate from comparables and the category prior alone


def suggest(index: ComparablesIndex, item: SoldItem) -> Suggestion:
    search = index.find(EVAL_TENANT, query_of(item), now=PRICED_AT)
    found = weighted(search.comparables)
    history = index.history(EVAL_TENANT, item.currency)

    def estimate_with(model_log_price: float | None) -> PriceEstimate:
        return estimate_price(
            found,
            category=item.category,
            condition=item.condition.value,
            now=PRICED_AT,
            history=history,
            brand=item.brand,
            model_log_price=model_log_price,
        )

    estimate = estimate_with(search.model_log_price)
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
    return Suggestion(
        price=price,
        low=estimate.low,
        high=estimate.high,
        p5=estimate.p5,
        p95=estimate.p95,
        comparables=len(found),
        without_model=estimate_with(None).price,
    )


def rmsle(predicted_log: numpy.ndarray, true_log: numpy.ndarray) -> float:
    return float(numpy.sqrt(numpy.mean((predicted_log - true_log) ** 2)))


@dataclass(frozen=True)
class Report:
    dataset: str
    items: int
    category_mean: float
    tfidf_ridge: float
    pakka_without_model: float
    pakka: float
    coverage: float
    coverage_90: float
    with_three_comparables: float
    prior_weight: float  # the learned weight of the price model, mean over folds


def evaluate(
    name: str, items: Sequence[SoldItem], folds: int, shipping: Mapping[str, bool] | None = None
) -> Report:
    order = numpy.random.default_rng(SEED).permutation(len(items))
    assignment = numpy.empty(len(items), dtype=int)
    assignment[order] = numpy.arange(len(items)) % folds
    true_log = log_prices(items)
    predictions = {
        "category_mean": numpy.zeros(len(items)),
        "ridge": numpy.zeros(len(items)),
        "without_model": numpy.zeros(len(items)),
        "pakka": numpy.zeros(len(items)),
    }
    inside = numpy.zeros(len(items), dtype=bool)
    inside_90 = numpy.zeros(len(items), dtype=bool)
    prior_weights: list[float] = []
    enough = numpy.zeros(len(items), dtype=bool)
    for fold in range(folds):
        train = [item for item, where in zip(items, assignment, strict=True) if where != fold]
        held_out = numpy.flatnonzero(assignment == fold)
        test = [items[position] for position in held_out]
        predictions["category_mean"][held_out] = CategoryMean(train).predict(test)
        predictions["ridge"][held_out] = TfidfRidge(train, shipping).predict(test)
        index = ComparablesIndex()
        index.add(train)
        blend = index.history(EVAL_TENANT, train[0].currency).blend
        prior_weights.append(blend.prior_weight if blend is not None else math.nan)
        for position, item in zip(held_out, test, strict=True):
            suggestion = suggest(index, item)
            predictions["pakka"][position] = math.log1p(suggestion.price)
            predictions["without_model"][position] = math.log1p(suggestion.without_model)
            inside[position] = suggestion.low <= float(item.price) <= suggestion.high
            inside_90[position] = suggestion.p5 <= float(item.price) <= suggestion.p95
            enough[position] = suggestion.comparables >= 3
    return Report(
        dataset=name,
        items=len(items),
        category_mean=rmsle(predictions["category_mean"], true_log),
        tfidf_ridge=rmsle(predictions["ridge"], true_log),
        pakka_without_model=rmsle(predictions["without_model"], true_log),
        pakka=rmsle(predictions["pakka"], true_log),
        coverage=float(inside.mean()),
        coverage_90=float(inside_90.mean()),
        with_three_comparables=float(enough.mean()),
        prior_weight=float(numpy.mean(prior_weights)),
    )


def print_table(reports: Sequence[Report], folds: int) -> None:
    print(
        f"pricing eval: {folds}-fold, RMSLE on log1p price (lower is better); "
        f"range nominal {RANGE_LEVEL:.0%}, "
        "p5-p95 nominal 90%"
    )
    header = (
        f"{'dataset':<10} {'items':>6} {'category mean':>14} {'tf-idf ridge':>13} {'pakka no model':>15} "
        f"{'pakka rules':>12} {'range cov':>10} {'p5-p95 cov':>11} {'>=3 comps':>10} {'model weight':>13}"
    )
    print(header)
    print("-" * len(header))
    for report in reports:
        print(
            f"{report.dataset:<10} {report.items:>6} {report.category_mean:>14.3f} "
            f"{report.tfidf_ridge:>13.3f} "
            f"{report.pakka_without_model:>15.3f} {report.pakka:>12.3f} {report.coverage:>10.1%} "
            f"{report.coverage_90:>11.1%} {report.with_three_comparables:>10.1%} {report.prior_weight:>13.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dataset", choices=["mercari", "thredup", "all"], default="all")
    arguments = parser.parse_args()
    loaders = {"mercari": load_mercari, "thredup": load_thredup}
    shipping = {"mercari": mercari_shipping, "thredup": dict}
    names = list(loaders) if arguments.dataset == "all" else [arguments.dataset]
    print_table(
        [evaluate(name, loaders[name](), arguments.folds, shipping[name]()) for name in names],
        arguments.folds,
    )


if __name__ == "__main__":
    main()
