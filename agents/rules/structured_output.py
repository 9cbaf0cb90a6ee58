"""`with_structured_output` of the rule-based tier: its forced tool call, parsed in the calling thread.

LangChain's generic structured-output chain (`RunnableMap(raw=llm) | RunnablePassthrough.assign(...)
.with_fallbacks(...)`) runs its parsing steps on a thread pool when it is awaited: three thread hops per
call, several times what the rules answer itself costs. This runnable gives the same results (the parsed
schema, or with `include_raw` the `{"raw", "parsed", "parsing_error"}` dict) without them; the chat model
run, with its callbacks and tracing metadata, is the same one the generic chain would make.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import BaseModel


class InlineStructuredOutput(Runnable[LanguageModelInput, Any]):
    """Calls `bound` (the model with the schema bound as its forced tool) and parses the first tool call:
    into the schema when it is a pydantic model, as the arguments dict otherwise."""

    def __init__(
        self, bound: Runnable[LanguageModelInput, AIMessage], schema: dict[str, Any] | type, include_raw: bool
    ) -> None:
        self.bound = bound
        self.schema = schema
        self.include_raw = include_raw

    def invoke(self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        return self._output(self.bound.invoke(input, config, **kwargs))

    async def ainvoke(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Any:
        return self._output(await self.bound.ainvoke(input, config, **kwargs))

    def _output(self, raw: AIMessage) -> Any:
        if not self.include_raw:
            return self._parse(raw)
        try:
            return {"raw": raw, "parsed": self._parse(raw), "parsing_error": None}
        except ValueError as error:
            return {"raw": raw, "parsed": None, "parsing_error": error}

    def _parse(self, raw: AIMessage) -> Any:
        if not raw.tool_calls:
            return None
        arguments = raw.tool_calls[0]["args"]
        if isinstance(self.schema, type) and issubclass(self.schema, BaseModel):
            return self.schema.model_validate(arguments)
        return arguments
