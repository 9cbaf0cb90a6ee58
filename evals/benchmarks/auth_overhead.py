"""What authentication and rate limiting add to latency: the same load against `pakka serve` with
PAKKA_AUTH=off and no limits, then with tokens verified on every request and the token buckets taken (limits
set high enough that nothing is refused: this measures the checks, not refusals).

    python -m evals.benchmarks.auth_overhead [--clients 32] [--seconds 60]

Prints p50/p95 of GET /v1/products?q=... and POST /v1/recommendations (a shopper with a stored foot scan),
each client its own shopper. Target: auth and limits add under 10%.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from core.identity.tokens import bearer_headers
from core.privacy import BIOMETRIC, Pseudonymizer, ScanKind, record_consent, store_attributes
from core.settings import Settings
from core.storage.factory import open_store
from evals.benchmarks.upload_memory import running_api_with

FOOT = {"length_mm": 258.0, "width_mm": 98.0, "length_sigma_mm": 1.5, "width_sigma_mm": 1.5}
HIGH = "100000000"


async def load(
    base: str, clients: list[dict[str, str]], seconds: float, path: str, body: dict[str, str] | None
) -> list[float]:
    samples: list[float] = []
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=httpx.Limits(max_connections=64)) as http:

        async def client(headers: dict[str, str]) -> None:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                if body is None:
                    response = await http.get(path, headers=headers)
                else:
                    response = await http.post(path, json=body, headers=headers)
                response.raise_for_status()
                samples.append(time.perf_counter() - started)

        await asyncio.gather(*(client(headers) for headers in clients))
    return samples


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[94] * 1000


def run(auth: bool, clients: int, seconds: float) -> dict[str, tuple[float, float, int]]:
    env = {
        "PAKKA_AUTH": "on" if auth else "off",
        "PAKKA_RATE_LIMITS_ENABLED": "true" if auth else "false",
        "PAKKA_RATE_LIMIT_PER_MINUTE": HIGH,
        "PAKKA_RATE_LIMIT_BURST": HIGH,
        "PAKKA_RATE_LIMIT_ANONYMOUS_PER_MINUTE": HIGH,
        "PAKKA_RATE_LIMIT_ANONYMOUS_BURST": HIGH,
    }
    with tempfile.TemporaryDirectory(prefix="pakka-auth-overhead-") as directory:
        data_dir = Path(directory)
        with running_api_with(data_dir, env) as (base, _):
            settings = Settings(data_dir=data_dir, _env_file=None)
            store = open_store(settings)
            pseudonyms = Pseudonymizer.for_settings(settings)
            for n in range(clients):
                user = f"load-{n}"
                record_consent(store, "demo", user, BIOMETRIC, True, pseudonyms=pseudonyms)
                store_attributes(store, "demo", user, ScanKind.FOOT, FOOT)
            store.close()
            headers = [bearer_headers(settings, "demo", f"load-{n}") if auth else {} for n in range(clients)]
            results = {}
            search = asyncio.run(
                load(base, headers, seconds, "/v1/products?q=running+shoes&page_size=10", None)
            )
            results["GET /v1/products?q="] = (*percentiles(search), len(search))
            requests = [
                {"category": "footwear", "region": "mumbai"} | ({} if auth else {"user_id": f"load-{n}"})
                for n in range(clients)
            ]
            recommend = asyncio.run(recommendations(base, headers, requests, seconds))
            results["POST /v1/recommendations"] = (*percentiles(recommend), len(recommend))
    return results


async def recommendations(
    base: str, headers: list[dict[str, str]], bodies: list[dict[str, str]], seconds: float
) -> list[float]:
    samples: list[float] = []
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=httpx.Limits(max_connections=64)) as http:

        async def client(index: int) -> None:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = await http.post("/v1/recommendations", json=bodies[index], headers=headers[index])
                response.raise_for_status()
                samples.append(time.perf_counter() - started)

        await asyncio.gather(*(client(index) for index in range(len(bodies))))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    off = run(False, args.clients, args.seconds)
    on = run(True, args.clients, args.seconds)
    print(f"{args.clients} clients, {args.seconds:g} s per route and setting")
    print(f"{'route':<28}{'off p50':>9}{'off p95':>9}{'on p50':>9}{'on p95':>9}{'p50 +%':>8}{'p95 +%':>8}")
    for route, (p50_off, p95_off, _) in off.items():
        p50_on, p95_on, _ = on[route]
        print(
            f"{route:<28}{p50_off:>9.1f}{p95_off:>9.1f}{p50_on:>9.1f}{p95_on:>9.1f}"
            f"{(p50_on / p50_off - 1) * 100:>8.1f}{(p95_on / p95_off - 1) * 100:>8.1f}"
        )


if __name__ == "__main__":
    main()
