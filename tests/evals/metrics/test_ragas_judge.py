"""Faithfulness and answer relevancy are judged only by a real model tier; the rule-based tier never judges,
and a metric that was not judged says why instead of carrying a value."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from core.settings import Settings
from evals.metrics.ragas_env import ragas_unavailable
from evals.metrics.ragas_judge import METRICS, JudgeSample, judge, judge_tiers
from tests.conftest import unless_installed

SAMPLE = JudgeSample(
    "s1", "Which shoe fits me?", "UK 8 fits your 262 mm foot.", ["size UK 8 fits 256-267 mm"]
)


def test_the_rule_based_tier_alone_judges_nothing_and_says_so() -> None:
    judged = judge(Settings(_env_file=None, model_tiers=["rules"]), [SAMPLE])

    assert [m.name for m in judged.metrics] == list(METRICS)
    assert all(
        m.value is None and m.note.startswith("not judged: no model tier is configured")
        for m in judged.metrics
    )
    assert judged.rows == {}
    assert judged.notes


def test_a_configured_tier_without_credentials_is_not_a_judge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "evals.metrics.ragas_judge.configured_status",
        lambda settings: [
            {"tier": "bedrock:model-x", "kind": "bedrock", "state": "no credentials"},
            {"tier": "rules", "kind": "rules", "state": "available"},
        ],
    )

    tiers, reason = judge_tiers(Settings(_env_file=None, model_tiers=["rules"]))

    assert tiers == []
    assert reason == "no configured model tier is available: bedrock:model-x (no credentials)"


def test_every_available_model_tier_but_the_rules_tier_judges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "evals.metrics.ragas_judge.configured_status",
        lambda settings: [
            {"tier": "bedrock:a", "kind": "bedrock", "state": "available"},
            {"tier": "llamacpp:smollm2", "kind": "llamacpp", "state": "available"},
            {"tier": "rules", "kind": "rules", "state": "available"},
        ],
    )

    assert judge_tiers(Settings(_env_file=None)) == (["bedrock:a", "llamacpp:smollm2"], None)


def judge_answer(content: object) -> AIMessage:
    """An answer as the router returns it: the tier that answered in `response_metadata["pakka"]`."""
    return AIMessage(content=json.dumps(content), response_metadata={"pakka": {"tier": "bedrock:judge"}})


@unless_installed(ragas_unavailable() is not None, "ragas (dev extra) is not installed")
def test_a_model_judges_faithfulness_and_each_score_names_the_tier_that_judged_it() -> None:
    statements = ["UK 8 fits a 262 mm foot.", "It costs 599 rupees."]
    model = GenericFakeChatModel(
        messages=iter(
            [
                judge_answer({"statements": statements}),
                judge_answer(
                    {
                        "statements": [
                            {"statement": statements[0], "reason": "the chart row says so", "verdict": 1},
                            {"statement": statements[1], "reason": "no price in the context", "verdict": 0},
                        ]
                    }
                ),
            ]
        )
    )
    sample = JudgeSample(
        "s1", "Which shoe fits me?", " ".join(statements), ["size UK 8 fits feet of 256-267 mm"]
    )

    judged = judge(Settings(_env_file=None, embedding_model="none"), [sample], model=model)

    faithfulness, relevancy = judged.metrics
    assert (faithfulness.value, faithfulness.note) == (0.5, "judged by tier bedrock:judge")
    assert judged.rows["s1"] == {"ragas_faithfulness": 0.5, "ragas_faithfulness_tier": "bedrock:judge"}
    assert relevancy.value is None and relevancy.note == "not judged: no embedder configured"


def test_the_judge_timeout_bounds_each_call_of_the_judging_router_only() -> None:
    from evals.metrics.ragas_judge import judge_settings

    settings = Settings(_env_file=None, model_timeout_s=30.0)

    judging = judge_settings(settings, ["llamacpp:/models/judge.gguf"], timeout_s=600)

    assert judging.model_timeout_s == 600.0
    assert judging.model_tiers == ["llamacpp:/models/judge.gguf"]
    assert judge_settings(settings, ["bedrock:a"]).model_timeout_s == 30.0
    assert settings.model_timeout_s == 30.0
    with pytest.raises(ValueError, match="positive"):
        judge_settings(settings, ["bedrock:a"], timeout_s=0)


def test_a_judge_timeout_given_to_judge_reaches_the_router_it_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Settings] = []
    given: list[float] = []
    monkeypatch.setattr("evals.metrics.ragas_judge.judge_tiers", lambda settings: (["llamacpp:judge"], None))
    monkeypatch.setattr("evals.metrics.ragas_judge.ragas_unavailable", lambda: None)
    monkeypatch.setattr("agents.router.build_router", lambda settings: built.append(settings) or object())

    async def fake_judge(
        router: object, embedder: object, samples: object, tiers: object, timeout_s: float
    ) -> str:
        given.append(timeout_s)
        return "judged"

    monkeypatch.setattr("evals.metrics.ragas_judge._judge", fake_judge)

    assert judge(Settings(_env_file=None, embedding_model="none"), [SAMPLE], timeout_s=420) == "judged"
    assert [s.model_timeout_s for s in built] == [420.0]
    assert given == [420.0]
