# 我知晓 我践行 — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WEB_CONCURRENCY ?= 2
export FLASK_APP := wsgi
# Compiled modules are kept between runs (make test, then test-dates twice, each in 3+ processes).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run fonts-note test test-dates lint format serve migrate seed bench clean drill drill-short

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

# Posters and certificates need a CJK font from the system (docs/recognition.md): say so once.
fonts-note: $(VENV)/.run-deps
	@$(BIN)/python -c 'import os; from quiz.services.posters import find_font as f; \
		f(os.environ.get("QUIZ_CJK_FONT")) or print("note: no CJK font, posters and" \
		" certificates answer 503 until: sudo apt-get install fonts-noto-cjk")'

# Another moment: QUIZ_FAKE_NOW=2026-12-08T09:00 make run (README, "Trying another day").
run: seed fonts-note
	HOST=$(HOST) PORT=$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) \
		$(BIN)/gunicorn --config deploy/gunicorn.conf.py wsgi:app

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .

# pytest's exit code 5 (no tests collected) fails the target like any other failure.
# The suite runs on TEST_WORKERS processes (pytest-xdist; each with its own PostgreSQL and Redis
# database, see tests/conftest.py), a test module's tests on one worker. TEST_WORKERS=0 runs it
# in this one process. One more worker than cores: browser journeys and races spend much of
# their time waiting, and a third worker fills it (2 cores, the whole suite: -n 3 275 s;
# -n 4 was slower, 349 s against 337 s the same hour: the cores are busy throughout).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
XDIST = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)
test: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=. $(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)
	$(BIN)/python question_bank/data/check_bank.py

# The tests whose subject is the calendar (boards, periods, the day's set, streaks), run again with
# the process's clock moved far from the real one (Debian's faketime) while PostgreSQL and Redis
# keep real time: once more than 400 days ahead, once before 2026-11-01. Their frozen clocks
# must not care how far they are from the wall clock. They run on PostgreSQL when it is there
# (DATE_BACKENDS): it keeps a third clock of its own (its now()), where SQLite's is the faked
# process's, so it is the stricter of the two; the Python under test is the same on both.
# (On 2 cores: ~52 s a clock on PostgreSQL only; ~220 s a clock on both, before the suite's
# shared apps stopped being built again for each test.)
DATE_TESTS ?= tests/services/test_leaderboards.py tests/services/test_leaderboards_backends.py \
	tests/services/test_leaderboards_past.py tests/api/test_leaderboards.py \
	tests/api/test_leaderboards_quiz.py tests/services/test_daily_quiz.py \
	tests/api/test_quiz_api.py tests/services/test_family.py tests/api/test_accounts.py \
	tests/api/test_sso.py tests/api/test_recognition.py tests/api/test_certificates.py \
	tests/services/test_recognition.py tests/api/test_participation_targets.py \
	tests/api/test_campaigns.py tests/api/test_campaign_fair_play.py tests/api/test_learning.py \
	tests/api/test_learning_shuffled.py tests/services/test_question_stats.py \
	tests/api/test_shop.py tests/api/test_stock_movements.py tests/api/test_fair_play.py \
	tests/api/test_reports.py tests/api/test_teams.py tests/services/test_rollups.py \
	tests/services/test_simulate_year.py
DATE_BACKENDS ?= $(if $(TEST_DATABASE_URL),postgresql,sqlite)
FAKE_AHEAD ?= +500d
FAKE_BEFORE ?= 2025-06-15 08:00:00
# Not named FAKETIME: make exports a variable that came from the environment, and libfaketime
# reads FAKETIME itself, so `faketime … make …` would hand every child this command as its time.
FAKETIME_CMD := FAKETIME_DONT_FAKE_MONOTONIC=1 faketime
SHOW_NOW := 'import datetime; print("test-dates: the process sees", datetime.datetime.now().isoformat(timespec="minutes"))'
test-dates: $(VENV)/.dev-deps
	@command -v faketime >/dev/null || { echo "test-dates needs faketime (apt-get install faketime)"; exit 1; }
	$(FAKETIME_CMD) -f "$(FAKE_AHEAD)" $(BIN)/python -c $(SHOW_NOW)
	TEST_BACKENDS=$(DATE_BACKENDS) $(FAKETIME_CMD) -f "$(FAKE_AHEAD)" $(BIN)/python -m pytest $(XDIST) $(DATE_TESTS)
	$(FAKETIME_CMD) "$(FAKE_BEFORE)" $(BIN)/python -c $(SHOW_NOW)
	TEST_BACKENDS=$(DATE_BACKENDS) $(FAKETIME_CMD) "$(FAKE_BEFORE)" $(BIN)/python -m pytest $(XDIST) $(DATE_TESTS)

bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The failure drill (deploy/drill.py): nginx → 2 instances × 2 workers → PostgreSQL + Redis on
# loopback, under load, with kill -9, a PostgreSQL restart and Redis stopped. Needs root/sudo.
drill: $(VENV)/.run-deps
	$(BIN)/python deploy/drill.py $(DRILL_ARGS)

drill-short: $(VENV)/.run-deps
	$(BIN)/python deploy/drill.py --short $(DRILL_ARGS)
