"""Streaming: fall over only before the first token; after it, end with an error and never repeat text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from langchain_core.messages import AIMessageChunk

from agents.router import ModelRouter, ModelStreamInterrupted
from tests.agents.router.bedrock_fakes import (
    HAIKU,
    SONNET,
    BedrockStubs,
    event,
    stream_exception,
    text_stream,
)

MakeRouter = Callable[..., ModelRouter]


def joined(chunks: list[AIMessageChunk]) -> str:
    return "".join(chunk.text for chunk in chunks)


def record_of(chunks: list[AIMessageChunk]) -> dict:
    return next(chunk.response_metadata["pakka"] for chunk in chunks if "pakka" in chunk.response_metadata)


def test_a_stream_that_fails_before_its_first_token_falls_over_to_the_next_tier(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    bedrock.stub(SONNET).add_client_error(
        "converse_stream", service_error_code="ServiceUnavailableException", http_status_code=503
    )
    bedrock[HAIKU].queue_stream(text_stream(["Namaste", ", here are ", "three kurtas."]))
    router = make_router([f"bedrock:{SONNET}", f"bedrock:{HAIKU}", "rules"], model_max_attempts=1)

    chunks = list(router.stream("kurta for diwali"))

    assert joined(chunks) == "Namaste, here are three kurtas."
    record = record_of(chunks)
    assert record["tier"] == f"bedrock:{HAIKU}"
    assert [a["error"] for a in record["attempts"]] == ["ServiceUnavailableException", None]
    assert record["first_token_ms"] is not None
    assert record["output_tokens"] == 3
    assert bedrock[HAIKU].wire_requests[0]["messages"][0]["content"] == [{"text": "kurta for diwali"}]
    bedrock.assert_all_used()


def test_an_error_event_before_any_text_is_retried_on_the_same_tier(
    make_router: MakeRouter, bedrock: BedrockStubs, waits: list[float]
) -> None:
    sonnet = bedrock[SONNET]
    sonnet.queue_stream(
        event("messageStart", {"role": "assistant"}) + stream_exception("throttlingException", "slow")
    )
    sonnet.queue_stream(text_stream(["Retried ", "fine."]))
    router = make_router([f"bedrock:{SONNET}", "rules"], model_max_attempts=2)

    chunks = list(router.stream("hello"))

    assert joined(chunks) == "Retried fine."
    assert [a["error"] for a in record_of(chunks)["attempts"]] == ["ThrottlingException", None]
    assert len(waits) == 1
    bedrock.assert_all_used()


def test_an_error_after_the_first_token_ends_the_stream_and_no_other_tier_continues(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    bedrock[SONNET].queue_stream(
        text_stream(["The red ", "kurta is"], finish=False)
        + stream_exception("modelStreamErrorException", "model crashed")
    )
    bedrock[HAIKU].queue_stream(text_stream(["never sent"]))
    router = make_router([f"bedrock:{SONNET}", f"bedrock:{HAIKU}", "rules"])
    received: list[AIMessageChunk] = []

    with pytest.raises(ModelStreamInterrupted) as interrupted:
        for chunk in router.stream("describe the kurta"):
            received.append(chunk)

    assert joined(received) == "The red kurta is"
    assert interrupted.value.details["tier"] == f"bedrock:{SONNET}"
    assert interrupted.value.details["error"] == "ModelStreamErrorException"
    assert interrupted.value.details["record"]["attempts"][-1]["error"] == "ModelStreamErrorException"
    assert len(bedrock[HAIKU].streams) == 1
    assert bedrock[HAIKU].wire_requests == []


def test_a_stream_that_ends_without_text_or_stop_event_falls_over(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    bedrock[SONNET].queue_stream(event("messageStart", {"role": "assistant"}))
    router = make_router([f"bedrock:{SONNET}", "rules"], model_max_attempts=1)

    chunks = list(router.stream("hi"))

    record = record_of(chunks)
    assert record["tier"] == "rules"
    assert record["attempts"][0]["error"] == "ConnectionError"
    assert joined(chunks).startswith("Namaste!")


def test_the_rules_tier_streams_the_same_text_it_returns(make_router: MakeRouter) -> None:
    router = make_router(["rules"])

    chunks = list(router.stream("Nike shoes under 5000"))

    assert len([chunk for chunk in chunks if chunk.text]) > 3
    assert joined(chunks) == router.invoke("Nike shoes under 5000").text


async def test_async_streams_fall_over_before_the_first_token(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    bedrock.stub(SONNET).add_client_error(
        "converse_stream", service_error_code="ThrottlingException", http_status_code=429
    )
    bedrock[HAIKU].queue_stream(text_stream(["async ", "answer"]))
    router = make_router([f"bedrock:{SONNET}", f"bedrock:{HAIKU}"], model_max_attempts=1)

    chunks = [chunk async for chunk in router.astream("hi")]

    assert joined(chunks) == "async answer"
    assert record_of(chunks)["tier"] == f"bedrock:{HAIKU}"


async def test_async_streams_end_with_an_error_after_the_first_token(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    bedrock[SONNET].queue_stream(
        text_stream(["partial"], finish=False) + stream_exception("internalServerException", "boom")
    )
    router = make_router([f"bedrock:{SONNET}", "rules"])
    received: list[AIMessageChunk] = []

    with pytest.raises(ModelStreamInterrupted):
        async for chunk in router.astream("hi"):
            received.append(chunk)

    assert joined(received) == "partial"
