"""ragas 0.4.3 retrieval metrics that need no model: per query, over what was retrieved and what answers it.

- `IDBasedContextPrecision` / `IDBasedContextRecall` over source and product ids, and
  `NonLLMContextPrecisionWithReference` over their texts (Levenshtein similarity >= 0.5 counts a retrieved
  text as relevant). ragas 0.4.3 has these three only in `ragas.metrics` (`ragas.metrics.collections`, which
  the deprecation warning points to, has no equivalent yet), so they come from there, that warning silenced.
- `NonLLMStringSimilarity`, `RougeScore` (ROUGE-L F1) and `BleuScore` from `ragas.metrics.collections`: the
  top result against the closest reference (its title for the string similarity, its text for ROUGE, BLEU).

ragas is imported only when scores are computed, through `evals.metrics.ragas_env.import_ragas` (analytics
off); where it is not installed (a dev extra) `ragas_unavailable()` says why and the suites report the
metrics as not computed.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

from evals.metrics.ragas_env import import_ragas, run_sync

CONTEXT_CHARS = 1000
"""Texts are cut to this many characters before string comparison (ESCI descriptions run to thousands)."""
RAGAS_METRICS = (
    "id_context_precision",
    "id_context_recall",
    "nonllm_context_precision",
    "string_similarity",
    "rouge_l",
    "bleu",
)


@dataclass(frozen=True)
class Context:
    id: str
    title: str
    text: str

    @property
    def passage(self) -> str:
        return f"{self.title}. {self.text}"[:CONTEXT_CHARS]


@dataclass(frozen=True)
class RetrievalSample:
    query: str
    retrieved: list[Context]
    """Best first, as many as the ranking metrics read (k)."""
    reference: list[Context]
    """What answers the query (the Exact products, the KB sources)."""


def score_samples(samples: list[RetrievalSample]) -> list[dict[str, float]]:
    """The six ragas scores of each sample (nan where one is undefined, e.g. nothing retrieved)."""
    return run_sync(_score_all(samples))


async def _score_all(samples: list[RetrievalSample]) -> list[dict[str, float]]:
    import_ragas()
    from ragas.dataset_schema import SingleTurnSample
    from ragas.metrics.collections import BleuScore, NonLLMStringSimilarity, RougeScore

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from ragas.metrics import (
            IDBasedContextPrecision,
            IDBasedContextRecall,
            NonLLMContextPrecisionWithReference,
        )

    id_precision, id_recall = IDBasedContextPrecision(), IDBasedContextRecall()
    text_precision = NonLLMContextPrecisionWithReference()
    similarity, rouge, bleu = NonLLMStringSimilarity(), RougeScore(rouge_type="rougeL"), BleuScore()
    scored: list[dict[str, float]] = []
    for sample in samples:
        row = dict.fromkeys(RAGAS_METRICS, math.nan)
        if sample.retrieved and sample.reference:
            ids = SingleTurnSample(
                retrieved_context_ids=[c.id for c in sample.retrieved],
                reference_context_ids=[c.id for c in sample.reference],
            )
            texts = SingleTurnSample(
                retrieved_contexts=[c.passage for c in sample.retrieved],
                reference_contexts=[c.passage for c in sample.reference],
            )
            row["id_context_precision"] = float(await id_precision.single_turn_ascore(ids))
            row["id_context_recall"] = float(await id_recall.single_turn_ascore(ids))
            row["nonllm_context_precision"] = float(await text_precision.single_turn_ascore(texts))
            top = sample.retrieved[0]
            row["string_similarity"] = max(
                [
                    (await similarity.ascore(reference=r.title, response=top.title)).value
                    for r in sample.reference
                ]
            )
            row["rouge_l"] = max(
                [
                    (await rouge.ascore(reference=r.passage, response=top.passage)).value
                    for r in sample.reference
                ]
            )
            row["bleu"] = max(
                [
                    (await bleu.ascore(reference=r.passage, response=top.passage)).value
                    for r in sample.reference
                ]
            )
        scored.append({name: float(value) for name, value in row.items()})
    return scored
