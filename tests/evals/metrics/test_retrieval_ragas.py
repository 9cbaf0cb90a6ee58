"""The ragas retrieval metrics run without a model: id-based precision and recall, text precision against the
references, and string similarity, ROUGE-L and BLEU of the top result against its closest reference."""

from __future__ import annotations

import math

import pytest

from evals.metrics.ragas_env import ragas_unavailable
from evals.metrics.retrieval_ragas import (
    RAGAS_METRICS,
    Context,
    RetrievalSample,
    score_samples,
)
from tests.conftest import unless_installed

pytestmark = unless_installed(ragas_unavailable() is not None, "ragas (dev extra) is not installed")

SIZE_GUIDE = Context(
    "article:size-guide", "How to measure your foot", "Stand on paper and mark the heel and toe."
)
WIDTH = Context("fit:width-wide", "Wide fittings", "Wide feet need an E or EE fitting.")
SERUM = Context("product:sk-1", "Niacinamide serum", "A 10% niacinamide serum for oily skin.")


def test_retrieving_exactly_the_references_scores_one_everywhere() -> None:
    [scores] = score_samples([RetrievalSample("measure feet", [SIZE_GUIDE, WIDTH], [SIZE_GUIDE, WIDTH])])

    assert set(scores) == set(RAGAS_METRICS)
    assert scores["id_context_precision"] == 1.0
    assert scores["id_context_recall"] == 1.0
    assert scores["nonllm_context_precision"] == pytest.approx(1.0)
    assert scores["string_similarity"] == scores["rouge_l"] == pytest.approx(1.0)
    assert scores["bleu"] == pytest.approx(1.0)


def test_half_the_retrieved_ids_relevant_and_half_the_references_found() -> None:
    [scores] = score_samples([RetrievalSample("measure feet", [SERUM, SIZE_GUIDE], [SIZE_GUIDE, WIDTH])])

    assert scores["id_context_precision"] == 0.5
    assert scores["id_context_recall"] == 0.5
    assert scores["nonllm_context_precision"] == pytest.approx(0.5)  # relevant at rank 2: precision@2 = 1/2
    assert scores["rouge_l"] < 0.5  # the top result (the serum) is not the answer


def test_nothing_retrieved_leaves_every_score_undefined() -> None:
    [scores] = score_samples([RetrievalSample("measure feet", [], [SIZE_GUIDE])])

    assert all(math.isnan(value) for value in scores.values())
