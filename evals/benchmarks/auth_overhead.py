"""What authentication and rate limiting add to latency: the same load against two `pakka serve` processes,
one with PAKKA_AUTH=off and no limits, one verifying a token on every request and taking the token buckets
(limits set high enough that nothing is refused: this measures the checks, not refusals).

    python -m evals.benchmarks.auth_overhead [--clients 32] [--seconds 60] [--rounds 6]

Both servers run side by side and the load alternates between them in `--rounds` slices per route (off, on,
off, on...), so a change in the machine's load during the run falls on both settings alike; only one server is
loaded at a time. Prints p50/p95/p99 and throughput of GET /v1/products?q=... and POST /v1/recommendations (a
shopper with a stored foot scan), each client its own shopper. Target: auth and limits add under 10%.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from core.identity.tokens import bearer_headers
from core.privacy import BIOMETRIC, Pseudonymizer, ScanKind, record_consent, store_attributes
from core.settings import Settings
from core.storage.factory import open_store
from evals.benchmarks.upload_memory import running_api_with

FOOT = {"length_mm": 258.0, "width_mm": 98.0, "length_sigma_mm": 1.5, "width_sigma_mm": 1.5}
HIGH = "100000000"
SEARCH = "GET /v1/products?q="
RECOMMEND = "POST /v1/recommendations"


@dataclass
class Setting:
    """One server under test: its base URL and each client's headers and recommendation body."""

    name: str
    base: str
    headers: list[dict[str, str]]
    bodies: list[dict[str, str]]


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    dropped: int = 0
    """Requests whose connection failed (e.g. a keep-alive connection the server closed as it was reused):
    counted, not timed, and sent again."""

    def summary(self) -> tuple[float, float, float, float]:
        """p50, p95, p99 in ms and requests per second."""
        cuts = statistics.quantiles(self.latencies, n=100)
        return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000, len(self.latencies) / self.seconds


async def load(setting: Setting, route: str, seconds: float, into: Samples) -> None:
    """Every client sends its request again and again for `seconds`; latencies go `into`."""
    deadline = time.monotonic() + seconds
    started_round = time.monotonic()
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(base_url=setting.base, timeout=120, limits=limits) as http:

        async def client(index: int) -> None:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    if route == SEARCH:
                        response = await http.get(
                            "/v1/products?q=running+shoes&page_size=10", headers=setting.headers[index]
                        )
                    else:
                        response = await http.post(
                            "/v1/recommendations", json=setting.bodies[index], headers=setting.headers[index]
                        )
                except httpx.TransportError:
                    into.dropped += 1
                    continue
                response.raise_for_status()
                into.latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(client(index) for index in range(len(setting.headers))))
    into.seconds += time.monotonic() - started_round


def env_for(auth: bool) -> dict[str, str]:
    return {
        "PAKKA_AUTH": "on" if auth else "off",
        "PAKKA_RATE_LIMITS_ENABLED": "true" if auth else "false",
        "PAKKA_RATE_LIMIT_PER_MINUTE": HIGH,
        "PAKKA_RATE_LIMIT_BURST": HIGH,
        "PAKKA_RATE_LIMIT_ANONYMOUS_PER_MINUTE": HIGH,
        "PAKKA_RATE_LIMIT_ANONYMOUS_BURST": HIGH,
    }


@contextlib.contextmanager
def serving(auth: bool, clients: int) -> Iterator[Setting]:
    """A server on a fresh data dir with `clients` shoppers who consented and stored a foot scan."""
    with tempfile.TemporaryDirectory(prefix="pakka-auth-overhead-") as directory:
        data_dir = Path(directory)
        with running_api_with(data_dir, env_for(auth)) as (base, _):
            settings = Settings(data_dir=data_dir, _env_file=None)
            store = open_store(settings)
            pseudonyms = Pseudonymizer.for_settings(settings)
            users = [f"load-{n}" for n in range(clients)]
            for user in users:
                record_consent(store, "demo", user, BIOMETRIC, True, pseudonyms=pseudonyms)
                store_attributes(store, "demo", user, ScanKind.FOOT, FOOT)
            store.close()
            yield Setting(
                name="on" if auth else "off",
                base=base,
                headers=[bearer_headers(settings, "demo", user) if auth else {} for user in users],
                bodies=[
                    {"category": "footwear", "region": "mumbai"} | ({} if auth else {"user_id": user})
                    for user in users
                ],
            )


def measure(clients: int, seconds: float, rounds: int) -> dict[str, dict[str, Samples]]:
    """{route: {"off": samples, "on": samples}}, each setting loaded `seconds` per route in `rounds` slices
    that alternate between the settings."""
    results: dict[str, dict[str, Samples]] = {}
    with serving(False, clients) as off, serving(True, clients) as on:
        for route in (SEARCH, RECOMMEND):
            for setting in (off, on):  # warm-up: caches, first requests, connection pools
                asyncio.run(load(setting, route, min(3.0, seconds / rounds), Samples()))
            results[route] = {"off": Samples(), "on": Samples()}
            for index in range(rounds):
                order = (off, on) if index % 2 == 0 else (on, off)
                for setting in order:
                    asyncio.run(load(setting, route, seconds / rounds, results[route][setting.name]))
    return results


def report(results: dict[str, dict[str, Samples]]) -> list[dict[str, Any]]:
    rows = []
    for route, by_setting in results.items():
        off = by_setting["off"].summary()
        on = by_setting["on"].summary()
        rows.append(
            {
                "route": route,
                "off": dict(zip(("p50_ms", "p95_ms", "p99_ms", "rps"), off, strict=True)),
                "on": dict(zip(("p50_ms", "p95_ms", "p99_ms", "rps"), on, strict=True)),
                "added_pct": {
                    "p50": (on[0] / off[0] - 1) * 100,
                    "p95": (on[1] / off[1] - 1) * 100,
                    "p99": (on[2] / off[2] - 1) * 100,
                    "rps": (on[3] / off[3] - 1) * 100,
                },
                "requests": {"off": len(by_setting["off"].latencies), "on": len(by_setting["on"].latencies)},
                "dropped": {"off": by_setting["off"].dropped, "on": by_setting["on"].dropped},
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60, help="Per route and setting, all rounds.")
    parser.add_argument("--rounds", type=int, default=6, help="Alternating slices per route (even).")
    args = parser.parse_args()
    rows = report(measure(args.clients, args.seconds, args.rounds))
    print(f"{args.clients} clients, {args.seconds:g} s per route and setting, {args.rounds} rounds")
    columns = ("p50 ms", "p95 ms", "p99 ms", "req/s")
    header = "".join(f"{name:>9}" for name in columns)
    print(f"{'route':<27}{'':>4}{header}{'requests':>10}{'dropped':>9}")
    for row in rows:
        for name in ("off", "on"):
            values = row[name]
            print(
                f"{row['route'] if name == 'off' else '':<27}{name:>4}{values['p50_ms']:>9.1f}"
                f"{values['p95_ms']:>9.1f}{values['p99_ms']:>9.1f}{values['rps']:>9.1f}"
                f"{row['requests'][name]:>10}{row['dropped'][name]:>9}"
            )
        added = row["added_pct"]
        print(
            f"{'':<27}{'+%':>4}{added['p50']:>9.1f}{added['p95']:>9.1f}{added['p99']:>9.1f}{added['rps']:>9.1f}"
        )


if __name__ == "__main__":
    main()
