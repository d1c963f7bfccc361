#!/usr/bin/env bash
# The whole test suite: unit, integration, property and doc tests with every
# feature, against the in-memory store, SQLite files and a real PostgreSQL
# server. CI (.ci/run) calls this same script.
#
# PostgreSQL: when DATABASE_URL is already set, that server is used.
# Otherwise a throwaway cluster is started on 127.0.0.1 (see scripts/pg.sh)
# and stopped and removed on exit, even when the tests fail or are
# interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pg.sh
. scripts/pg.sh

if [ -z "${DATABASE_URL:-}" ]; then
    start_postgres
fi

cargo test --all-features "$@"
