"""Circuit breakers: open after N failed calls, one half-open probe after the cooldown, visible in status."""

from __future__ import annotations

from collections.abc import Callable

from agents.router import ModelRouter
from agents.router.breaker import BreakerState, CircuitBreaker
from tests.agents.router.bedrock_fakes import SONNET, BedrockStubs, ManualClock, converse_text

MakeRouter = Callable[..., ModelRouter]


def test_breaker_opens_after_the_threshold_of_consecutive_failures(clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=3, cooldown_s=30, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
    assert breaker.snapshot().state is BreakerState.CLOSED

    breaker.record_failure()

    assert breaker.snapshot().state is BreakerState.OPEN
    assert breaker.snapshot().retry_in_s == 30
    assert not breaker.allow()


def test_a_success_resets_the_failure_count(clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown_s=30, clock=clock)
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()

    assert breaker.snapshot().state is BreakerState.CLOSED
    assert breaker.snapshot().consecutive_failures == 1


def test_after_the_cooldown_exactly_one_probe_is_let_through(clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, cooldown_s=30, clock=clock)
    breaker.record_failure()
    clock.advance(29.5)
    assert not breaker.allow()

    clock.advance(0.5)

    assert breaker.snapshot().state is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()


def test_a_failed_probe_reopens_and_a_successful_one_closes(clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, cooldown_s=10, clock=clock)
    breaker.record_failure()
    clock.advance(10)
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.snapshot().state is BreakerState.OPEN
    assert not breaker.allow()

    clock.advance(10)
    assert breaker.allow()
    breaker.record_success()

    assert breaker.snapshot().state is BreakerState.CLOSED
    assert breaker.allow()


def test_a_bad_request_during_the_probe_frees_the_probe_slot(clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, cooldown_s=10, clock=clock)
    breaker.record_failure()
    clock.advance(10)
    assert breaker.allow()

    breaker.record_neutral()

    assert breaker.allow()


def test_router_skips_an_open_tier_without_calling_it_and_recovers_after_the_cooldown(
    make_router: MakeRouter, bedrock: BedrockStubs, clock: ManualClock
) -> None:
    sonnet = bedrock.stub(SONNET)
    for _ in range(2):
        sonnet.add_client_error(
            "converse", service_error_code="ServiceUnavailableException", http_status_code=503
        )
    router = make_router(
        [f"bedrock:{SONNET}", "rules"],
        model_max_attempts=1,
        model_breaker_failures=2,
        model_breaker_cooldown_s=30,
    )
    for _ in range(2):
        assert router.invoke("hello").response_metadata["pakka"]["tier"] == "rules"
    assert router.status()[0]["state"] == "breaker open"

    skipped = router.invoke("hello").response_metadata["pakka"]

    assert skipped["attempts"][0] == {"tier": f"bedrock:{SONNET}", "error": "BreakerOpen", "latency_ms": 0.0}
    bedrock.assert_all_used()

    clock.advance(30)
    assert router.status()[0]["state"] == "breaker half-open"
    sonnet.add_response("converse", converse_text("Back online."))

    probe = router.invoke("hello")

    assert probe.text == "Back online."
    assert router.status()[0]["state"] == "available"
    bedrock.assert_all_used()


def test_breakers_are_shared_by_copies_of_the_router(make_router: MakeRouter, bedrock: BedrockStubs) -> None:
    bedrock.stub(SONNET).add_client_error(
        "converse", service_error_code="AccessDeniedException", http_status_code=403
    )
    router = make_router([f"bedrock:{SONNET}", "rules"], model_breaker_failures=1)
    with_tools = router.bind_tools([])

    router.invoke("hello")

    assert with_tools.status()[0]["state"] == "breaker open"
