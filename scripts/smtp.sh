#!/usr/bin/env bash
# Sourced by scripts/test.sh: throwaway SMTP sinks (aiosmtpd, see
# scripts/smtp_sink.py) on 127.0.0.1, each writing what it receives into a
# Maildir.
#
# `start_smtp` installs python3-aiosmtpd from the Debian packages when no
# Python can import aiosmtpd (as root), makes a test certificate with
# openssl, starts two sinks on free ports and waits until both accept:
#
#   SMTP_URL           smtp://127.0.0.1:<port>: plain, no authentication
#   SMTP_MAILDIR       its Maildir
#   SMTP_AUTH_URL      smtps://<user>:<password>@127.0.0.1:<port>?tls_name=localhost:
#                      implicit TLS with the test certificate, AUTH required
#   SMTP_AUTH_MAILDIR  its Maildir
#   SMTP_TLS_CA        the test certificate (PEM), to trust as a root
#
# It registers `stop_services` on exit, interrupt and termination: that
# stops the sinks, removes the scratch folder and also calls
# `stop_postgres` when scripts/pg.sh is loaded (both are idempotent).
# Call it after `start_postgres`, whose own trap it replaces.

SMTP_PIDS=()

smtp_python() {
    local py
    for py in /usr/bin/python3 python3; do
        if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import aiosmtpd' 2>/dev/null; then
            command -v "$py"
            return 0
        fi
    done
    return 1
}

# The first port from $1 on which nothing accepts.
smtp_free_port() {
    local port=$1
    while (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null; do port=$((port + 1)); done
    echo "$port"
}

# Waits until the sink with pid $1 logged to $2 that it listens, and port $3 accepts.
smtp_wait() {
    local pid=$1 log=$2 port=$3 i
    for i in $(seq 1 100); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "the SMTP sink on port $port exited:" >&2
            cat "$log" >&2
            exit 1
        fi
        if grep -q '^smtp sink on' "$log" && (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "the SMTP sink on port $port did not start within 10 s:" >&2
    cat "$log" >&2
    exit 1
}

start_smtp() {
    local py
    py=$(smtp_python || true)
    if [ -z "$py" ]; then
        if ! dpkg -s python3-aiosmtpd >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
            echo "== installing python3-aiosmtpd from the Debian packages"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-aiosmtpd >/dev/null
        fi
        py=$(smtp_python || true)
        if [ -z "$py" ]; then
            echo "aiosmtpd is not installed: run 'apt-get install python3-aiosmtpd' as root, or set SMTP_URL" >&2
            exit 1
        fi
    fi
    SMTP_PIDS=()
    SMTP_TMP=$(mktemp -d /tmp/dj-smtp.XXXXXX)
    trap stop_services EXIT
    trap 'stop_services; exit 130' INT TERM

    # rustls refuses a certificate marked as a CA: CA:FALSE, with the names
    # the tests connect with.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=localhost" \
        -addext "basicConstraints=critical,CA:FALSE" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$SMTP_TMP/key.pem" -out "$SMTP_TMP/cert.pem" >"$SMTP_TMP/openssl.log" 2>&1

    local sink plain_port auth_port user=dangjian password='s3cret:p@ss'
    sink="$(pwd)/scripts/smtp_sink.py"
    plain_port=$(smtp_free_port 52525)
    "$py" "$sink" --port "$plain_port" --maildir "$SMTP_TMP/plain" >"$SMTP_TMP/plain.log" 2>&1 &
    SMTP_PIDS+=($!)
    smtp_wait "${SMTP_PIDS[0]}" "$SMTP_TMP/plain.log" "$plain_port"

    auth_port=$(smtp_free_port $((plain_port + 1)))
    "$py" "$sink" --port "$auth_port" --maildir "$SMTP_TMP/auth" \
        --cert "$SMTP_TMP/cert.pem" --key "$SMTP_TMP/key.pem" --user "$user" --password "$password" \
        >"$SMTP_TMP/auth.log" 2>&1 &
    SMTP_PIDS+=($!)
    smtp_wait "${SMTP_PIDS[1]}" "$SMTP_TMP/auth.log" "$auth_port"

    export SMTP_URL="smtp://127.0.0.1:$plain_port"
    export SMTP_MAILDIR="$SMTP_TMP/plain"
    # The password is percent-encoded in the URL (':' and '@').
    export SMTP_AUTH_URL="smtps://$user:s3cret%3Ap%40ss@127.0.0.1:$auth_port?tls_name=localhost"
    export SMTP_AUTH_MAILDIR="$SMTP_TMP/auth"
    export SMTP_TLS_CA="$SMTP_TMP/cert.pem"
    echo "== SMTP sinks (aiosmtpd) on 127.0.0.1:$plain_port (plain) and :$auth_port (TLS, AUTH) in $SMTP_TMP"
}

stop_smtp() {
    local pid i
    for pid in "${SMTP_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${SMTP_PIDS[@]}"; do
        for i in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "${#SMTP_PIDS[@]}" -gt 0 ]; then
        echo "== SMTP sinks stopped"
    fi
    SMTP_PIDS=()
    [ -n "${SMTP_TMP:-}" ] && rm -rf "$SMTP_TMP"
    SMTP_TMP=
}

stop_services() {
    stop_smtp
    if declare -F stop_postgres >/dev/null; then
        stop_postgres
    fi
}
