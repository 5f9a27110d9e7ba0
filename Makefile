# make run   - set up .venv and serve the dashboard on http://127.0.0.1:8080
#              (against the built-in Simotel stand-in unless PBX_URL is set)
# make test  - set up .venv, Chromium and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8080
BIN := $(VENV)/bin

.PHONY: run test test-fast migrate lint format bench chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt $(VENV)/.run-deps
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.run-deps
	$(BIN)/flask --app app db upgrade

run: migrate
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) 'app:create_app()'

chromium:
	@scripts/ensure-chromium

test: $(VENV)/.dev-deps chromium
	@PATH="$(abspath $(BIN)):$$PATH" scripts/run-tests

test-fast: $(VENV)/.dev-deps
	$(BIN)/pytest -q -m "not browser"

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench.batch

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
