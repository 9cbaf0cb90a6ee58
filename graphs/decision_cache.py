"""Answers of the decision graph kept for repeats: the same question, asked again while nothing it depends on
changed, is answered from memory instead of running the graph (POST /v1/recommendations).

An answer depends on the request (every `DecisionInput` field: the shopper, category, budget, region, stated
gender and fit, a scan's attributes), on what the `scan` node reads about the shopper (their stored
attributes, consent permitting, and stored preferences: `graphs.decision.shopper_inputs`), on the tenant's
catalog, stock and learned size offsets, and on whether a knowledge base is open (its guides are cited). The
key holds all of them; the catalog, stock and offsets through the store's change counters
(`Store.versions`), which every write moves (SQLite in the writing transaction, DynamoDB right after). So a
price change, a new product, a size selling out or coming back, a feedback report that moves an offset,
withdrawn consent or a new scan each make a new key: the old answer is never read again and ages out.

The counters are read before the graph runs. A write that lands while it runs moves them, so the answer it
produced, stored under the counters read before, can only be read by requests that also read them before
the write was visible (requests concurrent with the write, which may see either answer anyway).

Only what the route sends is kept: the answer's JSON, rendered exactly as FastAPI renders a
`DecisionResult` (a kept answer, a fresh one and the route before the cache are the same bytes). The cache
is per process, bounded in bytes (least recently used go first, PAKKA_DECISION_CACHE_MB) and in time
(PAKKA_DECISION_CACHE_TTL_S): the time bound covers what the counters do not see (a model tier that answered
by falling back, a DynamoDB counter bump that failed, a knowledge base changed under a running process).
Keys are SHA-256 digests, so the cache holds no user id or measurement in clear; explanations in the kept
answers do quote the shopper's measurements, for at most the time bound.

Explanations, the expensive part of an answer when a hosted model writes them, are thus written once per
answer and served from memory afterwards.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import fields
from typing import Any

from core.context import AppContext
from core.storage.repositories import DataVersions
from domain.decision.results import DecisionResult
from graphs.decision import DecisionInput, DecisionState, KnownShopperContext, graph, shopper_inputs


def render(result: DecisionResult) -> bytes:
    """The answer's JSON as the API sends it: what FastAPI renders for a `DecisionResult` return value
    (pydantic's JSON serialisation, by alias)."""
    return result.model_dump_json(by_alias=True).encode()


def cache_key(
    request: DecisionInput,
    tenant_id: str,
    shopper: DecisionState,
    versions: DataVersions,
    knowledge_open: bool,
) -> bytes:
    """The digest of everything the answer depends on (see the module docstring)."""
    preferences = shopper.get("preferences")
    parts: dict[str, Any] = {
        "tenant": tenant_id,
        "request": dict(request),
        "attributes": shopper.get("attributes"),
        "attributes_source": shopper.get("attributes_source"),
        "preferences": None if preferences is None else preferences.model_dump(mode="json"),
        "versions": list(versions),
        "knowledge": knowledge_open,
    }
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).digest()


def _looked_up(request: DecisionInput, context: AppContext) -> tuple[DataVersions, DecisionState]:
    """The change counters (first: see the module docstring), then the shopper's inputs."""
    versions = context.services.store.versions.get(context.tenant_id)
    return versions, shopper_inputs(request, context)


async def recommendation_json(request: DecisionInput, context: AppContext) -> bytes:
    """The decision graph's answer to `request`, rendered (`render`): kept from an earlier identical
    question when nothing it depends on changed since, else computed by the graph (and kept)."""
    services = context.services
    cache = services.answers
    if not cache.enabled:
        state = await graph.ainvoke(request, context=context)
        return render(state["result"])
    knowledge_open = services.knowledge is not None
    versions, shopper = await asyncio.to_thread(_looked_up, request, context)
    key = cache_key(request, context.tenant_id, shopper, versions, knowledge_open)
    found = cache.get(key)
    if found is not None:
        return found
    # The graph's `scan` and `candidates` take what was just read instead of reading it again.
    known = KnownShopperContext(
        **{field.name: getattr(context, field.name) for field in fields(AppContext)},
        versions=versions,
        shopper=shopper,
    )
    state = await graph.ainvoke(request, context=known)
    body = render(state["result"])
    cache.put(key, body)
    return body
