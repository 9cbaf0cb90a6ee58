#!/usr/bin/env bash
# One command to run pakka: sets up ./.venv, then starts the API on the embedded defaults
# (SQLite under ./.pakka, demo catalog seeded on first start). Extra args go to `pakka serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/pakka serve "$@"
