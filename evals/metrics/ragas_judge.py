"""ragas faithfulness and answer relevancy, judged by a model tier through the router, or honestly not judged.

The judge is the router built from the run's settings with the rule-based tier left out: a template filler
cannot judge, and a judge that fell back to it would fake a score. With no other tier configured and available
(the default), both metrics come back without a value and with the reason. Otherwise ragas' (deprecated but
current in 0.4.3) `LangchainLLMWrapper` wraps that router; the tier that answered each judging call is read
from the router's records (`response_metadata["pakka"]`) and written beside every score and in each metric's
note. Answer relevancy also needs an embedder (pakka's, adapted to LangChain's `Embeddings`); without one it
is not judged.

Timeout: each judging call is bounded by the router's per-tier timeout, `model_timeout_s` (30 s) unless
`timeout_s` is given (`pakka eval run --judge-timeout SECONDS`): a local llama.cpp tier judging on a CPU needs
minutes per call, and a judge that times out leaves the sample unscored (counted in the note), not wrong.

Both metrics are the `ragas.metrics` ones (`Faithfulness`, `ResponseRelevancy`): their
`ragas.metrics.collections` versions take ragas' own instructor-based LLM clients, not a LangChain model.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.outputs import LLMResult

from agents.router.status import configured_status
from core.settings import Settings
from evals.metrics.ragas_env import import_ragas, ragas_unavailable, run_sync
from evals.runner.stats import mean_metric
from evals.runner.suite import MetricValue
from knowledge.embeddings import Embedder, build_embedder

METRICS = ("ragas_faithfulness", "ragas_answer_relevancy")


@dataclass(frozen=True)
class JudgeSample:
    id: str
    question: str
    answer: str
    contexts: list[str]


@dataclass
class Judged:
    metrics: list[MetricValue]
    rows: dict[str, dict[str, object]] = field(default_factory=dict)
    """Per sample id: each score and the tier that judged it."""
    notes: list[str] = field(default_factory=list)


def judge_tiers(settings: Settings) -> tuple[list[str], str | None]:
    """The configured tiers that can judge (every available one but the rule-based tier), or why none can."""
    rows = configured_status(settings)
    models = [row for row in rows if row["kind"] != "rules"]
    usable = [str(row["tier"]) for row in models if row["state"] == "available"]
    if usable:
        return usable, None
    if not models:
        configured = ", ".join(str(row["tier"]) for row in rows) or "none"
        return [], f"no model tier is configured (tiers: {configured}); the rule-based tier cannot judge"
    states = ", ".join(f"{row['tier']} ({row['state']})" for row in models)
    return [], f"no configured model tier is available: {states}"


def not_judged(reason: str) -> Judged:
    return Judged(
        metrics=[MetricValue(name=name, value=None, n=0, note=f"not judged: {reason}") for name in METRICS],
        notes=[f"ragas faithfulness and answer relevancy not judged: {reason}"],
    )


def judge_settings(settings: Settings, tiers: list[str], timeout_s: float | None = None) -> Settings:
    """The settings the judge's router is built from: only the judging tiers, and the judge's timeout per
    call (per attempt, per tier) when one is given."""
    update: dict[str, Any] = {"model_tiers": tiers}
    if timeout_s is not None:
        if timeout_s <= 0:
            raise ValueError(f"judge timeout must be positive, got {timeout_s}")
        update["model_timeout_s"] = float(timeout_s)
    return settings.model_copy(update=update)


def judge(
    settings: Settings,
    samples: list[JudgeSample],
    *,
    model: BaseChatModel | None = None,
    timeout_s: float | None = None,
) -> Judged:
    """Judge each sample's answer against its contexts (faithfulness) and its question (answer relevancy).

    `model` replaces the router built from the settings' tiers (tests pass a scripted one); the tier marked on
    each score still comes from the answers' `response_metadata["pakka"]`. `timeout_s` bounds each judging
    call (default: the settings' `model_timeout_s`)."""
    if model is not None:
        tiers, reason = ["given model"], None
    else:
        tiers, reason = judge_tiers(settings)
    reason = reason or ragas_unavailable() or (None if samples else "no explanations to judge")
    if reason is not None:
        return not_judged(reason)
    if model is None:
        from agents.router import build_router

        model = build_router(judge_settings(settings, tiers, timeout_s))
    timeout = timeout_s if timeout_s is not None else settings.model_timeout_s
    return run_sync(_judge(model, build_embedder(settings), samples, tiers, timeout))


class TierRecorder(BaseCallbackHandler):
    """The tiers that answered the router's calls, in order (from `response_metadata["pakka"]`)."""

    def __init__(self) -> None:
        self.tiers: list[str] = []

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        for generations in response.generations:
            for generation in generations:
                message = getattr(generation, "message", None)
                record = (getattr(message, "response_metadata", None) or {}).get("pakka") or {}
                if record.get("tier"):
                    self.tiers.append(str(record["tier"]))


class PakkaEmbeddings(Embeddings):
    """pakka's embedder as a LangChain `Embeddings`, for ragas' answer relevancy."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[float(x) for x in vector] for vector in self.embedder.embed(texts)]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


async def _judge(
    router: Any, embedder: Embedder | None, samples: list[JudgeSample], tiers: list[str], timeout_s: float
) -> Judged:
    import_ragas()
    from ragas.dataset_schema import SingleTurnSample

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas.embeddings import LangchainEmbeddingsWrapper
        from ragas.llms import LangchainLLMWrapper
        from ragas.metrics import Faithfulness, ResponseRelevancy
        from ragas.run_config import RunConfig

        recorder = TierRecorder()
        router.callbacks = [recorder]
        llm = LangchainLLMWrapper(
            router,
            run_config=RunConfig(timeout=max(1, math.ceil(timeout_s))),
            bypass_temperature=True,
            bypass_n=True,
        )
        faithfulness = Faithfulness(llm=llm)
        relevancy = (
            ResponseRelevancy(
                llm=llm, embeddings=LangchainEmbeddingsWrapper(PakkaEmbeddings(embedder)), strictness=1
            )
            if embedder is not None
            else None
        )
    judged = Judged(metrics=[])
    scores: dict[str, list[float]] = {name: [] for name in METRICS}
    used: dict[str, set[str]] = {name: set() for name in METRICS}
    errors: dict[str, int] = dict.fromkeys(METRICS, 0)
    for sample in samples:
        row: dict[str, object] = {}
        turn = SingleTurnSample(
            user_input=sample.question, response=sample.answer, retrieved_contexts=sample.contexts
        )
        for name, metric in (("ragas_faithfulness", faithfulness), ("ragas_answer_relevancy", relevancy)):
            if metric is None:
                continue
            before = len(recorder.tiers)
            try:
                value = float(await metric.single_turn_ascore(turn))
            except Exception as error:  # noqa: BLE001 - a judge that fails on one sample must not end the suite
                value, row[f"{name}_error"] = math.nan, f"{type(error).__name__}: {error}"[:300]
                errors[name] += 1
            # a score is marked with the tiers that answered its calls; a failed one has no judge
            judged_by = sorted(set(recorder.tiers[before:])) if not math.isnan(value) else []
            used[name].update(judged_by)
            scores[name].append(value)
            row[name] = None if math.isnan(value) else value
            row[f"{name}_tier"] = ",".join(judged_by) or None
        judged.rows[sample.id] = row
    for name in METRICS:
        if name == "ragas_answer_relevancy" and relevancy is None:
            judged.metrics.append(
                MetricValue(name=name, value=None, n=0, note="not judged: no embedder configured")
            )
            continue
        note = f"judged by tier {','.join(sorted(used[name])) or 'none (every sample failed)'}"
        if errors[name]:
            note += f"; {errors[name]} of {len(samples)} samples failed to judge"
        judged.metrics.append(mean_metric(name, scores[name], note=note))
    judged.notes.append(f"ragas judge tiers configured: {', '.join(tiers)}; timeout {timeout_s:g} s per call")
    return judged
