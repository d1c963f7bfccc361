#!/usr/bin/env bash
# Sourced by scripts/test.sh and scripts/bench.sh: a throwaway PostgreSQL.
#
# `start_postgres` installs PostgreSQL from the Debian packages when it is
# missing (as root), starts a cluster as the unprivileged `postgres` user in a
# temporary folder, on 127.0.0.1 and a free port, exports DATABASE_URL, and
# registers `stop_postgres` to stop it and remove the folder on exit, even
# when the caller fails or is interrupted.

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

start_postgres() {
    local bin
    bin=$(pg_bin || true)
    if [ -z "$bin" ]; then
        if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
            echo "== installing PostgreSQL from the Debian packages"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
            bin=$(pg_bin)
        else
            echo "PostgreSQL is not installed: run 'apt-get install postgresql' as root, or set DATABASE_URL" >&2
            exit 1
        fi
    fi
    PG_TMP=$(mktemp -d /tmp/dj-pg.XXXXXX)
    trap stop_postgres EXIT
    trap 'stop_postgres; exit 130' INT TERM
    local run=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$PG_TMP"
        run=(runuser -u postgres --)
    fi
    local password=dangjian-test
    echo "$password" >"$PG_TMP/pw"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_TMP/pw"
    (cd / && "${run[@]}" "$bin/initdb" -D "$PG_TMP/data" -U postgres --pwfile="$PG_TMP/pw" \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_TMP/initdb.log")
    PG_PORT=55432
    while (echo >/dev/tcp/127.0.0.1/$PG_PORT) 2>/dev/null; do PG_PORT=$((PG_PORT + 1)); done
    (cd / && "${run[@]}" "$bin/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null)
    PG_RUN=("${run[@]}")
    PG_BIN=$bin
    export DATABASE_URL="postgres://postgres:$password@127.0.0.1:$PG_PORT/postgres"
    echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (throwaway cluster in $PG_TMP)"
}

stop_postgres() {
    if [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP/data" ]; then
        (cd / && "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1) || true
        echo "== PostgreSQL stopped"
    fi
    [ -n "${PG_TMP:-}" ] && rm -rf "$PG_TMP"
    PG_TMP=
}

