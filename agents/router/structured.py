"""Structured output through the router: each tier's own `with_structured_output`, tried in order.

Every tier is asked with `include_raw=True` so the router sees token usage and parsing errors; output the
schema rejects counts as that tier's failure (the next tier gets the request), never as a result.
"""

from __future__ import annotations

import json
import time
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForChainRun, CallbackManagerForChainRun
from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage
from langchain_core.runnables import Runnable, RunnableConfig

from agents.router.record import CALL_EVENT, Attempt, CallRecord
from agents.router.router import ModelRouter, TierOptions, options_for
from agents.router.tiers import Tier


class RoutedStructuredOutput(Runnable[LanguageModelInput, Any]):
    def __init__(
        self,
        *,
        router: ModelRouter,
        schema: dict[str, Any] | type,
        include_raw: bool,
        tier_options: TierOptions,
    ) -> None:
        self.router = router
        self.schema = schema
        self.include_raw = include_raw
        self.tier_options = tier_options
        self.schema_name = schema.__name__ if isinstance(schema, type) else str(schema.get("title", "schema"))
        self.cache_key: tuple[object, str] = (
            schema if isinstance(schema, type) else json.dumps(schema, sort_keys=True),
            json.dumps(tier_options, sort_keys=True, default=repr),
        )

    def _prepare(self, tier: Tier) -> Runnable[Any, Any]:
        return self.router.structured_runnable(
            tier,
            self.cache_key,
            lambda: tier.model().with_structured_output(
                self.schema, include_raw=True, **options_for(tier, self.tier_options)
            ),
        )

    def _invoke(self, tier: Tier, runnable: Runnable[Any, Any], messages: Any, config: RunnableConfig) -> Any:
        return self._checked(tier, runnable.invoke(messages, config))

    async def _ainvoke(
        self, tier: Tier, runnable: Runnable[Any, Any], messages: Any, config: RunnableConfig
    ) -> Any:
        return self._checked(tier, await runnable.ainvoke(messages, config))

    def _checked(self, tier: Tier, result: Any) -> dict[str, Any]:
        if result.get("parsing_error") is not None:
            raise result["parsing_error"]
        if result.get("parsed") is None:
            raise OutputParserException(f"{tier.name} returned no {self.schema_name}")
        return dict(result)

    def _output(self, result: dict[str, Any], record: CallRecord) -> Any:
        raw = result["raw"]
        if isinstance(raw, AIMessage):
            raw = self.router.stamp(raw, record)
        if self.include_raw:
            return {"raw": raw, "parsed": result["parsed"], "parsing_error": None}
        return result["parsed"]

    def _run(
        self, input: LanguageModelInput, run_manager: CallbackManagerForChainRun, config: RunnableConfig
    ) -> Any:
        router = self.router
        messages = router._convert_input(input).to_messages()
        started = time.perf_counter()
        attempts: list[Attempt] = []
        callbacks = run_manager.get_child()
        for tier, breaker, runnable in router.candidates(attempts, self._prepare):
            tier_config = router.tier_config(tier, callbacks)
            try:
                result = router.call_with_retries(
                    tier, attempts, self._invoke, tier, runnable, messages, tier_config
                )
            except Exception as error:
                router.charge(breaker, error)
                continue
            breaker.record_success()
            record = router.make_record(tier, result["raw"], attempts, started)
            callbacks.on_custom_event(CALL_EVENT, record.model_dump(mode="json"), run_id=run_manager.run_id)
            return self._output(result, record)
        raise router.all_failed(attempts)

    async def _arun(
        self, input: LanguageModelInput, run_manager: AsyncCallbackManagerForChainRun, config: RunnableConfig
    ) -> Any:
        router = self.router
        messages = router._convert_input(input).to_messages()
        started = time.perf_counter()
        attempts: list[Attempt] = []
        callbacks = run_manager.get_child()
        for tier, breaker, runnable in router.candidates(attempts, self._prepare):
            tier_config = router.tier_config(tier, callbacks)
            try:
                result = await router.acall_with_retries(
                    tier, attempts, self._ainvoke, tier, runnable, messages, tier_config
                )
            except Exception as error:
                router.charge(breaker, error)
                continue
            breaker.record_success()
            record = router.make_record(tier, result["raw"], attempts, started)
            await callbacks.on_custom_event(
                CALL_EVENT, record.model_dump(mode="json"), run_id=run_manager.run_id
            )
            return self._output(result, record)
        raise router.all_failed(attempts)

    def invoke(self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        return self._call_with_config(self._run, input, config, run_type="chain")

    async def ainvoke(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Any:
        return await self._acall_with_config(self._arun, input, config, run_type="chain")
