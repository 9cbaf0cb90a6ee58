"""The optional local tier: a GGUF model run in-process by llama.cpp (extra `[local]`).

Structured output and tool calls are constrained by llama.cpp's JSON-schema grammar, so even a tiny model
returns JSON that parses against the schema. Generation always runs as a token stream internally, which
is how the tier honours its timeout: it stops reading tokens at the deadline and raises TierTimeout.
One Llama context is not thread-safe, so calls on one model are serialised by a lock.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolCall,
    ToolMessage,
)
from langchain_core.messages.ai import UsageMetadata
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool
from pydantic import BaseModel, PrivateAttr

from agents.router.failures import TierTimeout

REPLY = "reply"


def llama_cpp_installed() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


def _role_messages(messages: Sequence[BaseMessage]) -> list[dict[str, str]]:
    """OpenAI-style messages; tool results become user turns, which every chat template understands."""
    converted: list[dict[str, str]] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            converted.append({"role": "system", "content": message.text})
        elif isinstance(message, ToolMessage):
            converted.append(
                {"role": "user", "content": f"Result of {message.name or 'tool'}: {message.text}"}
            )
        elif isinstance(message, AIMessage):
            calls = "; ".join(
                f"called {call['name']}({json.dumps(call['args'])})" for call in message.tool_calls
            )
            converted.append({"role": "assistant", "content": message.text or calls})
        elif isinstance(message, HumanMessage):
            converted.append({"role": "user", "content": message.text})
    return converted


def tool_choice_schema(tools: Sequence[dict[str, Any]], allow_reply: bool) -> dict[str, Any]:
    """A JSON schema whose every instance is one tool call ({"name", "arguments"}) or, if allowed, a reply."""
    options: list[dict[str, Any]] = []
    for tool in tools:
        function = tool["function"]
        options.append(
            {
                "type": "object",
                "properties": {
                    "name": {"const": function["name"]},
                    "arguments": function.get("parameters") or {"type": "object"},
                },
                "required": ["name", "arguments"],
            }
        )
    if allow_reply:
        options.append({"type": "object", "properties": {REPLY: {"type": "string"}}, "required": [REPLY]})
    return {"anyOf": options}


def _tools_prompt(tools: Sequence[dict[str, Any]]) -> str:
    lines = ['You can call these tools. Answer with JSON: {"name": tool, "arguments": {...}}.']
    lines += [f"- {tool['function']['name']}: {tool['function'].get('description', '')}" for tool in tools]
    return "\n".join(lines)


class LlamaCppChatModel(BaseChatModel):
    """Chat model over `llama_cpp.Llama`, with grammar-constrained structured output and tool calls."""

    model_path: str
    n_ctx: int = 2048
    n_threads: int | None = None
    max_tokens: int = 512
    temperature: float = 0.2
    seed: int = 7
    timeout_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx}

    def _model(self) -> Any:
        if self._llama is None:
            from llama_cpp import Llama

            self._llama = Llama(
                model_path=self.model_path,
                n_ctx=self.n_ctx,
                n_threads=self.n_threads,
                seed=self.seed,
                verbose=False,
            )
        return self._llama

    # -- binding -------------------------------------------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | dict[str, Any] | bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        if isinstance(tool_choice, str) and tool_choice not in ("auto", "any", "required", "none"):
            formatted = [tool for tool in formatted if tool["function"]["name"] == tool_choice]
        elif isinstance(tool_choice, dict):
            name = (tool_choice.get("function") or {}).get("name") or tool_choice.get("name")
            formatted = [tool for tool in formatted if tool["function"]["name"] == name]
        must_call = tool_choice not in (None, "auto", "none", False)
        return self.bind(tools=formatted, allow_reply=not must_call, **kwargs)

    def with_structured_output(
        self, schema: dict[str, Any] | type, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable[LanguageModelInput, Any]:
        """JSON constrained by `schema` (grammar), parsed into the pydantic class or a dict."""
        if kwargs:
            raise TypeError(f"unsupported options {sorted(kwargs)}")
        json_schema = convert_to_json_schema(schema)
        parser: Runnable[Any, Any]
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            parser = PydanticOutputParser(pydantic_object=schema)
        else:
            parser = JsonOutputParser()
        model = self.bind(json_schema=json_schema)
        if not include_raw:
            return model | parser
        parse = RunnablePassthrough.assign(parsed=itemgetter("raw") | parser, parsing_error=lambda _: None)
        keep_raw = RunnablePassthrough.assign(parsed=lambda _: None)
        return RunnableMap(raw=model) | parse.with_fallbacks([keep_raw], exception_key="parsing_error")

    # -- generation ----------------------------------------------------------------------------------

    def _request(
        self, messages: Sequence[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        chat = _role_messages(messages)
        request: dict[str, Any] = {
            "messages": chat,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stop": stop or [],
            "seed": self.seed,
            "stream": True,
        }
        tools = kwargs.get("tools")
        if tools:
            chat.insert(0, {"role": "system", "content": _tools_prompt(tools)})
            request["response_format"] = {
                "type": "json_object",
                "schema": tool_choice_schema(tools, kwargs.get("allow_reply", True)),
            }
        elif kwargs.get("json_schema") is not None:
            schema = kwargs["json_schema"]
            chat.insert(
                0,
                {
                    "role": "system",
                    "content": f"Reply with one JSON object following this schema: {json.dumps(schema)}",
                },
            )
            request["response_format"] = {"type": "json_object", "schema": schema}
        return request

    def _tokens(
        self, messages: Sequence[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Iterator[str]:
        """Token texts as llama.cpp produces them; TierTimeout if the deadline passes first."""
        deadline = self.clock() + self.timeout_s
        with self._lock:
            stream = self._model().create_chat_completion(**self._request(messages, stop, kwargs))
            try:
                for part in stream:
                    if self.clock() > deadline:
                        raise TierTimeout(f"local model passed its {self.timeout_s}s deadline")
                    text = part["choices"][0].get("delta", {}).get("content")
                    if text:
                        yield text
            finally:
                stream.close()

    def _usage(self, messages: Sequence[BaseMessage], output_tokens: int) -> UsageMetadata:
        prompt = "\n".join(message.text for message in messages)
        input_tokens = len(self._model().tokenize(prompt.encode("utf-8"), add_bos=False))
        return UsageMetadata(
            input_tokens=input_tokens, output_tokens=output_tokens, total_tokens=input_tokens + output_tokens
        )

    @staticmethod
    def _as_message(text: str, tools_bound: bool) -> AIMessage:
        if not tools_bound:
            return AIMessage(content=text)
        payload = json.loads(text)
        if REPLY in payload:
            return AIMessage(content=str(payload[REPLY]))
        call = ToolCall(
            name=payload["name"],
            args=payload.get("arguments") or {},
            id=f"call_{uuid.uuid4().hex[:24]}",
            type="tool_call",
        )
        return AIMessage(content="", tool_calls=[call])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        pieces = list(self._tokens(messages, stop, kwargs))
        message = self._as_message("".join(pieces), bool(kwargs.get("tools")))
        message.usage_metadata = self._usage(messages, len(pieces))
        message.response_metadata = {"model_name": self.model_path, "model_provider": "llamacpp"}
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        if kwargs.get("tools"):
            result = self._generate(messages, stop, run_manager, **kwargs)
            message = result.generations[0].message
            yield ChatGenerationChunk(
                message=AIMessageChunk(
                    content=message.content,
                    tool_call_chunks=[
                        {
                            "name": call["name"],
                            "args": json.dumps(call["args"]),
                            "id": call["id"],
                            "index": index,
                            "type": "tool_call_chunk",
                        }
                        for index, call in enumerate(getattr(message, "tool_calls", []))
                    ],
                    usage_metadata=getattr(message, "usage_metadata", None),
                )
            )
            return
        count = 0
        for text in self._tokens(messages, stop, kwargs):
            count += 1
            yield ChatGenerationChunk(message=AIMessageChunk(content=text))
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=self._usage(messages, count),
                response_metadata={"model_name": self.model_path, "model_provider": "llamacpp"},
                chunk_position="last",
            )
        )
