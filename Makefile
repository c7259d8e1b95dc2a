# Two commands for a newcomer (see README):
#   make run    install, migrate, seed the example data, serve on http://127.0.0.1:5000 (SQLite)
#   make test   install, lint (code and the API document), and run the whole suite on SQLite
#               and on PostgreSQL
#   make bench-http  the app beside a Flask hello-world under gunicorn (README "HTTP performance");
#               needs the local PostgreSQL for its default run (make postgres)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
TEST_PG_URL ?= postgresql+psycopg://postgres@$(PG_HOST):$(PG_PORT)/test

SPECTRAL := tools/node_modules/.bin/spectral
FUZZ_EXAMPLES ?= 1000

.PHONY: run test lint lint-api fuzz-api test-sqlite test-postgres postgres bench bench-http install

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: install
	ACTIVATIE_ENV=development $(BIN)/flask --app activatie seed
	ACTIVATIE_ENV=development $(BIN)/flask --app activatie run --host 127.0.0.1 --port 5000

test: lint lint-api test-sqlite test-postgres

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The NL API Design Rules 2.1 (Spectral, from npm into tools/node_modules) over the OpenAPI
# document: fails on any error; the remaining warnings are explained in the README.
lint-api: install $(SPECTRAL)
	@mkdir -p build
	$(BIN)/python -m activatie.openapi > build/openapi.json
	$(SPECTRAL) lint --fail-severity error -r docs/standards/adr-2.1/ruleset.yaml build/openapi.json

$(SPECTRAL): tools/package.json tools/package-lock.json
	cd tools && npm ci --ignore-scripts --no-audit --no-fund --loglevel error
	touch $@

# Fuzz the API against its own document for longer than the suite does (schemathesis).
fuzz-api: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -s tests/test_fuzz_api.py

test-sqlite: install
	$(BIN)/pytest

test-postgres: install postgres
	TEST_DATABASE_URL=$(TEST_PG_URL) $(BIN)/pytest

# Start the local PostgreSQL cluster when it is not answering (this machine: trust auth).
postgres:
	@pg_isready -q -h $(PG_HOST) -p $(PG_PORT) || { \
	  echo "starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | tail -n 1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h $(PG_HOST) -p $(PG_PORT) && break; sleep 1; done; \
	  pg_isready -h $(PG_HOST) -p $(PG_PORT); }

bench: install
	$(BIN)/python -m activatie.bench

# The app and a Flask hello-world under the same gunicorn command (a worker per core, loopback
# only), interleaved, three rounds: req/s, p50, p99 and the share of hello-world. Zwolle seed on
# SQLite and PostgreSQL by default; BENCH_SIZES=seed,10000,100000 BENCH_DB=sqlite,postgresql.
bench-http: install postgres
	$(BIN)/python tools/bench_http.py
