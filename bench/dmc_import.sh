#!/usr/bin/env bash
# Run the DMC import benchmark from the checkout with the project's virtualenv:
#
#   bench/dmc_import.sh                 # 30,000 rows, 3 runs side by side with psql \copy
#   bench/dmc_import.sh --million       # also the 1,000,000-row file (a few minutes)
#
# DATABASE_URL defaults to the local server's aocbench database (created when missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/aocbench}"
command -v psql >/dev/null || { echo "dmc_import.sh: psql is needed (Debian: apt-get install postgresql-client)" >&2; exit 2; }
exec "$ROOT/.venv/bin/python" "$ROOT/bench/dmc_import.py" "$@"
