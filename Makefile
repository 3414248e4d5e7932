# Two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
PG_URL ?= postgresql://postgres@127.0.0.1:5432
PG_TEST_DB ?= screening_test

.PHONY: run test test-sqlite test-postgres test-browser bench lint format check-system migration messages clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version 2>&1))."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

check-system: $(STAMP)
	@$(PY) -m screening.system_check

run: $(STAMP) check-system
	$(VENV)/bin/screening db upgrade
	@$(VENV)/bin/screening staff-hint --host $(HOST) --port $(PORT)
	$(VENV)/bin/screening run --host $(HOST) --port $(PORT)

# The whole suite: SQLite (with the browser tests), then PostgreSQL.
test: $(STAMP) check-system
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider -q

test-postgres: $(STAMP)
	@if $(PY) -m tests.postgres_db create "$(PG_URL)" "$(PG_TEST_DB)"; then \
	  TEST_DATABASE_URL="$(PG_URL)/$(PG_TEST_DB)" $(PY) -m pytest -p no:cacheprovider -q -m "not browser"; \
	else \
	  if [ "$$REQUIRE_POSTGRES" = "1" ]; then echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but not reachable at $(PG_URL)."; exit 1; fi; \
	  echo "PostgreSQL not reachable at $(PG_URL): skipping the PostgreSQL run (set REQUIRE_POSTGRES=1 to make this a failure)."; \
	fi

test-browser: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider -q -m browser

# Speed and memory figures (printed, never asserted): the PDF summary, then the staff queue.
bench: $(STAMP) check-system
	$(PY) -m screening.summary.bench
	$(PY) -m screening.staff.bench_queue

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# A new migration after changing the models: make migration m="what changed"
migration: $(STAMP)
	@test -n "$(m)" || { echo 'Say what changed: make migration m="add a column"'; exit 1; }
	tmp=$$(mktemp -d) && export DATABASE_URL="sqlite:///$$tmp/m.db" && \
	  $(VENV)/bin/screening db upgrade && $(VENV)/bin/screening db migrate -m "$(m)"; \
	  status=$$?; rm -rf $$tmp; exit $$status

# Extract every translatable string into messages.pot (a new language is then one .po file).
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k _l -k lazy_gettext -o messages.pot .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
