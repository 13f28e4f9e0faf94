#!/usr/bin/env bash
# Install and start the services the full test suite uses besides Python: a PostgreSQL server
# (repository tests on a real server), Debian's Chromium (Playwright end-to-end tests) and
# poppler-utils (the PDF report rendered to PNG and to text in tests).
# Idempotent. Needs root (or sudo) for apt-get; without it, those tests skip with a message.
# Writes .test-services.env, which `make test` reads, with DATABASE_URL_TEST and the flag that
# makes those tests fail instead of skip when their service is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ENV_FILE=.test-services.env
: > "$ENV_FILE"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "test-services: not root and no sudo; PostgreSQL and browser tests will skip." >&2
    exit 0
  fi
fi

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)   # PDF report pages rendered to PNG
fc-list 2>/dev/null | grep -qi "noto color emoji" || need+=(fonts-noto-color-emoji)  # icons in screenshots
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# PostgreSQL: start the Debian cluster and create a throw-away test database.
version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
if [ -n "$version" ]; then
  run_psql() {
    if [ -n "$SUDO" ]; then $SUDO -u postgres psql -qtAc "$1"; else su postgres -c "psql -qtAc \"$1\""; fi
  }
  $SUDO pg_ctlcluster "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do
    run_psql 'select 1' >/dev/null 2>&1 && break
    sleep 1
  done
  run_psql "SELECT 1 FROM pg_roles WHERE rolname='symbiosis'" | grep -q 1 \
    || run_psql "CREATE ROLE symbiosis LOGIN SUPERUSER PASSWORD 'symbiosis'"
  run_psql "SELECT 1 FROM pg_database WHERE datname='symbiosis_test'" | grep -q 1 \
    || run_psql "CREATE DATABASE symbiosis_test OWNER symbiosis"
  # The app's own role: it logs in and owns nothing, so it cannot alter, disable or drop what the
  # migrations (run as the owner above) created, e.g. the audit log's triggers (tests/test_reliability_audit.py).
  run_psql "SELECT 1 FROM pg_roles WHERE rolname='symbiosis_app'" | grep -q 1 \
    || run_psql "CREATE ROLE symbiosis_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'symbiosis_app'"
  echo "DATABASE_URL_TEST=postgresql+psycopg://symbiosis:symbiosis@127.0.0.1:5432/symbiosis_test" >> "$ENV_FILE"
  echo "DATABASE_APP_URL_TEST=postgresql+psycopg://symbiosis_app:symbiosis_app@127.0.0.1:5432/symbiosis_test" \
    >> "$ENV_FILE"
fi
if command -v chromium >/dev/null 2>&1; then
  echo "SYMBIOSIS_CHROMIUM=$(command -v chromium)" >> "$ENV_FILE"
fi
echo "SYMBIOSIS_REQUIRE_SERVICES=1" >> "$ENV_FILE"
echo "test-services: ready ($(tr '\n' ' ' < "$ENV_FILE"))"
