#!/bin/sh
# Makes sure PostgreSQL and Redis answer at DATABASE_URL and REDIS_URL
# (defaults: 127.0.0.1:5432 and 127.0.0.1:6379). A local server that is
# installed but stopped is started; a missing one is installed with apt-get
# when we are root on Debian/Ubuntu; otherwise we stop and say what to run.
set -eu
cd "$(dirname "$0")/.."

DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/vzferry}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"

host_of() { node -e 'const u=new URL(process.argv[1]);console.log(u.hostname.replace(/^\[|\]$/g,""))' "$1"; }
port_of() { node -e 'const u=new URL(process.argv[1]);console.log(u.port||process.argv[2])' "$1" "$2"; }
is_local() { case "$1" in 127.0.0.1|localhost|::1) return 0;; *) return 1;; esac; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
say() { echo "services: $*"; }
fail() { echo "services: $*" >&2; exit 1; }

apt_install() {
  say "installing $* with apt-get"
  if [ ! -f /var/lib/apt/periodic/update-success-stamp ] && [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  }
}

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }

ensure_postgres() {
  PG_HOST=$(host_of "$DATABASE_URL"); PG_PORT=$(port_of "$DATABASE_URL" 5432)
  command -v pg_isready >/dev/null 2>&1 && pg_up && { say "PostgreSQL answers at $PG_HOST:$PG_PORT"; return; }
  is_local "$PG_HOST" || fail "PostgreSQL does not answer at $PG_HOST:$PG_PORT; start it there, or set DATABASE_URL"
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    can_apt || fail "PostgreSQL is not installed; install it (Debian: apt-get install postgresql), or set DATABASE_URL"
    apt_install postgresql
    trust_loopback
  fi
  version=$(ls /etc/postgresql | sort -n | tail -n 1)
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start
  i=0; until pg_up; do i=$((i+1)); [ $i -gt 30 ] && fail "PostgreSQL did not come up on $PG_HOST:$PG_PORT"; sleep 1; done
  say "PostgreSQL answers at $PG_HOST:$PG_PORT"
}

# A PostgreSQL we installed ourselves lets the postgres user in over loopback
# without a password, as the default DATABASE_URL expects; nothing else.
trust_loopback() {
  version=$(ls /etc/postgresql | sort -n | tail -n 1)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  grep -q 'vzferry: trust loopback' "$hba" && return
  tmp=$(mktemp)
  { echo '# vzferry: trust loopback for the postgres user (scripts/services.sh)'
    echo 'host all postgres 127.0.0.1/32 trust'
    echo 'host all postgres ::1/128 trust'
    cat "$hba"; } > "$tmp"
  cat "$tmp" > "$hba"; rm -f "$tmp"
}

redis_up() { redis-cli -h "$RD_HOST" -p "$RD_PORT" ping 2>/dev/null | grep -q PONG; }

ensure_redis() {
  RD_HOST=$(host_of "$REDIS_URL"); RD_PORT=$(port_of "$REDIS_URL" 6379)
  command -v redis-cli >/dev/null 2>&1 && redis_up && { say "Redis answers at $RD_HOST:$RD_PORT"; return; }
  is_local "$RD_HOST" || fail "Redis does not answer at $RD_HOST:$RD_PORT; start it there, or set REDIS_URL"
  if ! command -v redis-server >/dev/null 2>&1; then
    can_apt || fail "Redis is not installed; install it (Debian: apt-get install redis-server), or set REDIS_URL"
    apt_install redis-server
  fi
  say "starting Redis on $RD_HOST:$RD_PORT"
  redis-server --daemonize yes --bind "$RD_HOST" --port "$RD_PORT" --save "" --appendonly no >/dev/null
  i=0; until redis_up; do i=$((i+1)); [ $i -gt 20 ] && fail "Redis did not come up on $RD_HOST:$RD_PORT"; sleep 0.5; done
  say "Redis answers at $RD_HOST:$RD_PORT"
}

ensure_postgres
ensure_redis
