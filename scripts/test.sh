#!/usr/bin/env bash
# The whole test suite: unit, integration, property and doc tests with every
# feature, against the in-memory store, SQLite files, a real PostgreSQL
# server and real SMTP sinks; then the e-mail example against the sink, and
# the WeCom and SMS examples against their in-process fakes, and the
# disclosure example.
# CI (.ci/run) calls this same script. Arguments go to `cargo test`
# (`bash scripts/test.sh --test smtp`).
#
# PostgreSQL: when DATABASE_URL is already set, that server is used.
# Otherwise a throwaway cluster is started on 127.0.0.1 (see scripts/pg.sh).
# SMTP: when SMTP_URL is already set, that server is used. Otherwise two
# aiosmtpd sinks are started on 127.0.0.1 (see scripts/smtp.sh). Both are
# stopped and removed on exit, even when the tests fail or are interrupted.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pg.sh
. scripts/pg.sh
# shellcheck source=scripts/smtp.sh
. scripts/smtp.sh

if [ -z "${DATABASE_URL:-}" ]; then
    start_postgres
fi
# After start_postgres: its exit trap becomes stop_services, which stops both.
if [ -z "${SMTP_URL:-}" ]; then
    start_smtp
fi

cargo test --all-features "$@"

echo "== cargo run --example email (through $SMTP_URL)"
before=0
if [ -n "${SMTP_MAILDIR:-}" ]; then
    before=$(find "$SMTP_MAILDIR/new" -type f 2>/dev/null | wc -l)
fi
cargo run --quiet --all-features --example email
if [ -n "${SMTP_MAILDIR:-}" ]; then
    after=$(find "$SMTP_MAILDIR/new" -type f | wc -l)
    if [ "$after" -le "$before" ]; then
        echo "the e-mail example sent nothing to $SMTP_MAILDIR" >&2
        exit 1
    fi
    grep -l '^X-Dangjian-Key: dues_in_arrears/' "$SMTP_MAILDIR/new"/* >/dev/null || {
        echo "no dues reminder in $SMTP_MAILDIR" >&2
        exit 1
    }
    echo "== $((after - before)) message(s) from the e-mail example arrived in the sink's Maildir"
fi

# The channel examples run against their in-process fakes on 127.0.0.1
# and fail (exit non-zero) if anything goes wrong.
for example in wecom sms; do
    echo "== cargo run --example $example (against its local fake)"
    out=$(cargo run --quiet --all-features --example "$example")
    printf '%s\n' "$out" | tail -n 3
done

# The disclosure example (in memory, on the 2026 working calendar) fails
# if a step it shows is not refused or allowed as it should be.
echo "== cargo run --example disclosure"
out=$(cargo run --quiet --all-features --example disclosure)
printf '%s\n' "$out" | grep -E '^3\.|refused|opens' | head -n 6
