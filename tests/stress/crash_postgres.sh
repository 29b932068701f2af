#!/bin/sh
# The crash harness's short mode against PostgreSQL (docs/deployment.md, docs/reliability.md): SIGKILLs of an
# engine on a fresh schema of the test server. Skips (77) without PERMITFLOW_TEST_POSTGRES_URL, unless
# PERMITFLOW_REQUIRE_POSTGRES=1 makes that a failure.
#   crash_postgres.sh PERMITFLOW_CRASH KILLS
set -eu
export PGOPTIONS="--client-min-messages=warning"  # no NOTICEs from DROP SCHEMA
crash=$1
kills=$2
url=${PERMITFLOW_TEST_POSTGRES_URL:-}
if [ -z "$url" ]; then
  if [ "${PERMITFLOW_REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "PERMITFLOW_TEST_POSTGRES_URL is not set" >&2
    exit 1
  fi
  echo "no PostgreSQL server (PERMITFLOW_TEST_POSTGRES_URL unset): skipped"
  exit 77
fi
schema="crash_short_$$"
psql -q -v ON_ERROR_STOP=1 "$url" -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema"
case "$url" in *\?*) sep='&' ;; *) sep='?' ;; esac
status=0
"$crash" drive --db "$url${sep}options=-csearch_path%3D$schema" --kills "$kills" --seed 7 \
  --max-delay-ms 1000 || status=$?
psql -q "$url" -c "DROP SCHEMA IF EXISTS $schema CASCADE" || true
exit "$status"
