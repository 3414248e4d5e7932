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

.PHONY: run test test-sqlite test-postgres test-browser bench bench-instructions load load-baseline pdf-baseline lint format check-system migration messages translations clean lforms

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version 2>&1))."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(VENV)/bin/pybabel compile --statistics -d $(TRANSLATIONS)
	@touch $(STAMP)

# The compiled catalogues (.mo, never committed): rebuilt whenever a .po changes.
TRANSLATIONS := screening/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -l $* -i $< -o $@

check-system: $(STAMP)
	@$(PY) -m screening.system_check

# The web server and, beside it, the outbox worker that sends alerts and emails (without
# SMTP_HOST, emails are written to this console). Stopping the server stops the worker.
run: $(STAMP) $(MO_FILES) check-system
	$(VENV)/bin/screening db upgrade
	@$(VENV)/bin/screening staff-hint --host $(HOST) --port $(PORT)
	@export PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}"; \
	  $(VENV)/bin/screening worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/screening run --host $(HOST) --port $(PORT)

# LHC-Forms (npm package lforms) for the FHIR browser test, installed exactly as pinned by
# tests/browser/lforms/package-lock.json when node_modules is missing; never a browser download.
LFORMS_DIR := tests/browser/lforms
lforms:
	@if [ ! -d $(LFORMS_DIR)/node_modules/lforms ]; then \
	  if command -v npm >/dev/null 2>&1; then cd $(LFORMS_DIR) && npm ci; \
	  else echo "npm not found (Debian: apt-get install -y npm): the LHC-Forms test will skip."; fi; \
	fi

# The whole suite: SQLite (with the browser tests), then PostgreSQL.
test: $(STAMP) $(MO_FILES) check-system lforms
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(STAMP) $(MO_FILES)
	$(PY) -m pytest -p no:cacheprovider -q

test-postgres: $(STAMP) $(MO_FILES)
	@if $(PY) -m tests.postgres_db create "$(PG_URL)" "$(PG_TEST_DB)"; then \
	  TEST_DATABASE_URL="$(PG_URL)/$(PG_TEST_DB)" $(PY) -m pytest -p no:cacheprovider -q -m "not browser"; \
	else \
	  if [ "$$REQUIRE_POSTGRES" = "1" ]; then echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but not reachable at $(PG_URL)."; exit 1; fi; \
	  echo "PostgreSQL not reachable at $(PG_URL): skipping the PostgreSQL run (set REQUIRE_POSTGRES=1 to make this a failure)."; \
	fi

test-browser: $(STAMP) $(MO_FILES) lforms
	$(PY) -m pytest -p no:cacheprovider -q -m browser

# Speed and memory figures (printed, never asserted): the PDF summary, the staff queue, then
# the patient step pages (GET and POST, as a ratio to a hello-world template).
bench: $(STAMP) check-system
	$(PY) -m screening.summary.bench
	$(PY) -m screening.staff.bench_queue
	$(PY) -m tests.load.bench_steps

# The PDF benchmark counted in instructions (valgrind's callgrind: within about 1% from run
# to run), to compare changes on a noisy machine. Needs `apt-get install valgrind`; about a
# minute.
bench-instructions: $(STAMP) check-system
	$(PY) -m screening.summary.bench_instructions

# Capacity: synthetic patients through gunicorn on SQLite, then PostgreSQL (bounded, loopback
# only); prints submissions per second and checks every stored answer afterwards.
LOAD_ARGS ?= --patients 150 --concurrency 50 --workers 2
load: $(STAMP) check-system
	$(PY) -m tests.load.loadtest --database sqlite $(LOAD_ARGS)
	@if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then \
	  $(PY) -m tests.load.loadtest --database "$(PG_URL)" $(LOAD_ARGS); \
	else echo "PostgreSQL not reachable at $(PG_URL): skipping its load run."; fi

# The same load, on this machine, against the code as issue 17 found it and this checkout in
# turn (synthetic patients, 2 rounds each): the ratio carries the issue's own figures over to
# this machine (tests/load/baseline.py). Needs the repository's history; 2 to 7 minutes.
load-baseline: $(STAMP) check-system
	@databases="--database sqlite"; \
	if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then databases="$$databases --database $(PG_URL)"; \
	else echo "PostgreSQL not reachable at $(PG_URL): comparing on SQLite only."; fi; \
	$(PY) -m tests.load.baseline $$databases $(LOAD_ARGS)

# The summary PDF timed the same way in the code as issue 17 found it and in this checkout, in
# turn (tests/load/pdf_baseline.py): how far the PDF ratios moved from the issue's own.
# Needs the repository's history; under a minute.
pdf-baseline: $(STAMP) check-system
	$(PY) -m tests.load.pdf_baseline

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
# --ignore-dirs '.*': pybabel skips "_*" directories by default, which hid templates/_macros/.
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k _l -k lazy_gettext --ignore-dirs '.*' -o messages.pot .

# After changing or adding strings: extract them and update every language's .po (new
# strings come in empty; tests/i18n/test_catalogue.py lists the patient ones still to translate).
translations: messages
	$(VENV)/bin/pybabel update --no-fuzzy-matching --width 100 -i messages.pot -d $(TRANSLATIONS)
	$(MAKE) --no-print-directory $(MO_FILES)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
