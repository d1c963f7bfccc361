#!/usr/bin/env bash
# The benchmarks (criterion), with a throwaway PostgreSQL for the storage
# bench's PostgreSQL figures (see scripts/pg.sh). Arguments go to
# `cargo bench`, e.g. `bash scripts/bench.sh --bench storage -- county_month`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pg.sh
. scripts/pg.sh

if [ -z "${DATABASE_URL:-}" ]; then
    start_postgres
fi

cargo bench --all-features "$@"
