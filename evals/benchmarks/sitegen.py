"""Site-generation benchmark on the rules tier: wall time per site (generation: sector, spec, pages, images;
validation: html-validate, axe-core in Chromium, screenshots; the whole run) and memory (peak resident set of
this process, and of the whole process tree with Chromium and Node, sampled every 50 ms).

    python -m evals.benchmarks.sitegen [--sites 6]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import tempfile
import threading
from pathlib import Path

from evals.sites.evaluate import load_descriptions, open_services, run_site


def tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and all its descendants, from /proc (Linux), in MiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0)
        pending.extend(children.get(pid, []))
    return total / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=6, help="descriptions, spread over the sectors")
    args = parser.parse_args()
    rows = load_descriptions()
    step = max(1, len(rows) // args.sites)
    chosen = rows[::step][: args.sites]
    peak = {"tree": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak["tree"] = max(peak["tree"], tree_rss_mb(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with tempfile.TemporaryDirectory(prefix="pakka-sites-bench-") as folder:
        services = open_services(Path(folder))
        try:
            runs = []
            for index, row in enumerate(chosen):
                run = asyncio.run(run_site(services, row, f"bench-{index}"))
                runs.append(run)
                print(f"{run.id:<24} pages={run.pages:<3} {json.dumps(run.seconds)}", flush=True)
        finally:
            services.close()
    done.set()
    sampler.join()

    def stats(key: str) -> dict[str, float]:
        values = [run.seconds[key] for run in runs]
        return {"mean": round(statistics.mean(values), 2), "max": round(max(values), 2)}

    print(
        json.dumps(
            {
                "sites": len(runs),
                "cpus": os.cpu_count(),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "seconds_per_site": {key: stats(key) for key in runs[0].seconds},
                "python_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "process_tree_peak_rss_mb": round(peak["tree"], 1),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
