#!/usr/bin/env bash
# Run a command with PostgreSQL and Redis available, then clean up:
#
#   scripts/test-services.sh pytest -x
#   scripts/test-services.sh make test-steps
#
# DATABASE_URL and REDIS_URL default to the local servers (postgres://postgres@127.0.0.1:5432/aoc,
# redis://127.0.0.1:6379/0) and are exported to the command. The database named in DATABASE_URL is
# created when it does not exist. When a server does not answer, a throwaway one is started on a free
# port in a temporary directory (PostgreSQL via initdb/pg_ctl, Redis via redis-server), the URL is
# pointed at it, and it is stopped and deleted when the command ends. As root on Debian/Ubuntu missing
# server programs are installed with apt-get; otherwise the script says what to install.
# The tests never fall back to SQLite: a non-PostgreSQL DATABASE_URL is an error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"

say() { printf '==> %s\n' "$*"; }
die() { printf 'test-services: %s\n' "$*" >&2; exit 1; }

if [ $# -eq 0 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    [ $# -eq 0 ] && exit 2 || exit 0
fi
[ -x "$PY" ] || die "$PY is missing: run scripts/bootstrap.sh --test first"
"$PY" -c 'import psycopg, redis' 2>/dev/null || die "psycopg and redis are not installed in .venv: run scripts/bootstrap.sh --test"

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/aoc}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"

can_apt() { [ "$(id -u)" = 0 ] && [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }
APT_UPDATED=0
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    if [ "$APT_UPDATED" = 0 ]; then
        say "apt-get update"
        apt-get update -qq </dev/null
        APT_UPDATED=1
    fi
    say "apt-get install $*"
    apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Same URL, pointed at 127.0.0.1:PORT (and, for PostgreSQL, the trust-authenticated user postgres).
local_url() {
    "$PY" - "$1" "$2" "$3" <<'EOF'
import sys
from urllib.parse import urlsplit, urlunsplit

url, port, user = sys.argv[1:]
parts = urlsplit(url)
netloc = (f"{user}@" if user else "") + f"127.0.0.1:{port}"
print(urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)))
EOF
}

# Exit status: 0 reachable (the database is created if missing), 1 unreachable, 2 unusable URL.
pg_check() {
    "$PY" - "$DATABASE_URL" <<'EOF'
import sys
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

url = urlsplit(sys.argv[1])
# The schemes django-environ accepts for PostgreSQL; libpq itself knows only postgres(ql)://.
if url.scheme not in {"postgres", "postgresql", "pgsql", "psql", "postgis"}:
    print(f"DATABASE_URL must be a PostgreSQL URL for the tests, not {url.scheme}://", file=sys.stderr)
    sys.exit(2)
dbname = unquote(url.path.lstrip("/")) or "aoc"
conninfo = url._replace(scheme="postgresql").geturl()
try:
    # The maintenance database, so that a missing test database is not mistaken for a missing server.
    conn = psycopg.connect(conninfo, dbname="postgres", connect_timeout=3, autocommit=True)
except psycopg.OperationalError as exc:
    print(str(exc).strip().splitlines()[0], file=sys.stderr)
    sys.exit(1)
with conn:
    version = conn.info.server_version
    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
    if not exists:
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        except psycopg.Error as exc:
            print(f"cannot create database {dbname}: {str(exc).strip()}", file=sys.stderr)
            sys.exit(2)
    where = f"{url.hostname or 'local socket'}:{url.port or 5432}/{dbname}"
    print(f"PostgreSQL {version // 10000}.{version % 10000} at {where}" + ("" if exists else " (database created)"))
EOF
}

redis_check() {
    "$PY" - "$REDIS_URL" <<'EOF'
import sys
from urllib.parse import urlsplit

import redis

url = sys.argv[1]
try:
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    client.ping()
    version = client.info("server")["redis_version"]
except redis.RedisError as exc:
    print(str(exc).strip().splitlines()[0], file=sys.stderr)
    sys.exit(1)
parts = urlsplit(url)
print(f"Redis {version} at {parts.hostname}:{parts.port or 6379}{parts.path}")
EOF
}

# --- Clean-up of what this script started --------------------------------------------------------
PG_DIR="" PG_BIN="" PG_USER="" REDIS_DIR=""

as_pg_user() {
    # initdb and pg_ctl refuse to run as root; run them as PG_USER from a directory it can read.
    if [ -n "$PG_USER" ]; then
        (cd / && runuser -u "$PG_USER" -- "$@")
    else
        "$@"
    fi
}

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local rc=$?
    if [ -n "$PG_DIR" ]; then
        if [ -f "$PG_DIR/data/postmaster.pid" ]; then
            as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$PG_DIR"
        say "throwaway PostgreSQL stopped"
    fi
    if [ -n "$REDIS_DIR" ]; then
        local pid
        pid="$(cat "$REDIS_DIR/redis.pid" 2>/dev/null || true)"
        if [ -n "$pid" ]; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -rf "$REDIS_DIR"
        say "throwaway Redis stopped"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- PostgreSQL -----------------------------------------------------------------------------------
pg_bindir() {
    local d
    # shellcheck disable=SC2012  # version directories have plain names; sort -V needs a list
    for d in $(ls -d /usr/lib/postgresql/*/bin /usr/pgsql-*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 &&
        { dirname "$(command -v initdb)"; return 0; }
    return 1
}

start_throwaway_pg() {
    if ! PG_BIN="$(pg_bindir)"; then
        if can_apt; then
            apt_install postgresql
            PG_BIN="$(pg_bindir)" || die "apt-get installed postgresql but initdb/pg_ctl are not found"
        else
            die "PostgreSQL is not reachable at DATABASE_URL and its programs (initdb, pg_ctl) are not installed.
  Start a PostgreSQL server and set DATABASE_URL, or install PostgreSQL
  (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@15)."
        fi
    fi
    PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/aoc-test-pg.XXXXXX")"
    if [ "$(id -u)" = 0 ]; then
        command -v runuser >/dev/null 2>&1 || die "runuser (util-linux) is needed to run initdb as a non-root user"
        if id postgres >/dev/null 2>&1; then PG_USER=postgres; else PG_USER=nobody; fi
        chown "$PG_USER" "$PG_DIR"
    fi
    local port locale_opt
    port="$(free_port)"
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale_opt=--locale=C.UTF-8; else locale_opt=--no-locale; fi
    say "starting a throwaway PostgreSQL ($("$PG_BIN/postgres" --version | awk '{print $3}')) on 127.0.0.1:$port in $PG_DIR"
    if ! as_pg_user "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 "$locale_opt" \
        >"$PG_DIR/initdb.log" 2>&1; then
        cat "$PG_DIR/initdb.log" >&2
        die "initdb failed"
    fi
    # Durability is pointless for a cluster that is deleted afterwards; these make the tests faster.
    if ! as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 start \
        -o "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null; then
        cat "$PG_DIR/postgres.log" >&2
        die "the throwaway PostgreSQL did not start"
    fi
    DATABASE_URL="$(local_url "$DATABASE_URL" "$port" postgres)"
}

if out="$(pg_check 2>&1)"; then
    say "$out"
else
    rc=$?
    [ "$rc" = 2 ] && die "$out"
    say "PostgreSQL not reachable at DATABASE_URL ($out)"
    start_throwaway_pg
    out="$(pg_check 2>&1)" || die "the throwaway PostgreSQL does not answer: $out"
    say "$out"
fi

# --- Redis ----------------------------------------------------------------------------------------
start_throwaway_redis() {
    if ! command -v redis-server >/dev/null 2>&1; then
        if can_apt; then
            apt_install redis-server
        else
            die "Redis is not reachable at REDIS_URL and redis-server is not installed.
  Start a Redis server and set REDIS_URL, or install Redis
  (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)."
        fi
    fi
    REDIS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/aoc-test-redis.XXXXXX")"
    local port
    port="$(free_port)"
    say "starting a throwaway Redis on 127.0.0.1:$port"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
        --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
    REDIS_URL="$(local_url "$REDIS_URL" "$port" "")"
    for _ in $(seq 50); do
        redis_check >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    cat "$REDIS_DIR/redis.log" >&2 || true
    die "the throwaway Redis did not start"
}

if out="$(redis_check 2>&1)"; then
    say "$out"
else
    say "Redis not reachable at REDIS_URL ($out)"
    start_throwaway_redis
    out="$(redis_check 2>&1)" || die "the throwaway Redis does not answer: $out"
    say "$out"
fi

# --- The command ----------------------------------------------------------------------------------
set +e
"$@"
rc=$?
set -e
exit "$rc"
