"""The rule-based tier: a deterministic LangChain chat model that needs no language model at all.

It answers the three kinds of request graphs make:
- structured output (`with_structured_output`): the project's schemas parsed from the last human message;
- tool calls (`bind_tools`): the tool for the chat action the message asks for, arguments filled in;
- text: writing tasks from templates, summaries of tool results, and short chat replies.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolCall, ToolCallChunk
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool

from agents.rules.chat import understand_turn
from agents.rules.conversation import last_human_text, pending_tool_results
from agents.rules.shop_chat import shopping_answer
from agents.rules.structured import structured_arguments
from agents.rules.structured_output import InlineStructuredOutput
from agents.rules.tool_calls import ACTION_TOOLS, TOOL_ACTIONS, ToolSpec, fill_arguments, known_values
from agents.rules.writer import ask_for, chat_reply, summarise_tool_result, write_task
from agents.text_tasks import read_task
from prompts.chat import chat_facts

MODEL_NAME = "pakka-rules-v1"
TRACED_SCHEMA = "ls_structured_output_format"
"""The keyword `with_structured_output` binds for tracing: {"kwargs": ..., "schema": the schema}."""
_TOKEN = re.compile(r"\w+|[^\w\s]")
_STREAM_PIECE = re.compile(r"\S+\s*|\s+")


def estimate_tokens(text: str) -> int:
    """Words and punctuation marks: close enough to a BPE count for cost reports, and deterministic."""
    return len(_TOKEN.findall(text))


def _forced_tool(tool_choice: Any, specs: list[ToolSpec]) -> ToolSpec | None:
    """The tool `tool_choice` insists on: "any"/True with one tool, a name, or an OpenAI/Bedrock dict."""
    if not specs or tool_choice in (None, "auto", "none", False):
        return None
    name: str | None = None
    if isinstance(tool_choice, dict):
        name = (tool_choice.get("function") or {}).get("name") or tool_choice.get("name")
    elif isinstance(tool_choice, str) and tool_choice not in ("any", "required"):
        name = tool_choice
    if name is None:
        return specs[0] if len(specs) == 1 else None
    return next((spec for spec in specs if spec.name == name), None)


class RuleBasedChatModel(BaseChatModel):
    """Deterministic chat model over pakka's parsers and templates; the router's tier that never fails."""

    model_name: str = MODEL_NAME

    @property
    def _llm_type(self) -> str:
        return "pakka-rules"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name}

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | dict[str, Any] | bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        traced = kwargs.get(TRACED_SCHEMA)
        if traced and not isinstance(traced.get("schema"), dict):
            # LangChain turns this tracing metadata's schema into JSON schema on every call (about a
            # millisecond for a pydantic model); converting it once here gives the same metadata.
            kwargs[TRACED_SCHEMA] = {**traced, "schema": convert_to_json_schema(traced["schema"])}
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def with_structured_output(
        self, schema: dict[str, Any] | type, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable[LanguageModelInput, Any]:
        """The schema as one forced tool, parsed inline (`InlineStructuredOutput`). Like LangChain's own,
        accepts and ignores `method` and `strict`, and refuses any other option."""
        unsupported = sorted(set(kwargs) - {"method", "strict"})
        if unsupported:
            raise ValueError(f"Received unsupported arguments {unsupported}")
        bound = self.bind_tools(
            [schema],
            tool_choice="any",
            **{TRACED_SCHEMA: {"kwargs": {"method": "function_calling"}, "schema": schema}},
        )
        return InlineStructuredOutput(bound, schema, include_raw)

    def respond(
        self, messages: Sequence[BaseMessage], tools: Sequence[dict[str, Any]] = (), tool_choice: Any = None
    ) -> AIMessage:
        """The whole answer as one message (shared by `_generate` and `_stream`)."""
        specs = [ToolSpec.from_openai(tool) for tool in tools] if tool_choice != "none" else []
        forced = _forced_tool(tool_choice, specs)
        if forced is not None:
            if forced.name in TOOL_ACTIONS:
                return self._tool_message(forced.name, self._action_arguments(forced, messages))
            return self._tool_message(forced.name, structured_arguments(forced, messages))
        facts = chat_facts(list(messages)) if specs else None
        if facts is not None:
            return shopping_answer(messages, [spec.name for spec in specs], facts)
        results = pending_tool_results(messages)
        if results:
            text = "\n\n".join(
                summarise_tool_result(result.name or "tool", result.text) for result in results
            )
            return AIMessage(content=text)
        human = last_human_text(messages)
        task = read_task(human)
        if task is not None:
            return AIMessage(content=write_task(task))
        turn = understand_turn(human)
        by_name = {spec.name: spec for spec in specs}
        tool_name = ACTION_TOOLS.get(turn.action)
        if tool_name in by_name:
            planned = fill_arguments(by_name[tool_name], known_values(turn, human, messages))
            if planned.missing:
                return AIMessage(content=ask_for(list(planned.missing), turn.action))
            return self._tool_message(planned.tool, planned.args)
        return AIMessage(content=chat_reply(turn))

    def _action_arguments(self, spec: ToolSpec, messages: Sequence[BaseMessage]) -> dict[str, Any]:
        human = last_human_text(messages)
        turn = understand_turn(human)
        return fill_arguments(spec, known_values(turn, human, messages)).args

    @staticmethod
    def _tool_message(name: str, args: dict[str, Any]) -> AIMessage:
        call = ToolCall(name=name, args=args, id=f"call_{uuid.uuid4().hex[:24]}", type="tool_call")
        return AIMessage(content="", tool_calls=[call])

    def _usage(self, messages: Sequence[BaseMessage], answer: AIMessage) -> UsageMetadata:
        prompt = sum(estimate_tokens(message.text) for message in messages)
        output = estimate_tokens(answer.text) + sum(
            estimate_tokens(str(call["args"])) for call in answer.tool_calls
        )
        return UsageMetadata(input_tokens=prompt, output_tokens=output, total_tokens=prompt + output)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        answer = self.respond(messages, kwargs.get("tools") or (), kwargs.get("tool_choice"))
        answer.usage_metadata = self._usage(messages, answer)
        answer.response_metadata = {
            **answer.response_metadata,
            "model_name": self.model_name,
            "model_provider": "pakka",
        }
        return ChatResult(generations=[ChatGeneration(message=answer)])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        """Inline on the event loop: a rules answer is a few milliseconds of pure Python, about what a thread
        hop costs."""
        return self._generate(messages, stop, None, **kwargs)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        for chunk in self._stream(messages, stop, None, **kwargs):
            yield chunk

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        answer = self.respond(messages, kwargs.get("tools") or (), kwargs.get("tool_choice"))
        if answer.tool_calls:
            chunks = [
                ToolCallChunk(
                    name=call["name"],
                    args=json.dumps(call["args"], ensure_ascii=False),
                    id=call["id"],
                    index=index,
                )
                for index, call in enumerate(answer.tool_calls)
            ]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=chunks))
        else:
            for piece in _STREAM_PIECE.findall(answer.text):
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=self._usage(messages, answer),
                response_metadata={
                    **answer.response_metadata,
                    "model_name": self.model_name,
                    "model_provider": "pakka",
                },
                chunk_position="last",
            )
        )
