"""explanations: is every number and citation in pakka's explanations in their evidence? Checked by code
(evals/metrics/explanation_faithfulness.py), so it runs offline on every model tier; the tier that wrote each
explanation is recorded and the rates are broken down by graph and by tier.

Explanations come from the registered graphs themselves, on a throw-away SQLite store seeded with the demo
catalog and demo sales, with the model router that `--tier` configures (the rule-based tier by default) and a
lexical knowledge base of the curated guides (so recommendations cite guides, as a server's do):

- decision: footwear for a spread of foot measurements (lengths 225-290 mm, narrow to wide, sigma 1-4 mm;
  every other one stored with consent and read by the graph, the rest passed as a scan) and skincare for
  every skin type with low and high sensitivity and a concern; each recommendation is one item, its
  evidence the chart rows, toe-allowance rule, ingredient check and its own fields
  (evals/metrics/explanation_evidence.py).
- pricing: one listing per demo sales kind (demo tenant), and held-out Mercari and thredUP listings priced
  from the first rows of the same file imported as the shop's history; the evidence is the suggestion's
  comparables, adjustments, range, estimate, the price model's expectation and the learned weighting.

Metrics: number support rate and citation support rate (supported / found over all items), the share of
fully faithful explanations; the same per graph (`decision/...`, `pricing/...`) and, recorded, per tier
(`tier/<tier>/...`).
With a model tier configured, ragas faithfulness and answer relevancy of a sample of explanations are judged
by it (marked with the tier); without one they are reported as not judged (evals/metrics/ragas_judge.py).

Mercari and thredUP are optional datasets: without the shared data the decision explanations and the demo
listings' price notes still run (offline, on every tier), and the run notes which held-out part was
skipped. `--judge-timeout SECONDS` is passed to the ragas judge (a local tier needs minutes per call).

--smoke: 4 feet, 2 skin profiles, 3 demo listings, 2 held-out listings per dataset.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents.router.record import CallRecordCollector
from core.privacy import BIOMETRIC, ScanKind, record_consent, store_attributes
from core.records.sales import ListingCondition, SoldItem
from core.settings import Settings
from domain.pricing.demo import KINDS
from domain.pricing.importers import ImportFormat, import_history
from domain.pricing.suggestion import SuggestionRequest
from evals.metrics.explanation_evidence import price_evidence, recommendation_evidence
from evals.metrics.explanation_faithfulness import FaithfulnessCheck, check_explanation
from evals.metrics.ragas_env import run_sync
from evals.metrics.ragas_judge import JudgeSample, judge
from evals.pricing.datasets import load_mercari, load_thredup
from evals.runner.stats import indexed_metric, mean_metric, point_metric
from evals.runner.suite import (
    Dataset,
    Direction,
    ItemColumn,
    MetricSpec,
    MetricValue,
    Plot,
    RunContext,
    Suite,
    SuiteOutcome,
)
from graphs.context import GraphContext
from graphs.decision import graph as decision_graph
from graphs.demo import seed_demo
from graphs.pricing import graph as pricing_graph
from graphs.services import Services
from knowledge.documents import curated_documents
from knowledge.ingest import index_documents
from knowledge.search.embedded import EmbeddedSearchBackend
from knowledge.search.service import KnowledgeBase

TENANT = "demo"
REGIONS = ("mumbai", "delhi", "bengaluru")
FOOT_LENGTHS_MM = tuple(range(225, 291, 5))
WIDTH_RATIOS = (0.36, 0.385, 0.41)
SIGMAS_MM = (1.0, 2.0, 4.0)  # 4 mm puts some feet between two sizes: those explanations carry a caution
SKIN_TYPES = ("oily", "dry", "combination", "normal", "sensitive")
CONCERNS = (["acne"], ["pigmentation"], ["dryness"], ["ageing"], [])
CONDITIONS = list(ListingCondition)
TRAIN_ROWS = 600
HELD_OUT = 12
JUDGED = 8
SMOKE = {"feet": 4, "skin": 2, "demo": 3, "held_out": 2}


@dataclass
class Item:
    graph: str
    id: str
    group: str
    """footwear / skincare for the decision graph; the dataset for pricing."""
    tier: str
    text: str
    check: FaithfulnessCheck
    question: str
    contexts: list[str] = field(default_factory=list)

    def row(self) -> dict[str, object]:
        return {
            "graph": self.graph,
            "id": self.id,
            "group": self.group,
            "tier": self.tier,
            "text": self.text,
            **self.check.as_row(),
        }


# ---- the run's services -------------------------------------------------------------------------------


def open_services(settings: Settings, scratch: Path) -> Services:
    """The configured model router on a fresh SQLite store with the demo data and a lexical guide index."""
    local = settings.model_copy(
        update={"data_dir": scratch / "data", "store": "sqlite", "seed_demo_data": False}
    )
    services = Services.open(local)
    seed_demo(services.store, TENANT)
    backend = EmbeddedSearchBackend(scratch / "guides.db")
    index_documents(backend, None, curated_documents())
    services.knowledge = KnowledgeBase(backend=backend, embedder=None)
    return services


def _tiers(collector: CallRecordCollector) -> str:
    tiers = sorted({record.tier for record in collector.records if record.tier})
    return ",".join(tiers) or "none"


# ---- decision -------------------------------------------------------------------------------------------


def foot_profiles(count: int | None) -> list[dict[str, float]]:
    feet = [
        {
            "length_mm": float(length),
            "width_mm": round(length * WIDTH_RATIOS[n % len(WIDTH_RATIOS)], 1),
            "length_sigma_mm": SIGMAS_MM[n % len(SIGMAS_MM)],
            "width_sigma_mm": SIGMAS_MM[n % len(SIGMAS_MM)],
        }
        for n, length in enumerate(FOOT_LENGTHS_MM)
    ]
    return feet if count is None else feet[:: max(1, len(feet) // count)][:count]


def skin_profiles(count: int | None) -> list[dict[str, Any]]:
    profiles = [
        {"skin_type": skin, "sensitivity": sensitivity, "concerns": CONCERNS[n % len(CONCERNS)]}
        for n, skin in enumerate(SKIN_TYPES)
        for sensitivity in ("low", "high")
    ]
    return profiles if count is None else profiles[:count]


async def decide(
    services: Services, user: str, category: str, attributes: dict[str, Any], stored: bool, region: str
) -> tuple[dict[str, Any], str]:
    context = GraphContext(services=services, tenant_id=TENANT, user_id=user)
    request: dict[str, Any] = {"user_id": user, "category": category, "region": region}
    if stored:
        record_consent(services.store, TENANT, user, BIOMETRIC, granted=True, pseudonyms=services.pseudonyms)
        kind = ScanKind.FOOT if category == "footwear" else ScanKind.FACE
        store_attributes(services.store, TENANT, user, kind, attributes)
    else:
        request["scan"] = attributes
    collector = CallRecordCollector()
    state = await decision_graph.ainvoke(request, context=context, config={"callbacks": [collector]})
    return state, _tiers(collector)


def decision_items(
    services: Services, state: dict[str, Any], category: str, tier: str, key: str
) -> list[Item]:
    attributes = state.get("attributes") or {}
    candidates = {c["product"].id: c for c in state.get("candidates", [])}
    items = []
    for recommendation in state["result"].recommendations:
        candidate = candidates[recommendation.product_id]
        evidence = recommendation_evidence(
            recommendation, candidate["product"], attributes, category, candidate["adjustment"]
        )
        items.append(
            Item(
                graph="decision",
                id=f"{key}:{recommendation.product_id}",
                group=category,
                tier=tier,
                text=recommendation.explanation,
                check=check_explanation(recommendation.explanation, evidence),
                question=f"Which {category} product suits me, and in which size?",
                contexts=[
                    *(r for r in _reasons(state, recommendation.product_id)),
                    *recommendation.citations,
                ],
            )
        )
    return items


def _reasons(state: dict[str, Any], product_id: str) -> list[str]:
    chosen = {item.product_id: item for item in state["selection"].chosen}
    item = chosen.get(product_id)
    return [*item.reasons, *item.cautions] if item is not None else []


async def decision_run(ctx: RunContext, services: Services) -> list[Item]:
    feet = foot_profiles(ctx.cap(None, SMOKE["feet"]))
    skins = skin_profiles(ctx.cap(None, SMOKE["skin"]))
    cases = [("footwear", foot) for foot in feet] + [("skincare", skin) for skin in skins]
    items: list[Item] = []
    for n, (category, attributes) in enumerate(ctx.progress(cases, "explanations: decision", len(cases))):
        stored = n % 2 == 1
        key = f"{category}:{n}:{'stored' if stored else 'scan'}"
        state, tier = await decide(
            services, f"eval-{n}", category, attributes, stored, REGIONS[n % len(REGIONS)]
        )
        items += decision_items(services, state, category, tier, key)
    return items


# ---- pricing --------------------------------------------------------------------------------------------


def demo_requests(count: int | None) -> list[tuple[str, SuggestionRequest]]:
    requests = [
        (
            f"demo:{n}",
            SuggestionRequest(
                title=f"{kind.title} {kind.variants[n % len(kind.variants)]}",
                category=kind.category,
                brand=kind.brand,
                condition=CONDITIONS[n % len(CONDITIONS)],
            ),
        )
        for n, kind in enumerate(KINDS)
    ]
    return requests if count is None else requests[:count]


def held_out_requests(
    store_tenant: str, services: Services, path: Path, file_format: ImportFormat, count: int
) -> list[tuple[str, SuggestionRequest]]:
    """Import the file's first TRAIN_ROWS sales as the shop's history; price listings after them."""
    import_history(services.store, path, file_format, store_tenant, limit=TRAIN_ROWS)
    loader: Callable[[Path], list[SoldItem]] = (
        load_mercari if file_format is ImportFormat.MERCARI else load_thredup
    )
    later = [
        item
        for item in loader(path)[TRAIN_ROWS:]
        # the importer names listings "mercari-<id>" / "thredup-<id>", the eval loader "m<id>" / "t<id>"
        if services.store.sales.get_listing(store_tenant, f"{file_format.value}-{item.listing_id[1:]}")
        is None
    ]
    return [
        (
            f"{file_format.value}:{item.listing_id}",
            SuggestionRequest(
                title=item.title,
                description=item.description,
                category=item.category,
                brand=item.brand,
                condition=item.condition,
                currency=item.currency,
            ),
        )
        for item in later[:count]
    ]


async def price(services: Services, tenant: str, key: str, request: SuggestionRequest) -> Item:
    context = GraphContext(services=services, tenant_id=tenant, user_id="eval-merchant")
    state = await pricing_graph.ainvoke({"request": request}, context=context)
    result = state["result"]
    search = state.get("search")
    evidence = price_evidence(
        result,
        request,
        state.get("estimate"),
        state.get("history"),
        search.model_log_price if search is not None else None,
        state.get("now"),
    )
    return Item(
        graph="pricing",
        id=key,
        group=key.split(":", 1)[0],
        tier=result.tier or "none",
        text=result.explanation,
        check=check_explanation(result.explanation, evidence),
        question=f'What price should I ask for "{request.title}"?',
        contexts=[
            f"{c.title}, {c.price} {result.currency}, sold {c.sold_at:%d %b %Y}, "
            f"similarity {c.similarity:.2f}"
            for c in result.comparables[:10]
        ]
        + [f"{a.kind} x{a.factor:.4f}: {a.reason}" for a in result.adjustments],
    )


async def pricing_run(ctx: RunContext, services: Services, datasets: dict[str, Path]) -> list[Item]:
    requests = [(TENANT, key, request) for key, request in demo_requests(ctx.cap(None, SMOKE["demo"]))]
    held = ctx.cap(HELD_OUT, SMOKE["held_out"]) or HELD_OUT
    for name, file_format in (("mercari", ImportFormat.MERCARI), ("thredup", ImportFormat.THREDUP)):
        if name in datasets:
            tenant = f"eval-{name}"
            found = held_out_requests(tenant, services, datasets[name], file_format, held)
            requests += [(tenant, key, request) for key, request in found]
    return [
        await price(services, tenant, key, request)
        for tenant, key, request in ctx.progress(requests, "explanations: pricing", len(requests))
    ]


# ---- metrics --------------------------------------------------------------------------------------------


def rates(
    prefix: str, items: Sequence[Item], seed: int, where: dict[str, str] | None = None
) -> list[MetricValue]:
    """Number and citation support rates (supported over found, all items pooled) and the fully faithful
    share, with bootstrap intervals over items; `where` picks the items' rows in items.jsonl (for paired
    comparisons of the share)."""
    found_n = np.array([i.check.numbers_found for i in items], dtype=float)
    ok_n = np.array([i.check.numbers_supported for i in items], dtype=float)
    found_c = np.array([i.check.citations_found for i in items], dtype=float)
    ok_c = np.array([i.check.citations_supported for i in items], dtype=float)

    def pooled(ok: np.ndarray, found: np.ndarray) -> Callable[[np.ndarray], float]:
        return lambda idx: float(ok[idx].sum() / found[idx].sum()) if found[idx].sum() else float("nan")

    n = len(items)
    return [
        indexed_metric(f"{prefix}number_support_rate", n, pooled(ok_n, found_n), seed),
        indexed_metric(f"{prefix}citation_support_rate", n, pooled(ok_c, found_c), seed),
        mean_metric(
            f"{prefix}fully_faithful_share",
            [float(i.check.fully_faithful) for i in items],
            seed,
            per_item=ItemColumn(column="fully_faithful", where=where or {}),
        ),
        point_metric(f"{prefix}items", float(n), n),
        point_metric(f"{prefix}numbers_found", float(found_n.sum()), n),
        point_metric(f"{prefix}citations_found", float(found_c.sum()), n),
    ]


def measure(items: Sequence[Item], seed: int) -> list[MetricValue]:
    metrics = rates("", items, seed)
    for graph in ("decision", "pricing"):
        metrics += rates(f"{graph}/", [i for i in items if i.graph == graph], seed, {"graph": graph})
    for tier in sorted({i.tier for i in items}):
        metrics += rates(f"tier/{tier}/", [i for i in items if i.tier == tier], seed, {"tier": tier})[:3]
    return metrics


def plots(items: Sequence[Item], metrics: Sequence[MetricValue]) -> list[Plot]:
    by_name = {m.name: m for m in metrics}
    labels = ["decision", "pricing"]
    series: dict[str, list[float]] = {}
    for rate in ("number_support_rate", "citation_support_rate", "fully_faithful_share"):
        shown = [by_name.get(f"{graph}/{rate}") for graph in labels]
        series[rate] = [m.value if m and m.value is not None else float("nan") for m in shown]
        series[f"{rate}:low"] = [m.low if m and m.low is not None else float("nan") for m in shown]
        series[f"{rate}:high"] = [m.high if m and m.high is not None else float("nan") for m in shown]
    return [
        Plot.bars("Explanation faithfulness by graph", labels, series, ylabel="rate"),
        Plot.histogram(
            "Unsupported numbers and citations per explanation",
            {"unsupported": [float(len(i.check.unsupported)) for i in items]},
            xlabel="unsupported tokens",
        ),
    ]


# ---- the suite ------------------------------------------------------------------------------------------


async def collect(ctx: RunContext, services: Services, datasets: dict[str, Path]) -> list[Item]:
    return [*await decision_run(ctx, services), *await pricing_run(ctx, services, datasets)]


def run(ctx: RunContext) -> SuiteOutcome:
    datasets = {name: ctx.path(name) for name in ("mercari", "thredup") if name in ctx.datasets}
    with tempfile.TemporaryDirectory(prefix="pakka-eval-explanations-", dir=ctx.work_dir) as scratch:
        services = open_services(ctx.settings, Path(scratch))
        try:
            items = run_sync(collect(ctx, services, datasets))
            judged = judge(
                ctx.settings,
                [JudgeSample(i.id, i.question, i.text, i.contexts) for i in items][: ctx.cap(JUDGED, 2)],
                timeout_s=ctx.judge_timeout_s,
            )
        finally:
            services.close()
    metrics = measure(items, ctx.seed) + judged.metrics
    rows = [item.row() | judged.rows.get(item.id, {}) for item in items]
    notes = [*judged.notes]
    unfaithful = [i for i in items if not i.check.fully_faithful]
    notes += [f"unfaithful: {i.id} ({i.tier}): {', '.join(i.check.unsupported)}" for i in unfaithful[:10]]
    return SuiteOutcome(metrics=metrics, items=rows, plots=plots(items, metrics), notes=notes)


def _specs() -> tuple[MetricSpec, ...]:
    specs = []
    for prefix in ("", "decision/", "pricing/"):
        specs += [
            MetricSpec(
                f"{prefix}number_support_rate", Direction.HIGHER, 0.01, "numbers found in the evidence"
            ),
            MetricSpec(
                f"{prefix}citation_support_rate", Direction.HIGHER, 0.01, "citations found in the evidence"
            ),
            MetricSpec(
                f"{prefix}fully_faithful_share",
                Direction.HIGHER,
                0.02,
                "explanations with nothing unsupported",
            ),
        ]
    specs += [
        MetricSpec(
            "ragas_faithfulness", Direction.HIGHER, 0.05, "ragas faithfulness, judged by a model tier"
        ),
        MetricSpec(
            "ragas_answer_relevancy", Direction.HIGHER, 0.05, "ragas answer relevancy, judged by a model tier"
        ),
    ]
    return tuple(specs)


SUITE = Suite(
    name="explanations",
    description="Every number and citation of recommendation and price explanations checked against their "
    "evidence (chart rows, comparables, rules), by graph and tier; ragas faithfulness with a model tier",
    datasets=(
        Dataset(
            "mercari",
            "mercari_price/train_dev.tsv",
            optional=True,
            part="held-out Mercari listings priced from the file's history",
        ),
        Dataset(
            "thredup",
            "thredup_resale/thredup_dev.csv",
            optional=True,
            part="held-out thredUP listings priced from the file's history",
        ),
    ),
    metrics=_specs(),
    run=run,
)
