"""Router benchmark: overhead against calling the model directly, rules-tier time to first token, failover.

Run: `python -m evals.benchmarks.router [--calls 300]`. Prints p50/p95 latency and throughput per case;
never fails on a time. Bedrock is answered by botocore's Stubber (no network), so its rows measure the
router and langchain-aws, not the service.

Cases:
- direct vs routed, rules tier and a stubbed Bedrock tier: the ratio of p50s is the router's overhead;
- time to first token streaming through the router on the rules tier;
- failover when tiers 1-4 cannot answer: no credentials on a fresh router (build + first call, the
  "fresh machine" case), no credentials on a warm router, and four Bedrock tiers that each refuse
  (AccessDeniedException) before the rules tier answers.
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.stub import Stubber
from langchain_core.messages import HumanMessage

from agents.router import ModelRouter, build_router
from agents.rules import RuleBasedChatModel
from core.settings import DEFAULT_MODEL_TIERS, Settings

PROMPT = [HumanMessage("Nike running shoes under ₹4,000 for men, size UK 9")]
BEDROCK_MODEL = "apac.anthropic.claude-3-haiku-20240307-v1:0"
REPLY = {
    "output": {"message": {"role": "assistant", "content": [{"text": "Try the Nike Revolution 7 in UK 9."}]}},
    "stopReason": "end_turn",
    "usage": {"inputTokens": 20, "outputTokens": 10, "totalTokens": 30},
    "metrics": {"latencyMs": 1},
}


@dataclass
class Row:
    case: str
    samples_ms: list[float]

    def cells(self) -> tuple[str, float, float, float]:
        ordered = sorted(self.samples_ms)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        p50 = statistics.median(ordered)
        return self.case, p50, p95, 1000 / p50 if p50 else float("inf")


def timed(calls: int, action: Callable[[], Any], warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def first_token_ms(router: ModelRouter) -> float:
    started = time.perf_counter()
    for chunk in router.stream(PROMPT):
        if chunk.text:
            return (time.perf_counter() - started) * 1000
    raise RuntimeError("the stream produced no text")


def stubbed_clients(calls: int, refuse: bool) -> Callable[[str], tuple[Any, Any]]:
    """Bedrock clients per model id whose Stubber holds `calls` answers (or AccessDenied refusals)."""

    def make(model_id: str) -> tuple[Any, Any]:
        runtime = boto3.client("bedrock-runtime", region_name="ap-south-1")
        stubber = Stubber(runtime)
        for _ in range(calls):
            if refuse:
                stubber.add_client_error(
                    "converse", service_error_code="AccessDeniedException", http_status_code=403
                )
            else:
                stubber.add_response("converse", copy.deepcopy(REPLY))
        stubber.activate()
        return runtime, boto3.client("bedrock", region_name="ap-south-1")

    return make


def settings_for(tiers: list[str]) -> Settings:
    """Router settings without a .env file; breakers never open, so every call measures the same path."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None, model_tiers=tiers, model_breaker_failures=1_000_000
    )


def run(calls: int) -> list[Row]:
    rows: list[Row] = []
    rules = RuleBasedChatModel()
    rules_router = build_router(settings_for(["rules"]))
    rows.append(Row("rules: direct invoke", timed(calls, lambda: rules.invoke(PROMPT))))
    rows.append(Row("rules: via router", timed(calls, lambda: rules_router.invoke(PROMPT))))

    budget = calls + 10
    direct_bedrock = (
        build_router(
            settings_for([f"bedrock:{BEDROCK_MODEL}"]), bedrock_clients=stubbed_clients(budget, refuse=False)
        )
        .tiers[0]
        .model()
    )
    routed_bedrock = build_router(
        settings_for([f"bedrock:{BEDROCK_MODEL}", "rules"]),
        bedrock_clients=stubbed_clients(budget, refuse=False),
    )
    rows.append(Row("bedrock (stub): direct invoke", timed(calls, lambda: direct_bedrock.invoke(PROMPT))))
    rows.append(Row("bedrock (stub): via router", timed(calls, lambda: routed_bedrock.invoke(PROMPT))))

    rows.append(Row("rules: time to first token", [first_token_ms(rules_router) for _ in range(calls)]))

    with tempfile.TemporaryDirectory() as empty:
        saved = {
            name: os.environ.pop(name, None)
            for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")
        }
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(empty, "none")
        os.environ["AWS_CONFIG_FILE"] = os.path.join(empty, "none")
        try:
            defaults = settings_for(list(DEFAULT_MODEL_TIERS))
            rows.append(
                Row(
                    "failover, fresh router, no credentials (build + call)",
                    timed(calls, lambda: build_router(defaults).invoke(PROMPT)),
                )
            )
            warm = build_router(defaults)
            rows.append(
                Row("failover, warm router, no credentials", timed(calls, lambda: warm.invoke(PROMPT)))
            )
        finally:
            for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"):
                os.environ.pop(name, None)
            os.environ.update({name: value for name, value in saved.items() if value is not None})

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "benchmark")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "benchmark")
    refusing = build_router(
        settings_for([*DEFAULT_MODEL_TIERS]), bedrock_clients=stubbed_clients(budget, refuse=True)
    )
    rows.append(Row("failover, 4 tiers refuse (AccessDenied)", timed(calls, lambda: refusing.invoke(PROMPT))))
    return rows


def render(rows: list[Row]) -> str:
    lines = [f"{'case':<56}{'p50 ms':>10}{'p95 ms':>10}{'calls/s':>10}"]
    for row in rows:
        case, p50, p95, throughput = row.cells()
        lines.append(f"{case:<56}{p50:>10.3f}{p95:>10.3f}{throughput:>10.0f}")
    by_case = {row.case: statistics.median(row.samples_ms) for row in rows}
    lines.append("")
    for kind in ("rules", "bedrock (stub)"):
        ratio = by_case[f"{kind}: via router"] / by_case[f"{kind}: direct invoke"]
        lines.append(f"router overhead, {kind}: x{ratio:.2f} of a direct call (p50)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"peak RSS: {peak_mb:.0f} MB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    print(render(run(parser.parse_args().calls)))


if __name__ == "__main__":
    main()
