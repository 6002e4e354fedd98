# Two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000

.PHONY: run worker test test-explore lint format install install-test migrate seed clean system-libs

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files so a second `make` does not reinstall; they are redone when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# WeasyPrint (the reports' PDFs) draws text with Pango and needs a font: installed from Debian
# where the machine lacks them (as root; otherwise it says what to install).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core
system-libs:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! fc-list 2>/dev/null | grep -qi dejavu; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing what WeasyPrint needs from Debian: $(PDF_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
	  else \
	    echo "WeasyPrint needs: $(PDF_PACKAGES) (sudo apt-get install them)"; exit 1; \
	  fi; \
	fi

install: system-libs $(VENV)/.installed
install-test: system-libs $(VENV)/.installed-test

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=1 $(PY) manage.py seed_demo --if-empty

# The web server and a background worker together; when either stops, both do.
run: seed
	DEBUG=1 $(PY) manage.py devserver $(HOST)

worker: migrate
	DEBUG=1 DB_TIMEOUT_PROFILE=worker $(PY) manage.py worker

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/pytest

# The property tests with fresh random examples (the "explore" profile of tests/conftest.py),
# where `make test` tries the same derandomized ones every time. Failures are kept in .hypothesis/.
test-explore: install-test
	HYPOTHESIS_PROFILE=explore $(BIN)/pytest tests/test_hostile_forms.py tests/test_dashboard_property.py

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles

# Dashboard benchmark (issue 3): 1,000 and 100,000 tasks, on SQLite and on PostgreSQL, in one run.
# Needs PostgreSQL on 127.0.0.1:5432 (BENCH_PG to point elsewhere). Results: docs/performance.md.
BENCH_ENV := DEBUG=0 SECRET_KEY=benchmark-only-key SECURE_SSL_REDIRECT=0
BENCH_PG ?= postgres://postgres@127.0.0.1:5432/planner_bench
BENCH_SIZES ?= 1000 100000

.PHONY: bench
bench: install
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	rm -f .bench.sqlite3
	$(BENCH_ENV) DATABASE_URL=sqlite:///$(CURDIR)/.bench.sqlite3 $(PY) manage.py migrate -v0
	$(BENCH_ENV) DATABASE_URL=sqlite:///$(CURDIR)/.bench.sqlite3 \
		$(PY) manage.py bench_dashboard --sizes $(BENCH_SIZES)
	psql "$(BENCH_PG)" -c 'select 1' >/dev/null 2>&1 || \
		psql "$(dir $(BENCH_PG))postgres" -c 'create database $(notdir $(BENCH_PG))'
	$(BENCH_ENV) DATABASE_URL=$(BENCH_PG) $(PY) manage.py migrate -v0
	$(BENCH_ENV) DATABASE_URL=$(BENCH_PG) $(PY) manage.py bench_dashboard --sizes $(BENCH_SIZES)

# Page benchmark (issue 10): every page a member can open, at 1,000 and 100,000 tasks on
# PostgreSQL (PAGES_ARGS=--million adds 1,000,000; the seeding then takes a while). The jobs'
# database timeouts, so that seeding and the slowest pages are measured, not cut at 5 s.
PAGES_ARGS ?=

.PHONY: bench-pages
bench-pages: install
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	psql "$(BENCH_PG)" -c 'select 1' >/dev/null 2>&1 || \
		psql "$(dir $(BENCH_PG))postgres" -c 'create database $(notdir $(BENCH_PG))'
	$(BENCH_ENV) DATABASE_URL=$(BENCH_PG) $(PY) manage.py migrate -v0
	$(BENCH_ENV) DB_TIMEOUT_PROFILE=worker DATABASE_URL=$(BENCH_PG) \
		$(PY) manage.py bench_pages --sizes $(BENCH_SIZES) $(PAGES_ARGS)

# Load test (issue 5): gunicorn + PostgreSQL + 10,000 demo tasks, wrk for 60 s at 32 connections.
LOAD_PG ?= postgres://postgres@127.0.0.1:5432/planner_load
LOAD_ENV := $(BENCH_ENV) ALLOWED_HOSTS=127.0.0.1 DATABASE_URL=$(LOAD_PG)

.PHONY: loadtest
loadtest: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	psql "$(LOAD_PG)" -c 'select 1' >/dev/null 2>&1 || \
		psql "$(dir $(LOAD_PG))postgres" -c 'create database $(notdir $(LOAD_PG))'
	$(LOAD_ENV) $(PY) manage.py migrate -v0
	$(LOAD_ENV) $(PY) manage.py loadtest

# Import through a worker (issue 8): 100,000 and 1,000,000-row reports on PostgreSQL, with task
# saves and dashboard loads timed while each applies. Results: docs/performance.md.
IMPORT_PG ?= postgres://postgres@127.0.0.1:5432/planner_import_bench
IMPORT_SIZES ?= 100000 1000000

.PHONY: bench-import
bench-import: install
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0
	psql "$(IMPORT_PG)" -c 'select 1' >/dev/null 2>&1 || \
		psql "$(dir $(IMPORT_PG))postgres" -c 'create database $(notdir $(IMPORT_PG))'
	$(BENCH_ENV) DATABASE_URL=$(IMPORT_PG) $(PY) manage.py migrate -v0
	$(BENCH_ENV) DATABASE_URL=$(IMPORT_PG) $(PY) manage.py bench_import_jobs --sizes $(IMPORT_SIZES)
