"""Which tier answers when Bedrock fails, and how often each tier is tried (botocore Stubber)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agents.router import AllTiersFailed, ModelRouter
from tests.agents.router.bedrock_fakes import HAIKU, NOVA, SONNET, BedrockStubs, converse_text

MakeRouter = Callable[..., ModelRouter]


def errors_of(message_or_record: dict, tier: str) -> list[str | None]:
    return [attempt["error"] for attempt in message_or_record["attempts"] if attempt["tier"] == tier]


def test_request_matches_the_bedrock_service_model_and_first_tier_answers(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    expected = {
        "modelId": SONNET,
        "messages": [{"role": "user", "content": [{"text": "Suggest a kurta for Diwali"}]}],
        "system": [],
        "inferenceConfig": {"maxTokens": 1024, "temperature": 0.2},
    }
    bedrock.stub(SONNET).add_response("converse", converse_text("A silk kurta.", 12, 5), expected)
    router = make_router([f"bedrock:{SONNET}", "rules"])

    answer = router.invoke("Suggest a kurta for Diwali")

    record = answer.response_metadata["pakka"]
    assert answer.text == "A silk kurta."
    assert record["tier"] == f"bedrock:{SONNET}"
    assert errors_of(record, f"bedrock:{SONNET}") == [None]
    assert (record["input_tokens"], record["output_tokens"]) == (12, 5)
    assert record["cost_usd"] == pytest.approx((12 * 3.0 + 5 * 15.0) / 1_000_000)
    assert answer.usage_metadata["total_tokens"] == 17
    bedrock.assert_all_used()


@pytest.mark.parametrize(
    ("code", "status"),
    [("ThrottlingException", 429), ("ModelTimeoutException", 408), ("ServiceUnavailableException", 503)],
)
def test_retryable_errors_are_retried_then_the_next_tier_answers(
    make_router: MakeRouter, bedrock: BedrockStubs, waits: list[float], code: str, status: int
) -> None:
    sonnet = bedrock.stub(SONNET)
    for _ in range(3):
        sonnet.add_client_error("converse", service_error_code=code, http_status_code=status)
    bedrock.stub(HAIKU).add_response("converse", converse_text("From Haiku."))
    router = make_router([f"bedrock:{SONNET}", f"bedrock:{HAIKU}", "rules"], model_max_attempts=3)

    answer = router.invoke("hello")

    record = answer.response_metadata["pakka"]
    assert record["tier"] == f"bedrock:{HAIKU}"
    assert errors_of(record, f"bedrock:{SONNET}") == [code, code, code]
    assert len(waits) == 2
    assert all(0 <= wait <= 2.0 for wait in waits)
    bedrock.assert_all_used()


def test_a_retry_that_succeeds_keeps_the_answer_on_the_same_tier(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    sonnet = bedrock.stub(SONNET)
    sonnet.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    sonnet.add_response("converse", converse_text("Second time lucky."))
    router = make_router([f"bedrock:{SONNET}", "rules"])

    record = router.invoke("hello").response_metadata["pakka"]

    assert record["tier"] == f"bedrock:{SONNET}"
    assert errors_of(record, f"bedrock:{SONNET}") == ["ThrottlingException", None]
    bedrock.assert_all_used()


@pytest.mark.parametrize(
    ("code", "status"),
    [("AccessDeniedException", 403), ("ResourceNotFoundException", 404), ("ValidationException", 400)],
)
def test_non_retryable_errors_move_to_the_next_tier_at_once(
    make_router: MakeRouter, bedrock: BedrockStubs, waits: list[float], code: str, status: int
) -> None:
    bedrock.stub(SONNET).add_client_error("converse", service_error_code=code, http_status_code=status)
    bedrock.stub(NOVA).add_response("converse", converse_text("Nova here."))
    router = make_router([f"bedrock:{SONNET}", f"bedrock:{NOVA}", "rules"])

    record = router.invoke("hello").response_metadata["pakka"]

    assert record["tier"] == f"bedrock:{NOVA}"
    assert errors_of(record, f"bedrock:{SONNET}") == [code]
    assert waits == []
    bedrock.assert_all_used()


def test_the_rules_tier_answers_when_every_bedrock_tier_fails(
    make_router: MakeRouter, bedrock: BedrockStubs
) -> None:
    bedrock.stub(SONNET).add_client_error(
        "converse", service_error_code="AccessDeniedException", http_status_code=403
    )
    bedrock.stub(HAIKU).add_client_error(
        "converse", service_error_code="ValidationException", http_status_code=400
    )
    router = make_router([f"bedrock:{SONNET}", f"bedrock:{HAIKU}", "rules"])

    answer = router.invoke("laal kurta 2000 tak")

    record = answer.response_metadata["pakka"]
    assert record["tier"] == "rules"
    assert [attempt["tier"] for attempt in record["attempts"]] == [
        f"bedrock:{SONNET}",
        f"bedrock:{HAIKU}",
        "rules",
    ]
    assert "red kurta under ₹2,000" in answer.text
    assert record["cost_usd"] == 0.0


def test_without_credentials_bedrock_tiers_are_skipped_without_a_request(
    make_router: MakeRouter, bedrock: BedrockStubs, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    router = make_router([f"bedrock:{SONNET}", f"bedrock:{HAIKU}", "rules"])

    record = router.invoke("hello").response_metadata["pakka"]

    assert record["tier"] == "rules"
    assert errors_of(record, f"bedrock:{SONNET}") == ["NoCredentials"]
    assert errors_of(record, f"bedrock:{HAIKU}") == ["NoCredentials"]
    assert bedrock.models == {}
    assert [row["state"] for row in router.status()] == ["no credentials", "no credentials", "available"]


def test_all_tiers_failing_raises_with_every_attempt(make_router: MakeRouter, bedrock: BedrockStubs) -> None:
    bedrock.stub(SONNET).add_client_error(
        "converse", service_error_code="AccessDeniedException", http_status_code=403
    )
    router = make_router([f"bedrock:{SONNET}"])

    with pytest.raises(AllTiersFailed) as failure:
        router.invoke("hello")

    assert failure.value.code == "MODEL_UNAVAILABLE"
    assert failure.value.details["attempts"][0]["error"] == "AccessDeniedException"


async def test_async_calls_fail_over_the_same_way(
    make_router: MakeRouter, bedrock: BedrockStubs, waits: list[float]
) -> None:
    sonnet = bedrock.stub(SONNET)
    sonnet.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    sonnet.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    bedrock.stub(HAIKU).add_response("converse", converse_text("Async Haiku."))
    router = make_router([f"bedrock:{SONNET}", f"bedrock:{HAIKU}", "rules"], model_max_attempts=2)

    answer = await router.ainvoke("hello")

    record = answer.response_metadata["pakka"]
    assert answer.text == "Async Haiku."
    assert errors_of(record, f"bedrock:{SONNET}") == ["ThrottlingException", "ThrottlingException"]
    assert len(waits) == 1
    bedrock.assert_all_used()
