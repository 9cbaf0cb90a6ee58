"""Bedrock without AWS: real boto3 clients whose calls are answered locally (imported by the router tests).

- `Stubber` (botocore.stub) answers Converse calls and injects service errors; botocore validates every
  request against the bedrock-runtime service model before the stub sees it.
- ConverseStream success needs an event stream, which Stubber cannot return, so those clients get a
  `before-send` hook that answers with real AWS event-stream bytes, parsed by botocore's own decoder.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

SONNET = "apac.anthropic.claude-sonnet-4-20250514-v1:0"
HAIKU = "apac.anthropic.claude-3-haiku-20240307-v1:0"
NOVA = "apac.amazon.nova-lite-v1:0"
LLAMA = "meta.llama3-70b-instruct-v1:0"
REGION = "ap-south-1"


def converse_text(text: str, input_tokens: int = 12, output_tokens: int = 5) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {
            "inputTokens": input_tokens,
            "outputTokens": output_tokens,
            "totalTokens": input_tokens + output_tokens,
        },
        "metrics": {"latencyMs": 42},
    }


def converse_tool_use(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "output": {
            "message": {
                "role": "assistant",
                "content": [{"toolUse": {"toolUseId": "tooluse_1", "name": name, "input": arguments}}],
            }
        },
        "stopReason": "tool_use",
        "usage": {"inputTokens": 30, "outputTokens": 20, "totalTokens": 50},
        "metrics": {"latencyMs": 42},
    }


def _header(name: str, value: str) -> bytes:
    encoded_name, encoded_value = name.encode(), value.encode()
    return (
        struct.pack("!B", len(encoded_name))
        + encoded_name
        + b"\x07"
        + struct.pack("!H", len(encoded_value))
        + encoded_value
    )


def event_message(headers: dict[str, str], payload: dict[str, Any]) -> bytes:
    """One message of the AWS event-stream binary format (prelude, headers, payload, two CRC32s)."""
    encoded_headers = b"".join(_header(key, value) for key, value in headers.items())
    body = json.dumps(payload).encode()
    prelude = struct.pack("!II", 12 + len(encoded_headers) + len(body) + 4, len(encoded_headers))
    prelude += struct.pack("!I", zlib.crc32(prelude))
    message = prelude + encoded_headers + body
    return message + struct.pack("!I", zlib.crc32(message))


def event(kind: str, payload: dict[str, Any]) -> bytes:
    return event_message(
        {":event-type": kind, ":message-type": "event", ":content-type": "application/json"}, payload
    )


def stream_exception(kind: str, message: str) -> bytes:
    return event_message(
        {":exception-type": kind, ":message-type": "exception", ":content-type": "application/json"},
        {"message": message},
    )


def text_stream(pieces: list[str], *, finish: bool = True) -> bytes:
    """A ConverseStream body that streams `pieces` (and ends properly when `finish`)."""
    body = event("messageStart", {"role": "assistant"})
    body += b"".join(
        event("contentBlockDelta", {"delta": {"text": piece}, "contentBlockIndex": 0}) for piece in pieces
    )
    if finish:
        body += event("contentBlockStop", {"contentBlockIndex": 0})
        body += event("messageStop", {"stopReason": "end_turn"})
        body += event(
            "metadata",
            {
                "usage": {"inputTokens": 9, "outputTokens": len(pieces), "totalTokens": 9 + len(pieces)},
                "metrics": {"latencyMs": 7},
            },
        )
    return body


class _RawBody:
    """Stands in for urllib3's response: botocore's event-stream parser reads it with `.stream()`."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    def close(self) -> None:
        self._data = b""


@dataclass
class BedrockModel:
    """The clients of one Bedrock model id, with their stub and the event streams queued for them."""

    runtime: Any
    control: Any
    stubber: Stubber
    streams: list[bytes] = field(default_factory=list)
    wire_requests: list[dict[str, Any]] = field(default_factory=list)

    def queue_stream(self, body: bytes) -> None:
        self.streams.append(body)

    def _answer_stream(self, request: Any, **_: Any) -> AWSResponse:
        self.wire_requests.append(json.loads(request.body))
        body = self.streams.pop(0)
        return AWSResponse(
            request.url, 200, {"content-type": "application/vnd.amazon.eventstream"}, _RawBody(body)
        )


class BedrockStubs:
    """Real bedrock-runtime clients per model id, answered by Stubber or by queued event streams."""

    def __init__(self) -> None:
        self.models: dict[str, BedrockModel] = {}

    def __getitem__(self, model_id: str) -> BedrockModel:
        if model_id not in self.models:
            runtime = boto3.client("bedrock-runtime", region_name=REGION)
            control = boto3.client("bedrock", region_name=REGION)
            model = BedrockModel(runtime, control, Stubber(runtime))
            runtime.meta.events.register("before-send.bedrock-runtime.ConverseStream", model._answer_stream)
            self.models[model_id] = model
        return self.models[model_id]

    def clients(self, model_id: str) -> tuple[Any, Any]:
        model = self[model_id]
        return model.runtime, model.control

    def stub(self, model_id: str) -> Stubber:
        """The model's Stubber, activated: from now on it answers (or fails) every call to this model."""
        model = self[model_id]
        model.stubber.activate()
        return model.stubber

    def assert_all_used(self) -> None:
        for model_id, model in self.models.items():
            model.stubber.assert_no_pending_responses()
            assert not model.streams, f"{model_id}: {len(model.streams)} queued streams never requested"


class ManualClock:
    """A monotonic clock that moves only when a test says so (circuit-breaker cooldowns)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
