"""CLI start-up benchmark: wall time of `pakka --help` and the light commands, each in a fresh process.

Run: `python -m evals.benchmarks.cli_startup [--runs 5]`. Every command runs `--runs` times against a
throwaway data directory (whose store and knowledge index are prepared first, untimed, so `kb search`
measures a search and not a build); prints the best and the median wall time per command. Never fails on a
time: on a shared machine compare the best times, and run before and after on the same machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS: list[list[str]] = [
    ["--help"],
    ["models", "status"],
    ["size", "foot", "--length-mm", "262", "--width-mm", "98"],
    ["kb", "search", "does Sprintara run small", "--mode", "lexical"],
    ["kb", "search", "does Sprintara run small"],
    ["graphs"],
]
PREPARE: list[list[str]] = [["db", "init"], ["kb", "build"]]


def pakka() -> list[str]:
    """The `pakka` entry point of this environment (the script next to the interpreter)."""
    script = Path(sys.executable).with_name("pakka")
    return [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]


def wall_time(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="pakka-cli-bench-"))
    env = {**os.environ, "PAKKA_DATA_DIR": str(data_dir), "PAKKA_LOG_LEVEL": "WARNING"}
    try:
        for command in PREPARE:
            wall_time([*pakka(), *command], env)
        print(f"{'command':<60} {'best s':>8} {'median s':>9}")
        for command in COMMANDS:
            samples = [wall_time([*pakka(), *command], env) for _ in range(args.runs)]
            label = "pakka " + " ".join(part if " " not in part else repr(part) for part in command)
            print(f"{label:<60} {min(samples):>8.2f} {statistics.median(samples):>9.2f}", flush=True)
        bare = wall_time([sys.executable, "-c", "pass"], env)
        print(f"(python -c pass: {bare:.2f} s; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f})")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
