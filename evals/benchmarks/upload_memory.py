"""Peak server memory under worst-case photo uploads: decompression bombs and the largest photos a scan takes.

Starts `pakka serve` on a throwaway data dir, signs 16 shoppers in (operator tokens) with biometric consent,
then has them upload, all at once, each of the worst cases below to POST /v1/scan/foot, /face and /body, and
prints the server's resident memory before and its peak (VmHWM) after. Target: under 1 GB.

| case | what it is |
|---|---|
| png-bomb | a 6300x6300 PNG of one colour (about 50 KB; 119 MB once decoded): refused from its header |
| webp-bomb | a 16383x2441 lossless WebP (a few KB; 120 MB decoded): refused from its header |
| png-largest | a 3999x3999 PNG of one colour: the most pixels a scan decodes (tools/vision: 16 MP) |
| jpeg-huge | a 12000x9000 JPEG: decoded reduced by libjpeg (1/8 or 1/4 of each side), never at full size |

    python -m evals.benchmarks.upload_memory [--clients 16] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import cv2
import httpx
import numpy as np

from core.identity.tokens import bearer_headers
from core.settings import Settings

PAKKA = Path(sys.executable).with_name("pakka")
KINDS = ("foot", "face", "body")


def worst_cases() -> dict[str, tuple[str, bytes]]:
    flat = np.full((6300, 6300, 3), 200, np.uint8)
    png_bomb = cv2.imencode(".png", flat, [cv2.IMWRITE_PNG_COMPRESSION, 9])[1].tobytes()
    del flat
    wide = np.full((2441, 16383, 3), 90, np.uint8)
    webp_bomb = cv2.imencode(".webp", wide, [cv2.IMWRITE_WEBP_QUALITY, 101])[1].tobytes()
    del wide
    largest = cv2.imencode(".png", np.full((3999, 3999, 3), 120, np.uint8), [cv2.IMWRITE_PNG_COMPRESSION, 9])
    huge = np.full((9000, 12000, 3), 160, np.uint8)
    cv2.circle(huge, (6000, 4500), 2000, (30, 30, 30), -1)
    jpeg = cv2.imencode(".jpg", huge, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes()
    del huge
    return {
        "png-bomb": ("image/png", png_bomb),
        "webp-bomb": ("image/webp", webp_bomb),
        "png-largest": ("image/png", largest[1].tobytes()),
        "jpeg-huge": ("image/jpeg", jpeg),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def memory_mib(pid: int, field: str) -> float:
    """VmRSS (now) or VmHWM (peak so far) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def running_api(data_dir: Path, concurrency: int) -> contextlib.AbstractContextManager[tuple[str, int]]:
    return running_api_with(
        data_dir, {"PAKKA_RATE_LIMITS_ENABLED": "false", "PAKKA_SCAN_CONCURRENCY": str(concurrency)}
    )


@contextlib.contextmanager
def running_api_with(data_dir: Path, settings: dict[str, str]) -> Iterator[tuple[str, int]]:
    """`pakka serve` on loopback over `data_dir` (demo catalog, rules tier) with `settings` as PAKKA_*
    variables; yields (base URL, server pid) until the block ends."""
    port = free_port()
    env = os.environ | {
        "PAKKA_DATA_DIR": str(data_dir),
        "PAKKA_SEED_DEMO_DATA": "true",
        "PAKKA_MODEL_TIERS": "rules",
        "PAKKA_EMBEDDING_MODEL": "none",
        "PAKKA_LOG_LEVEL": "WARNING",
        **settings,
    }
    server = subprocess.Popen(
        [str(PAKKA), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.3)
        else:
            raise RuntimeError("the API did not start")
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=60)


async def upload_all(
    base: str, shoppers: list[dict[str, str]], cases: dict[str, tuple[str, bytes]], rounds: int
) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    async with httpx.AsyncClient(base_url=base, timeout=600, limits=httpx.Limits(max_connections=64)) as http:

        async def one(headers: dict[str, str], kind: str, case: str) -> None:
            media_type, data = cases[case]
            fields = {"height_cm": "170"} if kind == "body" else {}
            response = await http.post(
                f"/v1/scan/{kind}", files={"image": (case, data, media_type)}, data=fields, headers=headers
            )
            code = response.json().get("error", {}).get("details", {}).get("reason") or str(
                response.status_code
            )
            outcomes[f"{case} -> {response.status_code} {code}"] += 1

        for _ in range(rounds):
            for case in cases:
                await asyncio.gather(
                    *(one(headers, KINDS[index % 3], case) for index, headers in enumerate(shoppers))
                )
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2, help="PAKKA_SCAN_CONCURRENCY of the server")
    args = parser.parse_args()
    cases = worst_cases()
    with tempfile.TemporaryDirectory(prefix="pakka-upload-memory-") as directory:
        data_dir = Path(directory)
        with running_api(data_dir, args.concurrency) as (base, pid):
            settings = Settings(data_dir=data_dir, _env_file=None)
            shoppers = [bearer_headers(settings, "demo", f"bomb-{n}") for n in range(args.clients)]
            for headers in shoppers:
                httpx.post(f"{base}/v1/consent", json={"granted": True}, headers=headers).raise_for_status()
            before = memory_mib(pid, "VmRSS")
            started = time.perf_counter()
            outcomes = asyncio.run(upload_all(base, shoppers, cases, args.rounds))
            seconds = time.perf_counter() - started
            peak = memory_mib(pid, "VmHWM")
    print(
        f"{args.clients} clients x {len(cases)} worst-case photos x {args.rounds} round(s), {seconds:.1f} s"
    )
    for case, (_, data) in cases.items():
        print(f"  {case:<12} {len(data) / 1024:>9.1f} KiB")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {count:>4}  {outcome}")
    print(f"server RSS before {before:.0f} MiB, peak {peak:.0f} MiB (target < 1024 MiB)")


if __name__ == "__main__":
    main()
