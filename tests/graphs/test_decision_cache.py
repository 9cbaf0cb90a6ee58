"""The decision graph's result cache: a kept answer is the same bytes as a fresh one, and every kind of change
an answer depends on (stock, price, a new product, a learned size offset, withdrawn consent, new
measurements, a preference) makes the next request compute it again, on each store backend."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.context import AppContext
from core.privacy import BIOMETRIC, ScanKind, record_consent, store_attributes
from core.records.feedback import FeedbackEvent, FitReport, PurchaseOutcome
from core.schemas import InventoryRecord, ProductQuery, User
from core.settings import Settings
from core.storage.repositories import Store
from domain.decision.feedback import SizeLearner
from domain.decision.preferences import PROFILE_KEY
from domain.decision.results import DecisionResult
from graphs.answer_cache import ENTRY_OVERHEAD_BYTES, AnswerCache
from graphs.decision import DecisionInput, category_candidates, graph
from graphs.decision_cache import recommendation_json, render
from graphs.services import Services
from tests.graphs.test_decision_graph import FACE, FOOT, PSEUDONYMS, TENANT, seed_shoes

USER = "u-1"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_least_recently_used_answers_go_once_the_bytes_run_out() -> None:
    cache = AnswerCache(max_bytes=3 * (100 + ENTRY_OVERHEAD_BYTES))
    for key in (b"a", b"b", b"c"):
        cache.put(key, b"x" * 100)
    assert cache.get(b"a") is not None  # now the most recently used

    cache.put(b"d", b"x" * 100)

    assert [key for key in (b"a", b"b", b"c", b"d") if cache.get(key) is not None] == [b"a", b"c", b"d"]
    assert cache.size_bytes == 3 * (100 + ENTRY_OVERHEAD_BYTES)


def test_an_answer_is_not_served_past_its_time_and_a_cache_without_memory_keeps_nothing() -> None:
    clock = Clock()
    cache = AnswerCache(max_bytes=10_000, ttl_s=60, clock=clock)
    cache.put(b"k", b"answer")
    clock.now = 60
    assert cache.get(b"k") == b"answer"
    clock.now = 60.5
    assert cache.get(b"k") is None
    assert len(cache) == 0 and cache.size_bytes == 0

    off = AnswerCache(max_bytes=0)
    off.put(b"k", b"answer")
    assert not off.enabled and off.get(b"k") is None


def test_render_is_what_fastapi_sends_for_a_returned_result() -> None:
    result = DecisionResult.model_validate(
        {
            "recommendations": [
                {
                    "product_id": "fw-1",
                    "name": "Kadam Mojari – Tan",
                    "brand": "Kadam",
                    "price_inr": Decimal("1999.50"),
                    "size": "UK 8",
                    "confidence": 0.8892683056736183,
                    "factors": {
                        "fit": 0.9,
                        "attribute_similarity": 1e-05,
                        "metadata_quality": 0.8,
                        "brand_reliability": 1.0,
                    },
                    "explanation": 'We picked it at ₹1,999 — "why" follows.',
                    "citations": ["chart:kadam:uk-8"],
                    "sources": [{"id": "chart:kadam:uk-8", "title": "Kadam, size UK 8", "url": None}],
                }
            ],
            "eliminated": {"count": 2, "reasons": {"below_confidence_threshold": 2}},
            "guidance": [],
            "attributes_source": "stored",
        }
    )

    app = FastAPI()

    @app.get("/result")
    def answer() -> DecisionResult:
        return result

    with TestClient(app) as client:
        assert render(result) == client.get("/result").content


@pytest.fixture
def store_seeded(store: Store) -> Store:
    seed_shoes(store)
    record_consent(store, TENANT, USER, BIOMETRIC, granted=True, pseudonyms=PSEUDONYMS)
    store_attributes(store, TENANT, USER, ScanKind.FOOT, FOOT)
    store_attributes(store, TENANT, USER, ScanKind.FACE, FACE)
    return store


@pytest.fixture
def cached(store_seeded: Store, settings: Settings) -> AppContext:
    """The graph's run context with the result cache on."""
    services = Services.build(settings.model_copy(update={"decision_cache_mb": 8}), store_seeded)
    return AppContext(services=services, tenant_id=TENANT, user_id=USER)


@pytest.fixture
def uncached(store_seeded: Store, settings: Settings) -> AppContext:
    """The same store without a result cache: every answer computed by the graph."""
    services = Services.build(settings.model_copy(update={"decision_cache_mb": 0}), store_seeded)
    return AppContext(services=services, tenant_id=TENANT, user_id=USER)


def request(**fields: Any) -> DecisionInput:
    return DecisionInput(**{"user_id": USER, "category": "footwear", "region": "mumbai", **fields})  # type: ignore[typeddict-item]


async def ask(context: AppContext, **fields: Any) -> bytes:
    return await recommendation_json(request(**fields), context)


async def ask_both(cached: AppContext, uncached: AppContext, **fields: Any) -> tuple[bytes, bytes]:
    return await ask(cached, **fields), await ask(uncached, **fields)


def picks(body: bytes) -> list[tuple[str, str | None]]:
    return [(item["product_id"], item["size"]) for item in json.loads(body)["recommendations"]]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"budget_inr": Decimal("2000")},
        {"gender": "women"},
        {"category": "skincare"},
        {"category": "apparel"},
        {"category": "beauty"},
        {"region": "delhi"},
        {"scan": FOOT},
    ],
    ids=["footwear", "budget", "gender", "skincare", "apparel", "no sizing", "other region", "fresh scan"],
)
async def test_a_kept_answer_is_the_same_bytes_as_the_graph_computes_and_the_same_result(
    cached: AppContext, uncached: AppContext, fields: dict[str, Any]
) -> None:
    first = await ask(cached, **fields)
    again = await ask(cached, **fields)
    state = await graph.ainvoke(request(**fields), context=uncached)

    assert cached.services.answers.hits == 1
    assert first == again == await ask(uncached, **fields)
    assert DecisionResult.model_validate_json(again) == state["result"]


async def test_requests_that_differ_in_anything_are_answered_apart(cached: AppContext) -> None:
    variants: list[dict[str, Any]] = [
        {},
        {"region": "delhi"},
        {"region": None},
        {"budget_inr": Decimal("1000")},
        {"gender": "men"},
        {"category": "skincare"},
        {"user_id": "u-2"},
    ]
    for fields in variants:
        await ask(cached, **fields)

    assert cached.services.answers.misses == len(variants)
    assert cached.services.answers.hits == 0


def sell_out_first_pick(store: Store, body: bytes) -> None:
    product_id, size = picks(body)[0]
    assert size is not None
    store.inventory.put(
        InventoryRecord(tenant_id=TENANT, product_id=product_id, size=size, region="mumbai", available=0)
    )


def restock_everything(store: Store, body: bytes) -> None:
    for product in store.products.search(TENANT, ProductQuery(category="footwear", page_size=100)).items:
        for size in product.sizes:
            store.inventory.put(
                InventoryRecord(
                    tenant_id=TENANT, product_id=product.id, size=size, region="mumbai", available=4
                )
            )


def raise_first_picks_price(store: Store, body: bytes) -> None:
    product = store.products.get(TENANT, picks(body)[0][0])
    assert product is not None
    store.products.put(product.model_copy(update={"price_inr": Decimal("4999")}))


def add_a_cheaper_twin(store: Store, body: bytes) -> None:
    product = store.products.get(TENANT, picks(body)[0][0])
    assert product is not None
    twin = product.model_copy(update={"id": "twin-1", "name": "Twin shoe", "price_inr": Decimal("499")})
    store.products.put(twin)
    store.inventory.put_many(
        InventoryRecord(tenant_id=TENANT, product_id="twin-1", size=size, region="mumbai", available=2)
        for size in twin.sizes
    )


def report_first_pick_runs_small(store: Store, body: bytes) -> None:
    product_id, size = picks(body)[0]
    product = store.products.get(TENANT, product_id)
    assert product is not None and size is not None
    learner = SizeLearner(store)
    for index in range(6):
        learner.learn(
            FeedbackEvent(
                tenant_id=TENANT,
                user_id=f"u-{index + 10}",
                product_id=product_id,
                brand=product.brand,
                size=size,
                outcome=PurchaseOutcome.RETURNED,
                fit=FitReport.SMALL,
            )
        )


def withdraw_consent(store: Store, body: bytes) -> None:
    record_consent(store, TENANT, USER, BIOMETRIC, granted=False, pseudonyms=PSEUDONYMS)


def measure_a_longer_foot(store: Store, body: bytes) -> None:
    store_attributes(store, TENANT, USER, ScanKind.FOOT, {**FOOT, "length_mm": FOOT["length_mm"] + 6})


def remember_women(store: Store, body: bytes) -> None:
    user = store.users.get(TENANT, USER)
    assert user is not None
    store.users.put(
        user.model_copy(update={"attributes": {**user.attributes, PROFILE_KEY: {"gender": "women"}}})
    )


CHANGES: dict[str, Callable[[Store, bytes], None]] = {
    "size sold out": sell_out_first_pick,
    "sizes back in stock": restock_everything,
    "price change": raise_first_picks_price,
    "new product": add_a_cheaper_twin,
    "feedback moves an offset": report_first_pick_runs_small,
    "consent withdrawn": withdraw_consent,
    "new measurements": measure_a_longer_foot,
    "stored preference": remember_women,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
async def test_after_each_kind_of_change_the_answer_is_computed_again_and_is_the_fresh_one(
    cached: AppContext, uncached: AppContext, change: str
) -> None:
    before = await ask(cached, budget_inr=Decimal("4000"))
    assert picks(before), "the scenario needs a recommendation to change"
    assert await ask(cached, budget_inr=Decimal("4000")) == before
    misses = cached.services.answers.misses

    CHANGES[change](cached.services.store, before)
    after, fresh = await ask_both(cached, uncached, budget_inr=Decimal("4000"))

    assert cached.services.answers.misses == misses + 1
    assert after == fresh
    assert await ask(cached, budget_inr=Decimal("4000")) == fresh  # and kept again


async def test_a_stored_user_without_consent_is_answered_from_the_cache_only_after_it_saw_that(
    store: Store, settings: Settings
) -> None:
    seed_shoes(store)
    store.users.put(User(id=USER, tenant_id=TENANT, attributes={"foot": FOOT}))
    context = AppContext(
        services=Services.build(settings.model_copy(update={"decision_cache_mb": 8}), store),
        tenant_id=TENANT,
        user_id=USER,
    )

    without = await ask(context)
    record_consent(store, TENANT, USER, BIOMETRIC, granted=True, pseudonyms=PSEUDONYMS)
    granted = await ask(context)

    assert json.loads(without)["attributes_source"] is None
    assert json.loads(granted)["attributes_source"] == "stored"
    assert context.services.answers.hits == 0


def test_the_key_covers_the_graphs_nodes_as_reviewed() -> None:
    """A tripwire: the key (graphs/decision_cache.py) was checked against what these nodes read. A new node
    may read something new about the shopper or the store: add that to the key, then to this list."""
    assert set(graph.nodes) - {"__start__"} == {
        "scan",
        "retrieve",
        "candidates",
        "score",
        "filter",
        "explain",
    }


def counting_searches(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[ProductQuery]:
    """The catalog searches `store` is asked for from now on."""
    searched: list[ProductQuery] = []
    search = store.products.search

    def counted(tenant_id: str, query: ProductQuery) -> Any:
        searched.append(query)
        return search(tenant_id, query)

    monkeypatch.setattr(store.products, "search", counted)
    return searched


def test_a_categorys_candidates_are_read_once_per_catalog_and_offsets_version(
    cached: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = cached.services.store
    searched = counting_searches(store, monkeypatch)

    first = category_candidates(cached.services, TENANT, "footwear")
    assert category_candidates(cached.services, TENANT, "footwear") is first
    assert len(searched) == 1

    product, _ = first[0]
    store.products.put(product.model_copy(update={"price_inr": Decimal("4321")}))
    repriced = category_candidates(cached.services, TENANT, "footwear")
    assert len(searched) == 2
    assert {item.id: item.price_inr for item, _ in repriced}[product.id] == Decimal("4321")

    answer = {"recommendations": [{"product_id": product.id, "size": product.sizes[0]}]}
    report_first_pick_runs_small(store, json.dumps(answer).encode())
    shifted = category_candidates(cached.services, TENANT, "footwear")
    assert len(searched) == 3
    assert {item.id: offset.mean for item, offset in shifted}[product.id] > 0


def test_candidates_are_read_afresh_when_kept_past_the_time_bound_or_without_a_result_cache(
    cached: AppContext, uncached: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    searched = counting_searches(cached.services.store, monkeypatch)
    category_candidates(uncached.services, TENANT, "footwear")
    category_candidates(uncached.services, TENANT, "footwear")
    assert len(searched) == 2

    now = time.monotonic()
    category_candidates(cached.services, TENANT, "footwear")
    monkeypatch.setattr(time, "monotonic", lambda: now + cached.services.answers.ttl_s + 1)
    category_candidates(cached.services, TENANT, "footwear")
    assert len(searched) == 4
