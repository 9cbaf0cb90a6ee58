"""Recommendations under load: `POST /v1/recommendations` (stored foot scans) against `GET /health`, one run.

    python -m evals.benchmarks.recommendations_load [--clients 32] [--seconds 30] [--shoppers 500]
        [--variants uncached,cached,cached-2w,distinct,distinct-2w] [--soak-minutes 0]

The API runs as `pakka serve` (INFO logging, so the access log is paid for as in production) in a child
process on a throwaway SQLite data directory with the demo catalog, the rules model tier and the knowledge
base (synced before the server starts; measuring begins once the server logged it ready). `--shoppers`
signed-in shoppers with consent and a stored foot scan each (lengths spread over 225-290 mm) take turns;
rate limits are raised out of the way (their bookkeeping still runs).

Each variant starts its own server and drives, with `--clients` keep-alive connections for `--seconds`
each after a short warm-up, first `GET /health` and then the recommendations; it prints req/s and
p50/p95/p99 of both and their ratio. The ratio is the number that compares across runs on a busy machine:
both halves share whatever else the machine runs (the load average before and after is printed too).
Variants: `uncached` (PAKKA_DECISION_CACHE_MB=0: every request runs the graph, as before the cache),
`cached` (the default result cache; every shopper asked once, untimed, before measuring, so the measured
requests are repeats answered from the cache), `cached-2w` (the same with `pakka serve --workers 2`),
`distinct` (the default result cache, but every request a question not asked before: each shopper in turn
with a budget of its own, in one of the eight metros, so every request misses the cache and runs the graph;
not in the default list), `distinct-2w` (the same with `pakka serve --workers 2`: on 2 cores, the most the
graph itself can give; not in the default list).

The load client is a few lines of HTTP/1.1 over asyncio streams rather than httpx: it costs the machine a
small fraction of what httpx does per request, so on 2 cores the server gets the CPU.

`--soak-minutes M` then runs the recommendations for M minutes on a fresh server whose cache is given
`--soak-cache-mb` (16 MiB: about 1,500 answers) for `--soak-shoppers` shoppers (3,000) asking at random,
so it fills and evicts while misses and hits mix (about half each once full), and samples the server's
resident memory every 15 s.
Never fails on a number.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from core.catalog.demo import seed_demo_data
from core.catalog.regions import regions_in_tier
from core.privacy import BIOMETRIC, ScanKind, store_attributes
from core.records.identity import Role
from core.schemas import ConsentRecord
from core.settings import Settings
from graphs.services import Services

TENANT = "demo"
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 20.0
WARM_UP_S = 3.0
READY_LINES = ("knowledge base ready", "knowledge base unavailable", "knowledge base not opened")
MEMORY_SAMPLE_S = 15.0


@dataclass(frozen=True)
class Variant:
    name: str
    workers: int
    env: dict[str, str]
    primed: bool = False
    """Every shopper asked once (untimed) before measuring: the measured requests are repeats."""
    distinct: bool = False
    """Every request a question not asked before (`distinct_requests`): each one misses the cache."""


VARIANTS = {
    "uncached": Variant("uncached", 1, {"PAKKA_DECISION_CACHE_MB": "0"}),
    "cached": Variant("cached", 1, {}, primed=True),
    "cached-2w": Variant("cached-2w", 2, {}, primed=True),
    "distinct": Variant("distinct", 1, {}, distinct=True),
    "distinct-2w": Variant("distinct-2w", 2, {}, distinct=True),
}
DEFAULT_VARIANTS = "uncached,cached,cached-2w"
DISTINCT_QUESTIONS = 60_000
"""More than a run can ask at several hundred a second for the warm-up and `--seconds`, so none repeats."""
LOWEST_BUDGET_INR = 1500


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PAKKA_DATA_DIR": str(data_dir),
        "PAKKA_STORE": "sqlite",
        "PAKKA_CHECKPOINTER": "sqlite",
        "PAKKA_DEFAULT_TENANT": TENANT,
        "PAKKA_SEED_DEMO_DATA": "true",
        "PAKKA_MODEL_TIERS": "rules",
        "PAKKA_LOG_LEVEL": "INFO",
        "PAKKA_RATE_LIMIT_PER_MINUTE": "100000000",
        "PAKKA_RATE_LIMIT_BURST": "100000000",
        "PAKKA_RATE_LIMIT_ANONYMOUS_PER_MINUTE": "100000000",
        "PAKKA_RATE_LIMIT_ANONYMOUS_BURST": "100000000",
    }


def settings_for(data_dir: Path) -> Settings:
    names = {
        key.removeprefix("PAKKA_").lower(): value
        for key, value in server_env(data_dir).items()
        if key.startswith("PAKKA_")
    }
    return Settings(**names, _env_file=None)  # type: ignore[arg-type]


def prepare(data_dir: Path, shoppers: int, seed: int) -> list[str]:
    """The demo catalog, `shoppers` shoppers with consent and a stored foot scan, the knowledge base synced;
    returns each shopper's access token."""
    settings = settings_for(data_dir)
    services = Services.open(settings)
    try:
        seed_demo_data(services.store, TENANT)
        rng = random.Random(seed)
        tokens: list[str] = []
        for number in range(shoppers):
            user_id = f"u-load-{number}"
            services.store.consent.record(
                ConsentRecord(tenant_id=TENANT, user_id=user_id, consent_type=BIOMETRIC, granted=True)
            )
            length = round(rng.uniform(225.0, 290.0), 1)
            scan = {
                "length_mm": length,
                "width_mm": round(length * rng.uniform(0.36, 0.41), 1),
                "length_sigma_mm": 1.3,
                "width_sigma_mm": 1.5,
            }
            store_attributes(services.store, TENANT, user_id, ScanKind.FOOT, scan)
            tokens.append(services.identity.operator_token(TENANT, user_id, Role.SHOPPER, ttl_s=86_400)[0])
        services.load_knowledge(threading.Event())
        return tokens
    finally:
        services.close()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log_file: Path

    def pids(self) -> list[int]:
        """The server and its worker processes (uvicorn's children when --workers > 1)."""
        found = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            found += [int(pid) for pid in children.read_text().split()]
        return found

    def rss_mib(self) -> float:
        total = 0.0
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        return total / 1024


@contextmanager
def serving(data_dir: Path, variant: Variant) -> Iterator[Server]:
    port = free_port()
    pakka = shutil.which("pakka", path=str(Path(sys.executable).parent)) or "pakka"
    command = [pakka, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if variant.workers > 1:
        command += ["--workers", str(variant.workers)]
    log_file = data_dir / f"server-{variant.name}.log"
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            command, env={**server_env(data_dir), **variant.env}, stdout=log, stderr=subprocess.STDOUT
        )
        server = Server(process, port, log_file)
        try:
            wait_ready(server, variant.workers)
            yield server
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_ready(server: Server, workers: int) -> None:
    """Until every worker logged its knowledge base ready (or that it has none)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the API exited:\n{server.log_file.read_text()[-4000:]}")
        text = server.log_file.read_text(errors="replace")
        if sum(text.count(line) for line in READY_LINES) >= workers:
            return
        time.sleep(0.2)
    raise RuntimeError(f"the API was not ready within {START_TIMEOUT_S:.0f}s:\n{text[-4000:]}")


def http_request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def health_requests() -> list[bytes]:
    return [http_request("GET", "/health", {})]


def recommendation_requests(tokens: list[str]) -> list[bytes]:
    body = json.dumps({"category": "footwear", "region": "mumbai"}).encode()
    return [
        http_request(
            "POST",
            "/v1/recommendations",
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            body,
        )
        for token in tokens
    ]


def distinct_requests(tokens: list[str], count: int = DISTINCT_QUESTIONS) -> list[bytes]:
    """`count` different questions: the shoppers in turn, each question with its own budget (1,500 INR and
    up, one rupee apart) in one of the metros, so no two share a result cache key."""
    metros = [region.slug for region in regions_in_tier(1)]
    requests = []
    for number in range(count):
        body = {
            "category": "footwear",
            "region": metros[number % len(metros)],
            "budget_inr": LOWEST_BUDGET_INR + number,
        }
        token = tokens[number % len(tokens)]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        requests.append(http_request("POST", "/v1/recommendations", headers, json.dumps(body).encode()))
    return requests


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, pct: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))] * 1000


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """Send one request, read its whole response; returns the status code."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def drive(
    port: int,
    requests: list[bytes],
    clients: int,
    seconds: float,
    warm_up_s: float,
    *,
    at_random: bool = False,
) -> Load:
    """`clients` keep-alive connections, each sending the next of `requests` as soon as its previous answer
    came back: `warm_up_s` not counted, then `seconds` counted. The requests take turns in a shuffled
    order, or with `at_random` each is drawn at random (so a cache smaller than their answers still
    answers some of them: taking turns is the one order in which a least-recently-used cache never does)."""
    load = Load()
    order = list(range(len(requests)))
    rng = random.Random(len(requests))
    rng.shuffle(order)
    started = time.perf_counter()
    measure_from = started + warm_up_s
    deadline = measure_from + seconds

    async def client(number: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        turn = number
        try:
            while (now := time.perf_counter()) < deadline:
                request = requests[rng.randrange(len(requests)) if at_random else order[turn % len(order)]]
                turn += clients
                status = await exchange(reader, writer, request)
                done = time.perf_counter()
                if now >= measure_from:
                    load.latencies.append(done - now)
                    load.statuses[status] += 1
        finally:
            writer.close()

    await asyncio.gather(*(client(number) for number in range(clients)))
    load.seconds = time.perf_counter() - measure_from
    return load


async def prime(port: int, requests: list[bytes], clients: int) -> Counter[int]:
    """Send each of `requests` once over `clients` connections (untimed); returns the status counts."""
    pending = iter(requests)
    statuses: Counter[int] = Counter()

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in pending:
                statuses[await exchange(reader, writer, request)] += 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return statuses


def load_average() -> str:
    return "/".join(f"{value:.2f}" for value in os.getloadavg())


def row(name: str, load: Load, base: Load | None) -> str:
    ratio = f"{load.per_second / base.per_second:.2f}" if base is not None and base.per_second else "-"
    statuses = ",".join(f"{code}:{count}" for code, count in sorted(load.statuses.items()))
    return (
        f"{name:<34}{load.per_second:>9.1f}{load.percentile_ms(50):>9.1f}{load.percentile_ms(95):>9.1f}"
        f"{load.percentile_ms(99):>9.1f}{ratio:>8}  {statuses}"
    )


def run_variant(data_dir: Path, variant: Variant, tokens: list[str], clients: int, seconds: float) -> None:
    requests = distinct_requests(tokens) if variant.distinct else recommendation_requests(tokens)
    with serving(data_dir, variant) as server:
        # Distinct questions warm the server with ordinary ones, so that none of theirs is asked twice.
        warming = recommendation_requests(tokens)[:clients] if variant.distinct else requests[:clients]
        asyncio.run(prime(server.port, requests if variant.primed else warming, clients))
        before = load_average()
        health = asyncio.run(drive(server.port, health_requests(), clients, seconds, WARM_UP_S))
        recommendations = asyncio.run(drive(server.port, requests, clients, seconds, WARM_UP_S))
        after = load_average()
        rss = server.rss_mib()
    print(
        f"\nvariant {variant.name} ({variant.workers} worker(s)); load average before {before}, after {after}"
    )
    print(f"{'':<34}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'ratio':>8}  statuses")
    print(row("GET /health", health, None))
    print(row("POST /v1/recommendations", recommendations, health))
    print(f"server RSS after the run: {rss:.0f} MiB")


def soak(data_dir: Path, tokens: list[str], clients: int, minutes: float, cache_mb: float) -> None:
    """Recommendations for `minutes` on a cached server whose cache holds `cache_mb` (fewer answers than
    there are shoppers, so it fills and evicts), resident memory sampled every MEMORY_SAMPLE_S."""
    variant = Variant("soak", 1, {"PAKKA_DECISION_CACHE_MB": f"{cache_mb:g}"})
    with serving(data_dir, variant) as server:
        samples: list[tuple[float, float]] = []
        stop = threading.Event()

        def sample() -> None:
            started = time.monotonic()
            while not stop.wait(MEMORY_SAMPLE_S):
                samples.append((time.monotonic() - started, server.rss_mib()))

        sampler = threading.Thread(target=sample, daemon=True)
        requests = recommendation_requests(tokens)
        asyncio.run(prime(server.port, requests[:clients], clients))
        before = load_average()
        sampler.start()
        load = asyncio.run(drive(server.port, requests, clients, minutes * 60, WARM_UP_S, at_random=True))
        stop.set()
        sampler.join()
        after = load_average()
    print(
        f"\nsoak: {minutes:g} min of recommendations, {len(tokens)} shoppers, a {cache_mb:g} MiB cache;"
        f" load average {before} -> {after}"
    )
    print(row("POST /v1/recommendations", load, None))
    print(
        "server RSS MiB every {:.0f}s: {}".format(
            MEMORY_SAMPLE_S, " ".join(f"{mib:.0f}" for _, mib in samples)
        )
    )
    if len(samples) >= 4:
        half = len(samples) // 2
        first, second = (
            statistics.fmean(mib for _, mib in part) for part in (samples[:half], samples[half:])
        )
        print(
            f"mean RSS first half {first:.0f} MiB, second half {second:.0f} MiB ({second - first:+.1f} MiB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--shoppers", type=int, default=500)
    parser.add_argument("--variants", default=DEFAULT_VARIANTS, help=f"of {', '.join(VARIANTS)}")
    parser.add_argument("--soak-minutes", type=float, default=0.0)
    parser.add_argument("--soak-shoppers", type=int, default=3000, help="more answers than the cache holds")
    parser.add_argument("--soak-cache-mb", type=float, default=16.0)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    variants = [VARIANTS[name] for name in args.variants.split(",") if name]
    with tempfile.TemporaryDirectory(prefix="pakka-load-") as directory:
        data_dir = Path(directory)
        shoppers = max(args.shoppers, args.soak_shoppers if args.soak_minutes else 0)
        tokens = prepare(data_dir, shoppers, args.seed)
        print(f"{args.clients} clients, {args.seconds:g} s per measurement, {os.cpu_count()} CPUs")
        for variant in variants:
            run_variant(data_dir, variant, tokens[: args.shoppers], args.clients, args.seconds)
        if args.soak_minutes:
            soak(data_dir, tokens, args.clients, args.soak_minutes, args.soak_cache_mb)


if __name__ == "__main__":
    main()
