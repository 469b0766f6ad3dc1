# 我知晓 我践行 — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WEB_CONCURRENCY ?= 2
export FLASK_APP := wsgi

.PHONY: run test lint format serve migrate seed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

migrate: $(VENV)/.run-deps
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed

run: seed
	$(BIN)/gunicorn --workers $(WEB_CONCURRENCY) --worker-class sync \
		--bind $(HOST):$(PORT) --access-logfile - wsgi:app

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .

# pytest's exit code 5 (no tests collected) fails the target like any other failure.
test: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/python question_bank/data/check_bank.py

bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
