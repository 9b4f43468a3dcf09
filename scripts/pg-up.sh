#!/usr/bin/env bash
# Makes sure the local PostgreSQL answers on 127.0.0.1:5432 (starting the Debian cluster if needed)
# and that the application database(s) exist. Idempotent.
#
#   bash scripts/pg-up.sh                 # database from $PGDATABASE_NAME, default "dscsa"
#   bash scripts/pg-up.sh dscsa dscsa_test
#
# Environment: PGHOST (default 127.0.0.1), PGPORT (default 5432), PGUSER (default postgres; trust auth or
# PGPASSWORD), PGDATABASE_NAME, PG_START_TIMEOUT (seconds, default 60).
set -euo pipefail

export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-postgres}"
START_TIMEOUT="${PG_START_TIMEOUT:-60}"

log() { printf 'pg-up: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v psql >/dev/null || die "psql not found (apt-get install postgresql-client)"

if [[ $# -gt 0 ]]; then DATABASES=("$@"); else DATABASES=("${PGDATABASE_NAME:-dscsa}"); fi
for db in "${DATABASES[@]}"; do
  [[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_-]{0,62}$ ]] || die "invalid database name: '$db'"
done

pg_answers() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 2
  else
    psql -X -q -d postgres -tAc 'SELECT 1' >/dev/null 2>&1
  fi
}

if ! pg_answers; then
  case "$PGHOST" in 127.0.0.1|localhost|::1) ;; *) die "PostgreSQL does not answer on $PGHOST:$PGPORT (remote host; not starting anything)";; esac
  if ! command -v pg_ctlcluster >/dev/null || [[ ! -d /etc/postgresql ]]; then
    die "PostgreSQL does not answer on $PGHOST:$PGPORT and pg_ctlcluster is not available to start it. Start PostgreSQL 15 yourself and re-run."
  fi
  started=0
  for version in $(ls /etc/postgresql); do
    [[ -d "/etc/postgresql/$version/main" ]] || continue
    log "starting PostgreSQL $version/main"
    if pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
      started=1
    else
      # exit code 2 = already running (e.g. on another port); anything else is reported but we keep waiting.
      log "pg_ctlcluster $version main start returned non-zero"
    fi
  done
  [[ $started -eq 1 ]] || log "no cluster reported a successful start; waiting anyway"
  deadline=$((SECONDS + START_TIMEOUT))
  until pg_answers; do
    if ((SECONDS >= deadline)); then
      die "PostgreSQL did not answer on $PGHOST:$PGPORT within ${START_TIMEOUT}s (see /var/log/postgresql/)"
    fi
    sleep 0.5
  done
fi

for db in "${DATABASES[@]}"; do
  # \gexec runs the generated statement only when the database is missing; %I quotes the identifier.
  if ! out="$(psql -X -q -v ON_ERROR_STOP=1 -v db="$db" -d postgres 2>&1 <<'SQL'
SELECT format('CREATE DATABASE %I', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')
\gexec
SQL
)"; then
    # A concurrent run may have created it between the check and CREATE DATABASE.
    if [[ "$out" == *"already exists"* ]]; then :; else printf '%s\n' "$out" >&2; die "could not create database $db"; fi
  fi
done

printf "postgres ready on %s:%s, databases: %s\n" "$PGHOST" "$PGPORT" "${DATABASES[*]}"
