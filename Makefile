# ScanLog: `make run` (app + demo cohort on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := SCANLOG_ENV=development $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: setup run test test-py test-js lint bench clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch node_modules/.installed

setup: $(BIN)/activate node_modules/.installed

run: $(BIN)/activate
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo ""
	@echo "ScanLog is running at http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup test-py test-js

test-py: $(BIN)/activate
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-js:
	node --test tests/js/

lint: $(BIN)/activate
	$(BIN)/ruff check server tests bench wsgi.py
	$(BIN)/ruff format --check server tests bench wsgi.py

bench: $(BIN)/activate
	for b in bench/*_bench.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache .ruff_cache .hypothesis
