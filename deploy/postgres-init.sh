#!/bin/sh
# First start of the reference PostgreSQL (compose.yaml, an empty volume): the engine's database and its two roles,
# and Temporal's role. The owner runs the migrations (`npm run migrate`; CREATE EXTENSION pg_trgm and unaccent,
# trusted extensions a database owner may create); the app role is what the API and workers connect as, granted by
# the migration (INSERT and SELECT only on the audit log, no DDL). Temporal's auto-setup creates its own databases.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$PIX_OWNER_DB_PASSWORD" \
  -v app_password="$PIX_APP_DB_PASSWORD" \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" <<'EOSQL'
CREATE ROLE pix_agrement_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE pix_agrement_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE pix_agrement OWNER pix_agrement_owner;
CREATE ROLE temporal LOGIN NOSUPERUSER CREATEDB NOCREATEROLE PASSWORD :'temporal_password';
EOSQL
