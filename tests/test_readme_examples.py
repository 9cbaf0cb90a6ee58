"""Every shell example in README.md and agents/README.md runs as written against the demo data.

The test does what a new user does: starts the API with `pakka serve` on a fresh data directory (which seeds
the demo catalog), then runs each file's ```bash blocks in order in one shell, as one terminal session (so a
variable set by one example is there for the next). Only three things are changed, each the way the README
tells a person to do it:
- `localhost:8000` is the test server's own port;
- a placeholder the README explains is filled in as it says (`RESOLVERS`: the sign-in code is read from the
  server's log);
- `curl` fails on an HTTP error (`--fail-with-body`), and every command must succeed (`set -euo pipefail`);
  a streamed `event: error` fails the run too.

A block is left out only when it is listed in `NOT_RUN` with the reason (and a listed block that no longer
exists fails the test), so a new example runs by default.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
READMES = [ROOT / "README.md", ROOT / "agents" / "README.md"]
FENCE = re.compile(
    r"^(?P<indent> *)```(?P<lang>[a-z]*)\n(?P<body>.*?)^(?P=indent)```$", re.MULTILINE | re.DOTALL
)
SHELL = {"bash", "sh", "shell", "console"}
PLACEHOLDER = re.compile(r"<[a-z][a-z0-9 ,'-]*[a-z]>")

NOT_RUN = {
    "scripts/serve.sh          #": "it starts the API: this test starts it the same way (`pakka serve`)",
    "export PAKKA_STORE=dynamodb": "needs AWS or a DynamoDB endpoint and a PostgreSQL server "
    "(the store and checkpointer contract tests run both backends)",
    "langgraph dev --no-browser": "a long-running dev server (tests/graphs/test_langgraph_dev.py runs it)",
    "evals.benchmarks.foundation --products 100000": "a benchmark with 100k products: minutes of work, "
    "and benchmarks are scripts, never tests",
    "evals.benchmarks.recommendations_load --clients 32": "a load benchmark: about 15 minutes of work, "
    "and benchmarks are scripts, never tests",
    "pakka eval run retrieval decision-fit pricing explanations": "the full eval run: minutes of work; "
    "tests/evals/runner/test_smoke_profile.py runs every suite's smoke profile",
}
"""A distinctive piece of each block that is not run -> why."""

RESOLVERS = {
    # The README: "the code is ... written to the server's log, as `login code for phone ending 3210: ...`".
    "<the code from the server log>": "'\"$(login_code)\"'",
}
"""Placeholder -> shell text that fills it in (inside the single-quoted JSON the placeholder sits in)."""

PRELUDE = r"""
set -euo pipefail
curl() { command curl --fail-with-body --max-time 300 "$@"; }
login_code() {  # the newest sign-in code in the server's log, as a person reads it there
  local code=""
  for _ in $(seq 100); do
    code=$(grep -o 'login code for phone ending [0-9]*: [0-9]\{6\}' "$SERVER_LOG" | tail -1 \
      | grep -o '[0-9]\{6\}$' || true)
    [ -n "$code" ] && break
    sleep 0.1
  done
  echo "$code"
}
"""


@dataclass(frozen=True)
class Block:
    readme: Path
    line: int
    text: str

    @property
    def label(self) -> str:
        return f"{self.readme.relative_to(ROOT)}:{self.line}"


def shell_blocks(readme: Path) -> list[Block]:
    text = readme.read_text(encoding="utf-8")
    return [
        Block(readme, text.count("\n", 0, match.start()) + 1, textwrap.dedent(match.group("body")))
        for match in FENCE.finditer(text)
        if match.group("lang") in SHELL
    ]


def skip_reason(block: Block) -> str | None:
    return next((reason for marker, reason in NOT_RUN.items() if marker in block.text), None)


def runnable(block: Block, base_url: str) -> str:
    text = block.text.replace("localhost:8000", base_url.removeprefix("http://"))
    for placeholder, resolved in RESOLVERS.items():
        text = text.replace(placeholder, resolved)
    unresolved = PLACEHOLDER.findall(text)
    assert not unresolved, f"{block.label}: placeholders the test cannot fill in: {unresolved}"
    return text


def script(readme: Path, base_url: str) -> str:
    parts = [PRELUDE]
    for block in shell_blocks(readme):
        if skip_reason(block) is None:
            parts.append(f'echo "### {block.label}"\n{runnable(block, base_url)}')
    return "\n".join(parts)


def clean_environment(tmp_path: Path, port: int) -> dict[str, str]:
    """A new user's shell: no AWS credentials (the conftest's fake ones would send Bedrock calls out), a fresh
    data directory, the test's port; the venv's `pakka` first on PATH."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "PAKKA_")) and name != "CI_NO_NETWORK"
    }
    return environment | {
        "AWS_EC2_METADATA_DISABLED": "true",
        "PAKKA_DATA_DIR": str(tmp_path / "data"),
        "PAKKA_PORT": str(port),
        "PAKKA_LOG_JSON": "true",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """`pakka serve` on a fresh data directory (the demo catalog seeded), as README's `scripts/serve.sh` runs
    it; yields (base URL, the shell environment the examples run in)."""
    tmp_path = tmp_path_factory.mktemp("readme")
    port = free_port()
    environment = clean_environment(tmp_path, port)
    log_path = tmp_path / "serve.log"
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("pakka")), "serve"],
            env=environment,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(base_url, server, log_path)
            yield base_url, environment | {"SERVER_LOG": str(log_path)}
        finally:
            server.terminate()
            server.wait(timeout=60)


def wait_until_serving(base_url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(
                f"pakka serve exited with {server.returncode}:\n{log_path.read_text()[-3000:]}"
            )
        try:
            if httpx.get(f"{base_url}/health", timeout=10).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("pakka serve did not answer /health within 300 s")


def test_every_shell_block_is_either_run_or_left_out_with_a_reason() -> None:
    blocks = [block for readme in READMES for block in shell_blocks(readme)]
    used = {marker for marker in NOT_RUN for block in blocks if marker in block.text}

    assert blocks, "no shell examples found"
    assert used == set(NOT_RUN), f"NOT_RUN lists blocks that are gone: {set(NOT_RUN) - used}"
    assert [block.label for block in blocks if skip_reason(block) is None], "every example is left out"


@pytest.mark.integration
@pytest.mark.parametrize("readme", READMES, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_shell_examples_run_as_written(
    readme: Path, api: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    base_url, environment = api
    result = subprocess.run(
        ["bash", "-c", script(readme, base_url)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = f"--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-4000:]}"

    assert result.returncode == 0, output
    assert "event: error" not in result.stdout, output
