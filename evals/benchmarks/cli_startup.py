"""CLI start-up benchmark: wall and CPU time of `pakka --help` and the light commands, each in a new process.

Run: `python -m evals.benchmarks.cli_startup [--runs 5] [--tree DIR]`. Every command runs `--runs` times
against a throwaway data directory (whose store and knowledge index are prepared first, untimed, so
`kb search` measures a search and not a build); prints the best and the median wall time and the best CPU
time (user + system of the command's process) per command. `--tree DIR` runs the CLI from another checkout
of pakka with this environment (e.g. an older commit unpacked with `git archive COMMIT | tar -x -C DIR`), to
compare before and after on the same machine. Never fails on a time: on a busy machine wall times stretch
with the load, CPU times much less, so compare those, and run both trees in the same minutes.
"""

from __future__ import annotations

import argparse
import os
import resource
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
ENTRY = "import sys; sys.argv[0] = 'pakka'; from api.cli import app; app()"


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `pakka COMMAND`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", ENTRY, *command],
        env=env,
        cwd=env["PAKKA_DATA_DIR"],  # not a checkout: `python -c` puts the working directory first on sys.path
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[2])
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="pakka-cli-bench-"))
    data_dir.mkdir(exist_ok=True)
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("AWS_")},
        "PYTHONPATH": str(args.tree.resolve()),
        "PAKKA_DATA_DIR": str(data_dir),
        "PAKKA_LOG_LEVEL": "WARNING",
    }
    try:
        for command in PREPARE:
            timed(command, env)
        print(f"tree: {args.tree.resolve()}")
        print(f"{'command':<58} {'best s':>7} {'median s':>9} {'cpu s':>6}")
        for command in COMMANDS:
            samples = [timed(command, env) for _ in range(args.runs)]
            walls = [wall for wall, _ in samples]
            label = "pakka " + " ".join(part if " " not in part else repr(part) for part in command)
            cpu = min(cpu for _, cpu in samples)
            print(f"{label:<58} {min(walls):>7.2f} {statistics.median(walls):>9.2f} {cpu:>6.2f}", flush=True)
        wall, cpu = _python_itself(env)
        print(
            f"(python -c pass: {wall:.2f} s wall, {cpu:.2f} s cpu; {os.cpu_count()} cores; "
            f"load {os.getloadavg()[0]:.1f})"
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _python_itself(env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    main()
