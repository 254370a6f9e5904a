# The two commands: `make run` (set up everything and serve) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install system-deps messages migrate demo lint format lock bench clean

run: install messages migrate demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install system-deps messages
	bash scripts/test.sh

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Debian packages the browser tests and PDF checks need, and HarfBuzz's subsetter (WeasyPrint falls
# back to fontTools without it, 10+ times slower per certificate); installed when missing (CI runs as root).
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	{ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi; \
	fi

messages: install
	@command -v msgfmt >/dev/null || $(MAKE) system-deps
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

migrate: install
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py createcachetable

demo: migrate
	$(BIN)/python manage.py load_demo

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# Regenerate the pins from the *.in files in a throwaway virtualenv.
lock:
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --quiet -r requirements.in
	(echo "# Runtime packages, pinned. Regenerate with make lock."; /tmp/lock-venv/bin/pip freeze) > requirements.txt
	/tmp/lock-venv/bin/pip install --quiet -r requirements-dev.in
	(echo "# Runtime, test and tool packages, pinned. Regenerate with make lock."; /tmp/lock-venv/bin/pip freeze) > requirements-dev.txt

bench: install system-deps
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null || sudo apt-get install -y -qq wrk >/dev/null; }
	@# scale_pages and certification_day need a PostgreSQL database loaded with load_scale (DATABASE_URL).
	@for script in bench/*.py; do \
	  case "$$script" in bench/scale_pages.py|bench/certification_day.py) \
	    case "$$DATABASE_URL" in postgres*) ;; *) echo "== $$script skipped: set DATABASE_URL to a load_scale PostgreSQL database"; continue;; esac;; \
	  esac; \
	  echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

clean:
	rm -rf $(VENV) db.sqlite3 static_collected
