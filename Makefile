# Markedsplassen. Two commands for a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-unit test-e2e check lint format install assets messages messages-update run worker clean help

help:
	@echo "make demo   - install, build, migrate, load demo data and serve http://$(HOST):$(PORT) (SQLite)"
	@echo "make test   - install, build, lint and run every test (set DATABASE_URL for PostgreSQL)"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/build/.built: frontend/node_modules/.installed frontend/build.mjs
	cd frontend && node build.mjs
	touch $@

# gettext's msgfmt compiles the translations (.po -> .mo); install it from Debian when missing (root here).
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(PY) manage.py compilemessages --ignore='.venv/*' --ignore='frontend/*' -v0

# Re-extract the Bokmål source strings into locale/en/LC_MESSAGES/django.po; then translate every new entry
# (tests/test_i18n.py fails on untranslated or fuzzy entries). Same options as the test uses.
MAKEMESSAGES_OPTS := -l en --no-wrap --add-location=file --no-obsolete \
	--ignore='.venv/*' --ignore='node_modules/*' --ignore='frontend/*' --ignore='tests/*' \
	--ignore='benchmarks/*' --ignore='var/*' --ignore='docs/*'
messages-update: $(VENV)/.installed
	@command -v xgettext >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(PY) manage.py makemessages $(MAKEMESSAGES_OPTS)

install: $(VENV)/.installed frontend/build/.built messages

assets: frontend/build/.built

demo: install
	$(BIN)/mps demo --addrport $(HOST):$(PORT)

check: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy config marketplace
	$(PY) manage.py makemigrations --check --dry-run -v1

lint: check

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-unit: install
	$(BIN)/pytest -n 2 -m "not e2e" -q

test-e2e: install
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	$(BIN)/pytest -m e2e -q -p no:xdist

test: install check test-unit test-e2e

worker: install
	$(BIN)/mps worker

clean:
	rm -rf $(VENV) frontend/node_modules frontend/build var/staticfiles
