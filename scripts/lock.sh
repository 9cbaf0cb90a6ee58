#!/usr/bin/env bash
# Rewrites requirements/dev.lock: every package of the dev and local extras pinned exactly as uv resolves them,
# with pyproject's [tool.uv] overrides applied. pip has no overrides, so `pip install -e .` alone cannot give
# that environment; `pip install --no-deps -r requirements/dev.lock -e .` does (tests/test_packaging.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
.venv/bin/uv pip compile --quiet --universal --python-version 3.11 pyproject.toml --extra dev --extra local \
  -o requirements/dev.lock
