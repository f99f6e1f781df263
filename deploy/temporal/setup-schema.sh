#!/bin/sh
# One-shot job (temporalio/admin-tools): creates Temporal's two databases and brings their schemas
# to the version shipped with this admin-tools image. Every step is idempotent, so the job is safe
# to run on every `docker compose up`, and it is also how the schema is upgraded after bumping the
# server and admin-tools tags together: `create` ignores an existing database, `setup-schema -v 0.0`
# only adds the version tables when they are missing, `update-schema` applies the missing versions.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${POSTGRES_PWD:?POSTGRES_PWD is required}"
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
SCHEMA_ROOT="${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"
WAIT_SECONDS="${WAIT_SECONDS:-120}"

# temporal-sql-tool reads the password from the environment: keep it out of the process list.
SQL_PASSWORD="$POSTGRES_PWD"
export SQL_PASSWORD

waited=0
until nc -z -w 2 "$POSTGRES_SEEDS" "$DB_PORT"; do
  if [ "$waited" -ge "$WAIT_SECONDS" ]; then
    echo "setup-schema: PostgreSQL at $POSTGRES_SEEDS:$DB_PORT not reachable after ${WAIT_SECONDS}s" >&2
    exit 1
  fi
  sleep 2
  waited=$((waited + 2))
done

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

setup_database() {
  db="$1"
  versioned_dir="$2"
  echo "setup-schema: database $db"
  sql_tool --db "$db" create
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$versioned_dir"
}

setup_database "$DBNAME" "$SCHEMA_ROOT/temporal/versioned"
setup_database "$VISIBILITY_DBNAME" "$SCHEMA_ROOT/visibility/versioned"
echo "setup-schema: done"
