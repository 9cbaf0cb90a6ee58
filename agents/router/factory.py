"""Builds the router from settings, once at start-up; graphs receive it through their context."""

from __future__ import annotations

from agents.router.breaker import BreakerRegistry
from agents.router.credentials import AwsCredentials
from agents.router.router import ModelRouter
from agents.router.tiers import BedrockClientFactory, build_tiers
from core.settings import Settings


def build_router(settings: Settings, *, bedrock_clients: BedrockClientFactory | None = None) -> ModelRouter:
    """The router for PAKKA_MODEL_TIERS. `bedrock_clients` replaces the boto3 clients (tests use Stubber)."""
    credentials = AwsCredentials(use_instance_metadata=settings.bedrock_use_instance_metadata)
    return ModelRouter(
        tiers=build_tiers(settings, credentials, bedrock_clients),
        breakers=BreakerRegistry(settings.model_breaker_failures, settings.model_breaker_cooldown_s),
        backoff_initial_s=settings.model_backoff_initial_s,
        backoff_max_s=settings.model_backoff_max_s,
    )
