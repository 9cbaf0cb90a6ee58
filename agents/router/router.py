"""ModelRouter: a chat model that tries its tiers in order, so graphs use it like any other chat model.

Per tier: skip it at once when it has no credentials or its breaker is open; otherwise call it, retrying
retryable errors with jittered exponential backoff (tenacity), and fall to the next tier on any failure.
Streaming falls over only before the first token; after it, a failure ends the stream with
ModelStreamInterrupted, so no text is ever produced twice.

Each tier's own run is tagged `nostream` (LangGraph's opt-out), so only the router's tokens reach a
graph's message stream, and internal structured calls never leak into a shopper's chat.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Annotated, Any, TypeVar

from langchain_core.callbacks import (
    AsyncCallbackManager,
    AsyncCallbackManagerForLLMRun,
    CallbackManager,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, BaseMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.tools import BaseTool
from langgraph.constants import TAG_NOSTREAM
from pydantic import ConfigDict, Field, PrivateAttr, SkipValidation
from tenacity import AsyncRetrying, Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from agents.router.breaker import BreakerRegistry, BreakerState, CircuitBreaker
from agents.router.failures import (
    AllTiersFailed,
    FailureKind,
    ModelStreamInterrupted,
    TierTimeout,
    classify,
    error_name,
)
from agents.router.prices import PriceTable
from agents.router.record import CALL_EVENT, Attempt, CallRecord
from agents.router.status import NO_CREDENTIALS as NO_CREDENTIALS  # re-exported
from agents.router.status import state_of
from agents.router.tiers import Tier

T = TypeVar("T")
TierOptions = Mapping[str, Mapping[str, Any]]
"""Provider options per tier, keyed by tier name ("bedrock:<id>") or kind ("bedrock", "llamacpp", "rules")."""

BREAKER_OPEN = "BreakerOpen"


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)


def _has_content(chunk: BaseMessageChunk) -> bool:
    return bool(chunk.content) or bool(getattr(chunk, "tool_call_chunks", None))


def options_for(tier: Tier, tier_options: TierOptions | None) -> dict[str, Any]:
    """Options for this tier only: its kind's, then its own name's; never another provider's."""
    if not tier_options:
        return {}
    return {**tier_options.get(tier.spec.kind, {}), **tier_options.get(tier.name, {})}


def _child_manager(run_manager: CallbackManagerForLLMRun | None) -> CallbackManager | None:
    """Callbacks for a tier's run, nested under the router's run (LLM run managers have no `get_child`)."""
    if run_manager is None:
        return None
    manager = CallbackManager(handlers=[], parent_run_id=run_manager.run_id)
    manager.set_handlers(run_manager.inheritable_handlers)
    manager.add_tags(run_manager.inheritable_tags)
    manager.add_metadata(run_manager.inheritable_metadata)
    return manager


def _async_child_manager(run_manager: AsyncCallbackManagerForLLMRun | None) -> AsyncCallbackManager | None:
    if run_manager is None:
        return None
    manager = AsyncCallbackManager(handlers=[], parent_run_id=run_manager.run_id)
    manager.set_handlers(run_manager.inheritable_handlers)
    manager.add_tags(run_manager.inheritable_tags)
    manager.add_metadata(run_manager.inheritable_metadata)
    return manager


class ModelRouter(BaseChatModel):
    """Five-tier (configurable) fallback chat model. Build it once with `build_router(settings)`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    tiers: Annotated[list[Tier], SkipValidation]
    breakers: BreakerRegistry
    prices: PriceTable = Field(default_factory=PriceTable)
    backoff_initial_s: float = 0.25
    backoff_max_s: float = 4.0
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    tools: list[Any] | None = None
    tool_choice: Any = None
    tier_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    _bound: dict[str, Runnable[Any, Any]] = PrivateAttr(default_factory=dict)
    _structured: dict[tuple[str, tuple[object, str]], Runnable[Any, Any]] = PrivateAttr(default_factory=dict)

    @property
    def _llm_type(self) -> str:
        return "pakka-router"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"tiers": [tier.name for tier in self.tiers]}

    # -- binding -----------------------------------------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | dict[str, Any] | bool | None = None,
        tier_options: TierOptions | None = None,
        **kwargs: Any,
    ) -> ModelRouter:
        """A router whose every tier has `tools` bound by its own `bind_tools`.

        `tier_options` carries provider-specific options for the tiers they name; any other keyword is
        refused, because it would be sent to every provider."""
        if kwargs:
            raise TypeError(f"pass provider options through tier_options, not {sorted(kwargs)}")
        return self.model_copy(
            update={
                "tools": list(tools),
                "tool_choice": tool_choice,
                "tier_options": {key: dict(value) for key, value in (tier_options or {}).items()},
                "_bound": {},
            }
        )

    def structured_runnable(
        self, tier: Tier, key: tuple[object, str], build: Callable[[], Runnable[Any, Any]]
    ) -> Runnable[Any, Any]:
        """The tier's structured-output runnable for one schema and options, built once per router.

        Turning a schema into a tool definition costs milliseconds per call (pydantic regenerates the JSON
        schema); graphs ask for the same few schemas on every request."""
        cached = self._structured.get((tier.name, key))
        if cached is None:
            cached = self._structured.setdefault((tier.name, key), build())
        return cached

    def with_structured_output(
        self,
        schema: dict[str, Any] | type,
        *,
        include_raw: bool = False,
        tier_options: TierOptions | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, Any]:
        """Structured output through the tiers; each tier uses its own `with_structured_output`."""
        if kwargs:
            raise TypeError(f"pass provider options through tier_options, not {sorted(kwargs)}")
        from agents.router.structured import RoutedStructuredOutput

        return RoutedStructuredOutput(
            router=self, schema=schema, include_raw=include_raw, tier_options=dict(tier_options or {})
        )

    def runnable_for(self, tier: Tier) -> Runnable[Any, Any]:
        """The tier's model with this router's tools bound (cached per tier)."""
        if tier.name not in self._bound:
            model = tier.model()
            if self.tools is None:
                self._bound[tier.name] = model
            else:
                self._bound[tier.name] = model.bind_tools(
                    self.tools, tool_choice=self.tool_choice, **options_for(tier, self.tier_options)
                )
        return self._bound[tier.name]

    # -- shared machinery --------------------------------------------------------------------------

    def skip_reason(self, tier: Tier, breaker: CircuitBreaker) -> str | None:
        """Why the tier is not tried at all, checked in a few microseconds; claims a half-open probe slot."""
        if tier.unavailable is not None:
            return tier.unavailable
        if not breaker.allow():
            return BREAKER_OPEN
        return None

    def candidates(
        self, attempts: list[Attempt], prepare: Callable[[Tier], Runnable[Any, Any]]
    ) -> Iterator[tuple[Tier, CircuitBreaker, Runnable[Any, Any]]]:
        """The tiers to try, in order, each with its breaker and prepared runnable; skips are recorded."""
        for tier in self.tiers:
            breaker = self.breakers.get(tier.name)
            reason = self.skip_reason(tier, breaker)
            if reason is not None:
                attempts.append(Attempt(tier=tier.name, error=reason, latency_ms=0.0))
                continue
            try:
                runnable = prepare(tier)
            except Exception as error:
                attempts.append(Attempt(tier=tier.name, error=error_name(error), latency_ms=0.0))
                self.charge(breaker, error)
                continue
            yield tier, breaker, runnable

    @staticmethod
    def tier_config(tier: Tier, callbacks: Any) -> RunnableConfig:
        return RunnableConfig(
            callbacks=callbacks, tags=[TAG_NOSTREAM, f"pakka_tier:{tier.name}"], run_name=f"tier {tier.name}"
        )

    def _retry_policy(self, tier: Tier) -> dict[str, Any]:
        return {
            "stop": stop_after_attempt(tier.max_attempts),
            "wait": wait_random_exponential(multiplier=self.backoff_initial_s, max=self.backoff_max_s),
            "retry": retry_if_exception(lambda error: classify(error) is FailureKind.RETRYABLE),
            "reraise": True,
        }

    def call_with_retries(
        self, tier: Tier, attempts: list[Attempt], call: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T:
        """`call(*args, **kwargs)` with the tier's retry policy; every attempt is appended to `attempts`."""

        def attempt() -> T:
            started = time.perf_counter()
            try:
                result = call(*args, **kwargs)
            except Exception as error:
                attempts.append(Attempt(tier=tier.name, error=error_name(error), latency_ms=_ms(started)))
                raise
            attempts.append(Attempt(tier=tier.name, latency_ms=_ms(started)))
            return result

        return Retrying(sleep=self.sleep, **self._retry_policy(tier))(attempt)

    async def acall_with_retries(
        self,
        tier: Tier,
        attempts: list[Attempt],
        call: Callable[..., Awaitable[T]],
        *args: Any,
        **kwargs: Any,
    ) -> T:
        """Async `call_with_retries`; each attempt is also bounded by the tier's timeout."""

        async def attempt() -> T:
            started = time.perf_counter()
            try:
                result = await asyncio.wait_for(call(*args, **kwargs), timeout=tier.timeout_s)
            except TimeoutError as error:
                attempts.append(Attempt(tier=tier.name, error=TierTimeout.__name__, latency_ms=_ms(started)))
                raise TierTimeout(f"{tier.name} did not answer in {tier.timeout_s}s") from error
            except Exception as error:
                attempts.append(Attempt(tier=tier.name, error=error_name(error), latency_ms=_ms(started)))
                raise
            attempts.append(Attempt(tier=tier.name, latency_ms=_ms(started)))
            return result

        return await AsyncRetrying(sleep=self.async_sleep, **self._retry_policy(tier))(attempt)

    @staticmethod
    def charge(breaker: CircuitBreaker, error: BaseException) -> None:
        if classify(error) is FailureKind.REQUEST:
            breaker.record_neutral()
        else:
            breaker.record_failure()

    def make_record(
        self,
        tier: Tier,
        message: BaseMessage | None,
        attempts: list[Attempt],
        started: float,
        first_token_ms: float | None = None,
        error: str | None = None,
    ) -> CallRecord:
        usage = getattr(message, "usage_metadata", None) or {}
        input_tokens = int(usage.get("input_tokens", 0))
        output_tokens = int(usage.get("output_tokens", 0))
        return CallRecord(
            tier=tier.name,
            model=tier.model_id,
            attempts=attempts,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost_usd=self.prices.cost_usd(tier.model_id, input_tokens, output_tokens),
            latency_ms=_ms(started),
            first_token_ms=first_token_ms,
            error=error,
        )

    @staticmethod
    def all_failed(attempts: list[Attempt]) -> AllTiersFailed:
        tried = ", ".join(f"{attempt.tier}: {attempt.error}" for attempt in attempts) or "no tiers configured"
        return AllTiersFailed(
            f"no model tier answered ({tried})",
            {"attempts": [attempt.model_dump(mode="json") for attempt in attempts]},
        )

    @staticmethod
    def stamp(message: AIMessage, record: CallRecord) -> AIMessage:
        metadata = {**message.response_metadata, "pakka": record.model_dump(mode="json")}
        return message.model_copy(update={"response_metadata": metadata})

    # -- invoke --------------------------------------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        started = time.perf_counter()
        attempts: list[Attempt] = []
        callbacks = _child_manager(run_manager)
        for tier, breaker, runnable in self.candidates(attempts, self.runnable_for):
            config = self.tier_config(tier, callbacks)
            try:
                message = self.call_with_retries(tier, attempts, runnable.invoke, messages, config, stop=stop)
            except Exception as error:
                self.charge(breaker, error)
                continue
            breaker.record_success()
            record = self.make_record(tier, message, attempts, started)
            if callbacks is not None and run_manager is not None:
                callbacks.on_custom_event(
                    CALL_EVENT, record.model_dump(mode="json"), run_id=run_manager.run_id
                )
            return ChatResult(generations=[ChatGeneration(message=self.stamp(message, record))])
        raise self.all_failed(attempts)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        started = time.perf_counter()
        attempts: list[Attempt] = []
        callbacks = _async_child_manager(run_manager)
        for tier, breaker, runnable in self.candidates(attempts, self.runnable_for):
            config = self.tier_config(tier, callbacks)
            try:
                message = await self.acall_with_retries(
                    tier, attempts, runnable.ainvoke, messages, config, stop=stop
                )
            except Exception as error:
                self.charge(breaker, error)
                continue
            breaker.record_success()
            record = self.make_record(tier, message, attempts, started)
            if callbacks is not None and run_manager is not None:
                await callbacks.on_custom_event(
                    CALL_EVENT, record.model_dump(mode="json"), run_id=run_manager.run_id
                )
            return ChatResult(generations=[ChatGeneration(message=self.stamp(message, record))])
        raise self.all_failed(attempts)

    # -- stream --------------------------------------------------------------------------------------

    @staticmethod
    def _open_stream(
        runnable: Runnable[Any, Any],
        messages: list[BaseMessage],
        config: RunnableConfig,
        stop: list[str] | None,
    ) -> tuple[Iterator[BaseMessageChunk], list[BaseMessageChunk]]:
        """Start the tier's stream and read up to its first token; errors here still allow failover."""
        iterator = iter(runnable.stream(messages, config, stop=stop))
        head: list[BaseMessageChunk] = []
        for chunk in iterator:
            head.append(chunk)
            if _has_content(chunk):
                break
        return iterator, head

    @staticmethod
    async def _aopen_stream(
        runnable: Runnable[Any, Any],
        messages: list[BaseMessage],
        config: RunnableConfig,
        stop: list[str] | None,
    ) -> tuple[AsyncIterator[BaseMessageChunk], list[BaseMessageChunk]]:
        iterator = aiter(runnable.astream(messages, config, stop=stop))
        head: list[BaseMessageChunk] = []
        async for chunk in iterator:
            head.append(chunk)
            if _has_content(chunk):
                break
        return iterator, head

    @staticmethod
    def _relay(chunk: BaseMessageChunk) -> ChatGenerationChunk:
        """The tier's chunk under the router's run id (the router's stream assigns it)."""
        message = AIMessageChunk(
            content=chunk.content,
            additional_kwargs=chunk.additional_kwargs,
            response_metadata=chunk.response_metadata,
            tool_call_chunks=list(getattr(chunk, "tool_call_chunks", []) or []),
            usage_metadata=getattr(chunk, "usage_metadata", None),
        )
        return ChatGenerationChunk(message=message)

    def _closing_chunk(self, record: CallRecord, first: BaseMessageChunk | None) -> ChatGenerationChunk:
        empty: Any = [] if first is not None and isinstance(first.content, list) else ""
        closing = AIMessageChunk(
            content=empty, response_metadata={"pakka": record.model_dump(mode="json")}, chunk_position="last"
        )
        return ChatGenerationChunk(message=closing)

    def _interrupted(self, tier: Tier, error: BaseException, record: CallRecord) -> ModelStreamInterrupted:
        return ModelStreamInterrupted(
            f"{tier.name} failed after streaming began: {error_name(error)}",
            {"tier": tier.name, "error": error_name(error), "record": record.model_dump(mode="json")},
        )

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        started = time.perf_counter()
        attempts: list[Attempt] = []
        callbacks = _child_manager(run_manager)
        for tier, breaker, runnable in self.candidates(attempts, self.runnable_for):
            config = self.tier_config(tier, callbacks)
            try:
                iterator, head = self.call_with_retries(
                    tier, attempts, self._open_stream, runnable, messages, config, stop
                )
            except Exception as error:
                self.charge(breaker, error)
                continue
            first_token_ms = _ms(started)
            total: BaseMessageChunk | None = None
            try:
                for chunk in _chain(head, iterator):
                    total = chunk if total is None else total + chunk
                    yield self._relay(chunk)
            except Exception as error:
                attempts.append(Attempt(tier=tier.name, error=error_name(error), latency_ms=_ms(started)))
                self.charge(breaker, error)
                record = self.make_record(tier, total, attempts, started, first_token_ms, error_name(error))
                raise self._interrupted(tier, error, record) from error
            breaker.record_success()
            record = self.make_record(tier, total, attempts, started, first_token_ms)
            if callbacks is not None and run_manager is not None:
                callbacks.on_custom_event(
                    CALL_EVENT, record.model_dump(mode="json"), run_id=run_manager.run_id
                )
            yield self._closing_chunk(record, head[0] if head else None)
            return
        raise self.all_failed(attempts)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        started = time.perf_counter()
        attempts: list[Attempt] = []
        callbacks = _async_child_manager(run_manager)
        for tier, breaker, runnable in self.candidates(attempts, self.runnable_for):
            config = self.tier_config(tier, callbacks)
            try:
                iterator, head = await self.acall_with_retries(
                    tier, attempts, self._aopen_stream, runnable, messages, config, stop
                )
            except Exception as error:
                self.charge(breaker, error)
                continue
            first_token_ms = _ms(started)
            total: BaseMessageChunk | None = None
            try:
                for chunk in head:
                    total = chunk if total is None else total + chunk
                    yield self._relay(chunk)
                async for chunk in iterator:
                    total = chunk if total is None else total + chunk
                    yield self._relay(chunk)
            except Exception as error:
                attempts.append(Attempt(tier=tier.name, error=error_name(error), latency_ms=_ms(started)))
                self.charge(breaker, error)
                record = self.make_record(tier, total, attempts, started, first_token_ms, error_name(error))
                raise self._interrupted(tier, error, record) from error
            breaker.record_success()
            record = self.make_record(tier, total, attempts, started, first_token_ms)
            if callbacks is not None and run_manager is not None:
                await callbacks.on_custom_event(
                    CALL_EVENT, record.model_dump(mode="json"), run_id=run_manager.run_id
                )
            yield self._closing_chunk(record, head[0] if head else None)
            return
        raise self.all_failed(attempts)

    # -- status --------------------------------------------------------------------------------------

    def status(self) -> list[dict[str, Any]]:
        """Each tier with its state: available, no credentials, breaker open/half open, or why unusable."""
        snapshots = self.breakers.snapshot()
        rows: list[dict[str, Any]] = []
        for tier in self.tiers:
            snapshot = snapshots.get(tier.name)
            breaker_state = snapshot.state if snapshot else BreakerState.CLOSED
            state = state_of(tier.unavailable, breaker_state)
            rows.append(
                {
                    "tier": tier.name,
                    "kind": tier.spec.kind,
                    "state": state,
                    "breaker": breaker_state.value,
                    "consecutive_failures": snapshot.consecutive_failures if snapshot else 0,
                    "retry_in_s": snapshot.retry_in_s if snapshot else None,
                }
            )
        return rows


def _chain(head: list[BaseMessageChunk], rest: Iterator[BaseMessageChunk]) -> Iterator[BaseMessageChunk]:
    yield from head
    yield from rest
