"""Pricing accuracy: k-fold on Mercari and thredUP resale, the item priced never in its own history.

For each fold the comparables index and everything pakka learns (history factors, its price model, the
comparable weighting, the prior weight and the conformal ranges) come from the other folds alone; each
held-out item is priced as the graph prices it with the rule-based tier (comparables -> estimate -> rules
analyst -> rules and finalise), without the router round trips, which change no number, at the pricing moment
the graph uses: the newest sale of the training history (the request has no as_of).

Printed per dataset: RMSLE on log1p price for the category mean, the reference TF-IDF ridge (baselines.py,
trained on the same folds), pakka without its price model and pakka; coverage and width of the 80% range
(10th-90th) and the 90% range (p5-p95), width as the median high/low ratio; the worst top-level category's
80% coverage gap (categories with at least MIN_CATEGORY_ITEMS held-out items); the share of suggestions whose
top comparable carries more than 5% of the price; and what was learned (similarity power, half-life, prior
weight, mean over folds). The numbers before issue 14 (fixed weights, recency from the wall clock) were
measured with the code of commit 3603f63 and are printed beside them as recorded, not re-run.

When the local MiniLM is installed, each dataset is also priced as a shop with stored embeddings is (row
"+emb"): the index gets an embedder, so comparables are found by embedding cosine and the price model reads
the vectors too (domain/pricing/embedding_members.py). Two texts are embedded (evals/pricing/vectors.py:
the title alone, or the listing text the event service embeds; cached outside the repository), and each fold
picks one by the price model's out-of-fold error on that fold's training sales alone: the held-out fold never
chooses. `--no-embeddings` skips this.

    python -m evals.pricing.evaluate [--folds 5] [--dataset mercari|thredup|all] [--no-embeddings]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy

from agents.pricing.schemas import PriceReviewContext
from agents.pricing.validator import Proposal, finalise
from agents.rules.pricing import review_price
from core.records.sales import SoldItem
from domain.pricing.comparables import ComparablesIndex, query_of, weighted
from domain.pricing.estimate import RANGE_LEVEL, HistoryFactors, PriceEstimate, estimate_price
from domain.pricing.price_model import ModelListing, fit_price_model
from evals.pricing.baselines import CategoryMean, TfidfRidge, log_prices
from evals.pricing.datasets import EVAL_NOW, EVAL_TENANT, load_mercari, load_thredup, mercari_shipping
from evals.pricing.vectors import VARIANTS, LookupEmbedder, embed_items, local_embedder

PRICED_AT = EVAL_NOW

SEED = 0
MIN_CATEGORY_ITEMS = 50
TOP_WEIGHT = 0.05
BOOTSTRAP_DRAWS = 1000

BEFORE = {
    # dataset: (RMSLE, 80% coverage, 80% width, 90% coverage, 90% width, share top weight > 0.05), measured at
    # commit 3603f63 with the history dated as `pakka pricing import` dates it and priced at the wall clock,
    # as a merchant met it (5 folds, seed 0)
    "mercari": (0.618, 0.803, 4.83, 0.899, 8.59, 0.000),
    "thredup": (0.343, 0.800, 1.86, 0.909, 2.47, 0.000),
}


@dataclass(frozen=True)
class Suggestion:
    price: float
    low: float
    high: float
    p5: float
    p95: float
    comparables: int
    top_weight: float  # the largest share of the price one comparable carries
    without_model: float  # the estimate from comparables and the category prior alone


def suggest(index: ComparablesIndex, item: SoldItem) -> Suggestion:
    search = index.find(EVAL_TENANT, query_of(item))
    assert search.as_of is not None
    found = weighted(search.comparables)
    history = index.history(EVAL_TENANT, item.currency)

    def estimate_with(model_log_price: float | None, factors: HistoryFactors) -> PriceEstimate:
        return estimate_price(
            found,
            category=item.category,
            condition=item.condition.value,
            now=search.as_of or PRICED_AT,
            history=factors,
            brand=item.brand,
            model_log_price=model_log_price,
            currency=item.currency,
        )

    estimate = estimate_with(search.model_log_price, history)
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
        top_weight=max(estimate.weights, default=0.0),
        without_model=estimate_with(None, history.with_calibration(None)).price,
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
    width: float  # median high / low of the 80% range
    coverage_90: float
    width_90: float
    worst_category_gap: float  # the largest |80% coverage - 80%| over top-level categories
    top_weight_share: float  # share of suggestions whose top comparable carries > TOP_WEIGHT of the price
    with_three_comparables: float
    prior_weight: float  # the learned weight of the price model, mean over folds
    similarity_power: float
    half_life_days: float
    rmsle_interval: tuple[float, float] = (math.nan, math.nan)  # 95% bootstrap interval of pakka's RMSLE
    # top-level categories with MIN_CATEGORY_ITEMS held-out items: (items, 80% coverage, median 80% width)
    categories: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    fit_seconds: float = (
        math.nan
    )  # learning one fold's history (price model and calibration), mean over folds
    variants: tuple[str, ...] = ()  # per fold, the embedded text its training sales chose; () without
    embed_seconds: float = 0.0  # running MiniLM over the dataset's texts (0 when all were cached)


@dataclass(frozen=True)
class Predictions:
    """Per held-out item, in the order of the items: what each model predicted and how pakka's ranges did."""

    true_log: numpy.ndarray
    models: dict[str, numpy.ndarray]  # log1p price by "category_mean", "ridge", "without_model", "pakka"
    inside: numpy.ndarray  # inside the 80% range
    inside_90: numpy.ndarray
    width: numpy.ndarray  # high / low of the 80% range
    width_90: numpy.ndarray
    top_weight: numpy.ndarray
    enough: numpy.ndarray  # at least three comparables
    learned: list[tuple[float, float, float]]  # per fold: prior weight, similarity power, half-life
    fit_seconds: list[float] = field(default_factory=list)  # per fold: learning its history
    variants: list[str] = field(default_factory=list)  # per fold: the embedded text chosen


def model_listings(items: Sequence[SoldItem], vectors: numpy.ndarray | None = None) -> list[ModelListing]:
    return [
        ModelListing.of_sale(item, vectors[row] if vectors is not None else None)
        for row, item in enumerate(items)
    ]


def choose_variant(train: Sequence[SoldItem], vectors: Mapping[str, numpy.ndarray]) -> str:
    """The embedded text whose price model has the least out-of-fold error on `train` (a fold's training
    sales; `vectors` are theirs, by variant), the earlier variant on a tie."""
    targets = log_prices(train)
    errors: dict[str, float] = {}
    for variant, matrix in vectors.items():
        fitted = fit_price_model(model_listings(train, matrix), targets)
        errors[variant] = rmsle(fitted.out_of_fold, targets) if fitted is not None else math.inf
    return min(errors, key=lambda variant: errors[variant])


def fold_index(
    items: Sequence[SoldItem], train_rows: numpy.ndarray, vectors: Mapping[str, numpy.ndarray] | None
) -> tuple[ComparablesIndex, str | None]:
    """The fold's comparables index over `items` at `train_rows`, with the chosen variant's vectors as
    stored embeddings when given (and as the embedder's answer for any item's text: a held-out listing is
    embedded when priced, as a new one would be)."""
    train = [items[row] for row in train_rows]
    if vectors is None:
        index = ComparablesIndex()
        index.add(train)
        return index, None
    chosen = choose_variant(train, {variant: matrix[train_rows] for variant, matrix in vectors.items()})
    index = ComparablesIndex(LookupEmbedder(f"eval-{chosen}", items, vectors[chosen]))
    index.add(train, {items[row].listing_id: vectors[chosen][row] for row in train_rows})
    return index, chosen


def predict(
    items: Sequence[SoldItem],
    folds: int,
    shipping: Mapping[str, bool] | None = None,
    progress: Callable[[Iterable[int]], Iterable[int]] = iter,
    vectors: Mapping[str, numpy.ndarray] | None = None,
) -> Predictions:
    """Every item priced by models trained on the other folds (`progress` wraps the loop over folds); with
    `vectors` (per text variant, one row per item) as a shop with stored embeddings, each fold's training
    sales choosing the variant."""
    order = numpy.random.default_rng(SEED).permutation(len(items))
    assignment = numpy.empty(len(items), dtype=int)
    assignment[order] = numpy.arange(len(items)) % folds
    true_log = log_prices(items)
    predictions = {
        name: numpy.zeros(len(items)) for name in ("category_mean", "ridge", "without_model", "pakka")
    }
    inside = numpy.zeros(len(items), dtype=bool)
    inside_90 = numpy.zeros(len(items), dtype=bool)
    width = numpy.zeros(len(items))
    width_90 = numpy.zeros(len(items))
    top_weight = numpy.zeros(len(items))
    learned: list[tuple[float, float, float]] = []
    fit_seconds: list[float] = []
    enough = numpy.zeros(len(items), dtype=bool)
    variants: list[str] = []
    for fold in progress(range(folds)):
        train_rows = numpy.flatnonzero(assignment != fold)
        train = [items[position] for position in train_rows]
        held_out = numpy.flatnonzero(assignment == fold)
        test = [items[position] for position in held_out]
        predictions["category_mean"][held_out] = CategoryMean(train).predict(test)
        predictions["ridge"][held_out] = TfidfRidge(train, shipping).predict(test)
        index, chosen = fold_index(items, train_rows, vectors)
        if chosen is not None:
            variants.append(chosen)
        started = time.perf_counter()
        calibration = index.history(EVAL_TENANT, train[0].currency).calibration
        fit_seconds.append(time.perf_counter() - started)
        if calibration is not None:
            weighting = calibration.weighting
            learned.append((calibration.prior_weight, weighting.similarity_power, weighting.half_life_days))
        for position, item in zip(held_out, test, strict=True):
            suggestion = suggest(index, item)
            predictions["pakka"][position] = math.log1p(suggestion.price)
            predictions["without_model"][position] = math.log1p(suggestion.without_model)
            inside[position] = suggestion.low <= float(item.price) <= suggestion.high
            inside_90[position] = suggestion.p5 <= float(item.price) <= suggestion.p95
            width[position] = suggestion.high / max(suggestion.low, 0.01)
            width_90[position] = suggestion.p95 / max(suggestion.p5, 0.01)
            top_weight[position] = suggestion.top_weight
            enough[position] = suggestion.comparables >= 3
    return Predictions(
        true_log,
        predictions,
        inside,
        inside_90,
        width,
        width_90,
        top_weight,
        enough,
        learned,
        fit_seconds,
        variants,
    )


def category_groups(items: Sequence[SoldItem]) -> numpy.ndarray:
    return numpy.array([item.category.split("/", 1)[0] for item in items])


def report_of(name: str, items: Sequence[SoldItem], predicted: Predictions) -> Report:
    predictions, true_log, inside = predicted.models, predicted.true_log, predicted.inside
    groups = category_groups(items)
    gaps = [
        abs(float(inside[groups == group].mean()) - RANGE_LEVEL)
        for group in set(groups.tolist())
        if int((groups == group).sum()) >= MIN_CATEGORY_ITEMS
    ]
    categories = {
        str(group): (
            int((groups == group).sum()),
            float(inside[groups == group].mean()),
            float(numpy.median(predicted.width[groups == group])),
        )
        for group in sorted(set(groups.tolist()))
        if int((groups == group).sum()) >= MIN_CATEGORY_ITEMS
    }
    means = numpy.mean(predicted.learned, axis=0) if predicted.learned else numpy.full(3, math.nan)
    return Report(
        dataset=name,
        items=len(items),
        category_mean=rmsle(predictions["category_mean"], true_log),
        tfidf_ridge=rmsle(predictions["ridge"], true_log),
        pakka_without_model=rmsle(predictions["without_model"], true_log),
        pakka=rmsle(predictions["pakka"], true_log),
        coverage=float(inside.mean()),
        width=float(numpy.median(predicted.width)),
        coverage_90=float(predicted.inside_90.mean()),
        width_90=float(numpy.median(predicted.width_90)),
        worst_category_gap=max(gaps, default=0.0),
        top_weight_share=float((predicted.top_weight > TOP_WEIGHT).mean()),
        with_three_comparables=float(predicted.enough.mean()),
        prior_weight=float(means[0]),
        similarity_power=float(means[1]),
        half_life_days=float(means[2]),
        rmsle_interval=bootstrap_rmsle(predictions["pakka"], true_log),
        categories=categories,
        fit_seconds=float(numpy.mean(predicted.fit_seconds)) if predicted.fit_seconds else math.nan,
        variants=tuple(predicted.variants),
    )


def bootstrap_rmsle(
    predicted_log: numpy.ndarray, true_log: numpy.ndarray, draws: int = BOOTSTRAP_DRAWS
) -> tuple[float, float]:
    """The 95% percentile bootstrap interval of the RMSLE over held-out items (fixed seed)."""
    squared = (predicted_log - true_log) ** 2
    rng = numpy.random.default_rng(SEED)
    values = [
        float(numpy.sqrt(squared[rng.integers(0, len(squared), len(squared))].mean())) for _ in range(draws)
    ]
    low, high = numpy.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def evaluate(
    name: str,
    items: Sequence[SoldItem],
    folds: int,
    shipping: Mapping[str, bool] | None = None,
    vectors: Mapping[str, numpy.ndarray] | None = None,
) -> Report:
    return report_of(name, items, predict(items, folds, shipping, vectors=vectors))


def embedded_variants(items: Sequence[SoldItem]) -> tuple[dict[str, numpy.ndarray], float] | None:
    """Every text variant's vectors of `items` and the seconds MiniLM ran, or None when it is not
    installed."""
    embedder = local_embedder()
    if embedder is None:
        return None
    embedded = {variant: embed_items(embedder, items, variant) for variant in VARIANTS}
    seconds = sum(result.seconds for result in embedded.values())
    return {variant: result.vectors for variant, result in embedded.items()}, seconds


def evaluate_both(
    name: str,
    items: Sequence[SoldItem],
    folds: int,
    shipping: Mapping[str, bool] | None = None,
    embeddings: bool = True,
) -> list[Report]:
    """The dataset priced without embeddings, then (when MiniLM is installed and `embeddings`) with."""
    reports = [evaluate(name, items, folds, shipping)]
    embedded = embedded_variants(items) if embeddings else None
    if embedded is not None:
        vectors, seconds = embedded
        report = evaluate(name, items, folds, shipping, vectors)
        reports.append(replace(report, embed_seconds=seconds))
    return reports


def print_table(reports: Sequence[Report], folds: int) -> None:
    print(
        f"pricing eval: {folds}-fold, RMSLE on log1p price (lower is better); the 80% range is the 10th-90th "
        "percentile, the 90% range p5-p95; width = median high/low"
    )
    header = (
        f"{'dataset':<9} {'':<7} {'items':>6} {'cat mean':>9} {'ridge':>6} {'no model':>9} {'RMSLE':>6} "
        f"{'cov80':>6} {'w80':>5} {'cov90':>6} {'w90':>5} {'cat gap':>8} {'top>.05':>8} {'>=3 c':>6} "
        f"{'k':>5} {'sim^':>5} {'half-life':>9}"
    )
    print(header)
    print("-" * len(header))
    for report in reports:
        before = BEFORE.get(report.dataset) if not report.variants else None
        if before is not None:
            rmsle_before, cov, wid, cov90, wid90, top = before
            print(
                f"{report.dataset:<9} {'before':<7} {report.items:>6} {'':>9} {'':>6} {'':>9} "
                f"{rmsle_before:>6.3f} {cov:>6.1%} {wid:>5.2f} {cov90:>6.1%} {wid90:>5.2f} {'':>8} "
                f"{top:>8.1%}"
            )
        print(
            f"{report.dataset:<9} {'+emb' if report.variants else 'after':<7} {report.items:>6} "
            f"{report.category_mean:>9.3f} "
            f"{report.tfidf_ridge:>6.3f} {report.pakka_without_model:>9.3f} {report.pakka:>6.3f} "
            f"{report.coverage:>6.1%} {report.width:>5.2f} {report.coverage_90:>6.1%} "
            f"{report.width_90:>5.2f} "
            f"{report.worst_category_gap:>8.1%} {report.top_weight_share:>8.1%} "
            f"{report.with_three_comparables:>6.1%} {report.prior_weight:>5.2f} "
            f"{report.similarity_power:>5.1f} {report.half_life_days:>9.0f}"
        )
    for report in reports:
        low, high = report.rmsle_interval
        label = f"{report.dataset} {'+emb' if report.variants else ''}".strip()
        print(
            f"\n{label}: RMSLE {report.pakka:.3f} (95% bootstrap {low:.3f}-{high:.3f}); learning a "
            f"fold's history (price model, weighting, ranges) took {report.fit_seconds:.1f} s on average"
        )
        if report.variants:
            print(
                f"  embedded text chosen per fold (inside its training sales): {', '.join(report.variants)}; "
                f"MiniLM ran {report.embed_seconds:.1f} s (0: all cached)"
            )
        for name, (count, coverage, width) in sorted(report.categories.items(), key=lambda kv: -kv[1][0]):
            print(f"  {name:<28} {count:>5} items  cov80 {coverage:>6.1%}  w80 {width:>5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dataset", choices=["mercari", "thredup", "all"], default="all")
    parser.add_argument("--no-embeddings", action="store_true", help="skip the +emb rows")
    arguments = parser.parse_args()
    loaders = {"mercari": load_mercari, "thredup": load_thredup}
    shipping = {"mercari": mercari_shipping, "thredup": dict}
    names = list(loaders) if arguments.dataset == "all" else [arguments.dataset]
    started = time.perf_counter()
    reports = [
        report
        for name in names
        for report in evaluate_both(
            name, loaders[name](), arguments.folds, shipping[name](), not arguments.no_embeddings
        )
    ]
    print_table(reports, arguments.folds)
    print(f"\neval took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
