#!/bin/bash
# Runs once, when the postgres volume is first initialized (docker-entrypoint-initdb.d), as the
# superuser. It creates two least-privilege roles on the one server:
#   * the Temporal role: may create databases; temporal-admin-tools creates and owns
#     `temporal` and `temporal_visibility` with it (the visibility schema's btree_gin extension is
#     "trusted" since PostgreSQL 13, so a database owner may install it without superuser);
#   * the app role, owning only the app database, which nobody else may connect to.
# Changing the passwords later is a manual ALTER ROLE: this script never runs again on a used volume.
# No `set -u`: if the file loses its exec bit, the image sources it into its own entrypoint.
set -eo pipefail

: "${TEMPORAL_DB_USER:?TEMPORAL_DB_USER is required}"
: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD is required}"
: "${APP_DB_USER:?APP_DB_USER is required}"
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD is required}"
: "${APP_DB_NAME:?APP_DB_NAME is required}"

# psql variables (:"ident" and :'literal') quote names and passwords safely; they are expanded in
# script input read from stdin, never on the command line, so no password shows up in `ps`.
psql --no-psqlrc -v ON_ERROR_STOP=1 \
  --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
  --set=temporal_user="$TEMPORAL_DB_USER" --set=temporal_password="$TEMPORAL_DB_PASSWORD" \
  --set=app_user="$APP_DB_USER" --set=app_password="$APP_DB_PASSWORD" --set=app_db="$APP_DB_NAME" \
  <<'SQL'
CREATE ROLE :"temporal_user" WITH LOGIN CREATEDB PASSWORD :'temporal_password';
CREATE ROLE :"app_user" WITH LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"app_db" TO :"app_user";
SQL
