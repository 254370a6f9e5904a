#!/usr/bin/env bash
# The whole suite: lint, migrations in step with models, then pytest (browser tests included).
# With DATABASE_URL set (postgres://...), the suite runs against PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
echo "== ruff"
$BIN/ruff check .
echo "== migrations"
# The check needs no database; DATABASE_URL may name one that does not exist yet.
env -u DATABASE_URL DJANGO_SETTINGS_MODULE=trainingsite.settings.test $BIN/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "Models changed without a migration: run manage.py makemigrations"; exit 1; }

run_pytest() {
  # pytest exits 5 when a selection holds no test; that is not a failure here.
  $BIN/python -m pytest "$@" || { code=$?; [ $code -eq 5 ] || exit $code; }
}

echo "== pytest (database: ${DATABASE_URL:-sqlite})"
run_pytest -q -n 2 --dist loadgroup -m "not browser" "$@"
# Browser tests run in a process of their own: Playwright's sync API runs the tests inside a greenlet
# with its own context, where Django sees other connection objects than the ones the test database
# was set up on (and would lose the serialized data that transactional tests restore). The event loop
# also makes Django refuse ORM calls unless told it is safe here.
echo "== browser tests (system Chromium)"
DJANGO_ALLOW_ASYNC_UNSAFE=true run_pytest -q -m browser "$@"
