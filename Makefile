# E-Waste Exchange — the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST := $(BIN)/pytest
SQLITE_URL ?= sqlite:///var/ewaste.db
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PORT ?= 8000

.PHONY: install demo serve worker migrate test test-unit test-integration test-api e2e \
        test-postgres check format browser clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## make demo: install, migrate var/ewaste.db, build Shenzhen, run the simulated day, serve
demo: install
	mkdir -p var
	EWASTE_DATABASE_URL=$(SQLITE_URL) $(BIN)/ewaste demo --reset --port $(PORT)

serve: install
	EWASTE_DATABASE_URL=$(SQLITE_URL) $(BIN)/ewaste serve --port $(PORT)

worker: install
	EWASTE_DATABASE_URL=$(SQLITE_URL) $(BIN)/ewaste worker

migrate: install
	mkdir -p var
	EWASTE_DATABASE_URL=$(SQLITE_URL) $(BIN)/ewaste db upgrade

## Debian's Chromium (and a CJK font for readable screenshots) for the browser tests;
## Playwright cannot download browsers here.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then \
	  if command -v apt-get >/dev/null; then \
	    apt-get install -y chromium fonts-wqy-microhei >/dev/null 2>&1 \
	      || { apt-get update >/dev/null && apt-get install -y chromium fonts-wqy-microhei >/dev/null; }; \
	  else echo "install Chromium at /usr/bin/chromium for the e2e tests"; exit 1; fi; \
	fi

CORE := */ewaste/kernel/*,*/ewaste/*/rules.py,*/ewaste/*/rules/*,*/ewaste/*/access.py,*/ewaste/ledger/*

## make test: the whole suite (unit, integration, api, e2e) on SQLite, with branch coverage:
## 100 % for the kernel, every rules.py and access.py and the ledger; 90 % overall.
test: install browser
	rm -f .coverage .coverage.*
	$(PYTEST) -q -n 2 --cov=ewaste --cov-report= tests
	@echo "branch coverage, overall (need 90):" && $(BIN)/coverage report --fail-under=90 --format=total
	@echo "branch coverage, kernel/rules/access/ledger (need 100):" \
	  && $(BIN)/coverage report --fail-under=100 --format=total --include="$(CORE)"

test-unit: install
	$(PYTEST) -q tests/unit

test-integration: install
	$(PYTEST) -q tests/integration

test-api: install
	$(PYTEST) -q tests/api

e2e: install browser
	$(PYTEST) -q tests/e2e

## the same suite on PostgreSQL (one database per xdist worker)
test-postgres: install browser
	EWASTE_TEST_DATABASE_URL=$(PG_TEST_URL) $(PYTEST) -q -n 2 tests

check: install
	$(BIN)/ruff format --check src tests migrations bench
	$(BIN)/ruff check src tests migrations bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

format: install
	$(BIN)/ruff format src tests migrations bench
	$(BIN)/ruff check --fix src tests migrations bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.*
