# Two commands for a newcomer (see README):
#   make run    install, migrate, seed the example data, serve on http://127.0.0.1:5000 (SQLite)
#   make test   install, lint, and run the whole suite on SQLite and on PostgreSQL
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_HOST ?= 127.0.0.1
PG_PORT ?= 5432
TEST_PG_URL ?= postgresql+psycopg://postgres@$(PG_HOST):$(PG_PORT)/test

.PHONY: run test lint test-sqlite test-postgres postgres bench install

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: install
	ACTIVATIE_ENV=development $(BIN)/flask --app activatie seed
	ACTIVATIE_ENV=development $(BIN)/flask --app activatie run --host 127.0.0.1 --port 5000

test: lint test-sqlite test-postgres

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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
