#!/usr/bin/env bash
# One command to test pakka: sets up ./.venv with the test extras, makes sure PostgreSQL's server
# binaries are present (the checkpointer tests start a throwaway cluster), then runs the whole suite.
# Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "PostgreSQL server binaries not found; installing Debian's postgresql package" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi

exec .venv/bin/python -m pytest "$@"
