"""Import benchmark: `pakka pricing import` of 3k and 100k sales into a fresh SQLite store, with and without
the API running on the same store.

    python -m evals.pricing.import_benchmark [--sizes 3000 100000] [--no-api] [--api-only]

- 3k: the Mercari development file as it is (../shared/data/mercari_price/train_dev.tsv; skipped, with the
  reason, when it is absent).
- 100k: synthesized from it: each row again with a new id, a variant word in the title (size, colour, pack),
  the price times a lognormal factor (sigma 0.2) and the condition moved a grade at random now and then.
- "with the API": `pakka serve` on the same data directory (loopback only), asked for a suggestion every
  half second during the import (so it counts the store, notices the new sales and rebuilds its comparables
  index while the import writes), the way a merchant's shop keeps working while history loads. The request
  loop is bounded by the import's own run and stops with it.

Each import is the real command in a subprocess (`--json`, no embedding), so the time includes starting
Python and the CLI; the importer's own seconds are printed beside it. Never fails on a time.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy

from core.identity.tokens import bearer_headers
from core.records.identity import Role
from core.settings import Settings
from evals.pricing.datasets import MERCARI_FILE

TENANT = "bench"
VARIANTS = ["size M", "size L", "black", "blue", "new with tags", "bundle", "vintage", "XL", "2 pack", "rare"]
PAKKA = Path(sys.executable).with_name("pakka")
API_START_S = 120.0
ASK_EVERY_S = 0.5


def synthesize(source: Path, target: Path, count: int, seed: int = 0) -> int:
    """Write `count` Mercari-layout rows made from the rows of `source` with perturbations (see module
    notes); returns how many were written."""
    with source.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream, delimiter="\t")
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    rng = numpy.random.default_rng(seed)
    with target.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=fields, delimiter="\t")
        writer.writeheader()
        for number in range(count):
            row = dict(rows[number % len(rows)])
            copy = number // len(rows)
            row["train_id"] = str(number)
            if copy:
                row["name"] = f"{row['name']} {VARIANTS[int(rng.integers(len(VARIANTS)))]}"
                price = float(row["price"] or 0) * float(rng.lognormal(0, 0.2))
                row["price"] = f"{price:.2f}"
                if rng.random() < 0.2:
                    grade = int(row["item_condition_id"] or 3) + int(rng.choice([-1, 1]))
                    row["item_condition_id"] = str(min(max(grade, 1), 5))
            writer.writerow(row)
    return count


@dataclass(frozen=True)
class Run:
    size: int
    api: bool
    wall_s: float
    import_s: float
    imported: int
    suggestions: int


def environment(data_dir: Path) -> dict[str, str]:
    return os.environ | {
        "PAKKA_DATA_DIR": str(data_dir),
        "PAKKA_STORE": "sqlite",
        "PAKKA_SEED_DEMO_DATA": "false",
        "PAKKA_MODEL_TIERS": "rules",
        "PAKKA_EMBEDDING_MODEL": "none",
        "PAKKA_RATE_LIMITS_ENABLED": "false",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_api(data_dir: Path) -> Iterator[str]:
    """`pakka serve` on loopback over `data_dir`, until the block ends."""
    port = free_port()
    server = subprocess.Popen(
        [str(PAKKA), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=environment(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + API_START_S
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.5)
        else:
            raise RuntimeError("the API did not start")
        yield base
    finally:
        server.terminate()  # its shutdown waits for a running index rebuild: give it a while, then kill it
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def ask_while(base: str, headers: dict[str, str], stop: threading.Event, answered: list[int]) -> None:
    """A suggestion every ASK_EVERY_S until `stop`, as a merchant of the import's tenant."""
    listing = {"title": "Nike running shoes", "category": "men/shoes", "condition": "good", "currency": "USD"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        while not stop.wait(ASK_EVERY_S):
            with contextlib.suppress(httpx.HTTPError):
                client.post("/v1/pricing/suggest", json=listing)
                answered[0] += 1


def import_once(file: Path, size: int, with_api: bool) -> Run:
    with tempfile.TemporaryDirectory(prefix="pakka-import-bench-") as directory:
        data_dir = Path(directory)
        command = [str(PAKKA), "pricing", "import", str(file), "--format", "mercari", "--tenant", TENANT]
        command += ["--json"]
        answered = [0]
        stop = threading.Event()
        with running_api(data_dir) if with_api else contextlib.nullcontext("") as base:
            merchant = bearer_headers(
                Settings(data_dir=data_dir, _env_file=None), TENANT, "bench", Role.MERCHANT
            )
            asker = (
                threading.Thread(target=ask_while, args=(base, merchant, stop, answered)) if base else None
            )
            if asker is not None:
                asker.start()
            started = time.perf_counter()
            done = subprocess.run(
                command, env=environment(data_dir), capture_output=True, text=True, check=True
            )
            wall = time.perf_counter() - started
            stop.set()
            if asker is not None:
                asker.join()
        report = json.loads(done.stdout.strip().splitlines()[-1])
        return Run(size, with_api, wall, float(report["seconds"]), int(report["imported"]), answered[0])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 100_000])
    parser.add_argument("--no-api", action="store_true", help="Only without a running API.")
    parser.add_argument("--api-only", action="store_true", help="Only with a running API.")
    arguments = parser.parse_args()
    if not MERCARI_FILE.is_file():
        print(f"skipped: {MERCARI_FILE} is absent (the Mercari development file from ../shared/data)")
        return
    modes = [False] if arguments.no_api else [True] if arguments.api_only else [False, True]
    print(
        f"{'sales':>7} {'API':>4} {'wall s':>8} {'import s':>9} {'imported':>9} {'sales/s':>8} {'asked':>6}"
    )
    with tempfile.TemporaryDirectory(prefix="pakka-import-files-") as directory:
        for size in arguments.sizes:
            file = Path(directory) / f"mercari-{size}.tsv"
            synthesize(MERCARI_FILE, file, size)
            for with_api in modes:
                run = import_once(file, size, with_api)
                print(
                    f"{run.size:>7} {'yes' if run.api else 'no':>4} {run.wall_s:>8.1f} {run.import_s:>9.1f} "
                    f"{run.imported:>9} {run.imported / run.import_s:>8.0f} {run.suggestions:>6}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
