#!/usr/bin/env bash
# One database and one role per service: each service owns its database and can reach no
# other. Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d),
# and by infra/scripts/compose-smoke.sh against the machine's PostgreSQL.
# Passwords come from the environment (.env.example documents them).
set -euo pipefail
declare -A passwords=(
  [auth]="${AUTH_DB_PASSWORD:-auth-dev-password}"
  [order]="${ORDER_DB_PASSWORD:-order-dev-password}"
  [payment]="${PAYMENT_DB_PASSWORD:-payment-dev-password}"
  [notification]="${NOTIFICATION_DB_PASSWORD:-notification-dev-password}"
  [billing]="${BILLING_DB_PASSWORD:-billing-dev-password}"
)
for service in auth order payment notification billing; do
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v role="$service" -v password="${passwords[$service]}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'password')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'role', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'role') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'role') \gexec
SQL
done
