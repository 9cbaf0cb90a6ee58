"""Fixtures for the router tests: stubbed Bedrock clients, a manual clock, recorded backoff sleeps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agents.router import ModelRouter, build_router
from agents.router.breaker import BreakerRegistry
from core.settings import Settings
from tests.agents.router.bedrock_fakes import BedrockStubs, ManualClock


@pytest.fixture
def bedrock() -> BedrockStubs:
    return BedrockStubs()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def waits() -> list[float]:
    """Backoff sleeps the router asked for (recorded instead of slept)."""
    return []


@pytest.fixture
def make_router(bedrock: BedrockStubs, clock: ManualClock, waits: list[float]) -> Callable[..., ModelRouter]:
    """A router from Settings over the stubbed Bedrock clients; breakers on the manual clock."""

    def make(tiers: list[str], **overrides: Any) -> ModelRouter:
        settings = Settings(
            _env_file=None,
            model_tiers=tiers,
            model_backoff_initial_s=0.5,
            model_backoff_max_s=2.0,
            **overrides,
        )
        router = build_router(settings, bedrock_clients=bedrock.clients)
        breakers = BreakerRegistry(settings.model_breaker_failures, settings.model_breaker_cooldown_s, clock)

        async def record_async(seconds: float) -> None:
            waits.append(seconds)

        return router.model_copy(
            update={"breakers": breakers, "sleep": waits.append, "async_sleep": record_async}
        )

    return make
