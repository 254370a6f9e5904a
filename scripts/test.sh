#!/usr/bin/env bash
# The whole suite: lint, migrations in step with models, then pytest (browser tests included).
# With DATABASE_URL set (postgres://...), the suite runs against PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
echo "== ruff"
$BIN/ruff check .
echo "== migrations"
DJANGO_SETTINGS_MODULE=trainingsite.settings.test $BIN/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "Models changed without a migration: run manage.py makemigrations"; exit 1; }
echo "== pytest (database: ${DATABASE_URL:-sqlite})"
# Browser tests run Playwright's sync API, whose event loop would otherwise make Django refuse ORM calls.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
$BIN/python -m pytest -q -n 2 --dist loadgroup "$@"
