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

.PHONY: run test lint lint-api fuzz-api test-sqlite test-postgres postgres bench bench-report bench-http install chromium

CHROMIUM ?= /usr/bin/chromium
TOOLS    := tools/node_modules/.installed

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
lint-api: install $(TOOLS)
	@mkdir -p build
	$(BIN)/python -m activatie.openapi > build/openapi.json
	$(SPECTRAL) lint --fail-severity error -r docs/standards/adr-2.1/ruleset.yaml build/openapi.json

# Spectral and the Nu Html Checker (vnu-jar, run by tests/http/test_html_valid.py with Java).
$(TOOLS): tools/package.json tools/package-lock.json
	cd tools && npm ci --ignore-scripts --no-audit --no-fund --loglevel error
	touch $@

# Debian's Chromium for the browser tests (Playwright never downloads one). Installed when we
# are root; otherwise the browser tests skip and the summary says so in capitals.
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y chromium || { apt-get update && apt-get install -y chromium; } || true; fi; \
	  test -x $(CHROMIUM) || echo "WARNING: no $(CHROMIUM): the browser tests will be SKIPPED"; }

# Fuzz the API against its own document for longer than the suite does (schemathesis).
fuzz-api: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -s tests/http/test_fuzz_api.py

test-sqlite: install $(TOOLS) chromium
	$(BIN)/pytest

# The browser tests check what a page looks like and how it works in a browser, which does not
# depend on the database (every query they cause runs on PostgreSQL too, through the client
# tests): they run once, in the SQLite half, to keep `make test` short.
test-postgres: install $(TOOLS) postgres
	TEST_DATABASE_URL=$(TEST_PG_URL) $(BIN)/pytest -m "not browser"

# Start the local PostgreSQL cluster when it is not answering (this machine: trust auth).
postgres:
	@pg_isready -q -h $(PG_HOST) -p $(PG_PORT) || { \
	  echo "starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | tail -n 1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h $(PG_HOST) -p $(PG_PORT) && break; sleep 1; done; \
	  pg_isready -h $(PG_HOST) -p $(PG_PORT); }

# The development tools live in bench/, outside the package (README "Layout"); run from here.
bench: install
	$(BIN)/python -m bench.matcher

# The monitoring report at the demo size: a SQLite file with seed + demo-placements (600).
bench-report: install
	rm -f /tmp/activatie-bench-report.sqlite3
	ACTIVATIE_ENV=development DATABASE_URL=sqlite:////tmp/activatie-bench-report.sqlite3 SECRET_KEY=bench-report-only-not-a-secret-xxxxxxxxxxxx \
	  sh -c '$(BIN)/flask --app activatie seed >/dev/null && $(BIN)/flask --app activatie demo-placements >/dev/null && $(BIN)/flask --app activatie bench-report'

# The app and a Flask hello-world under the same gunicorn command (a worker per core, loopback
# only), interleaved, three rounds: req/s, p50, p99 and the share of hello-world. Zwolle seed on
# SQLite and PostgreSQL by default; BENCH_SIZES=seed,10000,100000 BENCH_DB=sqlite,postgresql.
bench-http: install postgres
	$(BIN)/python -m bench.http_load
