# Haven's two set-up commands are `make demo` and `make test`; everything else here serves them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check --quiet
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_DIR ?= var/demo

.PHONY: demo test install install-test lint typecheck lock bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamps keep repeated runs fast; a changed lock file reinstalls.
$(VENV)/.base-installed: $(BIN)/python requirements/base.lock pyproject.toml
	$(PIP) install --require-hashes --no-deps -r requirements/base.lock
	$(PIP) install --no-deps -e .
	@touch $@

$(VENV)/.test-installed: $(BIN)/python requirements/test.lock pyproject.toml
	$(PIP) install --require-hashes --no-deps -r requirements/test.lock
	$(PIP) install --no-deps -e .
	@touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed

install-test: $(VENV)/.test-installed
	@scripts/system-deps

## Build fresh synthetic demo data in an embedded SQLite database and serve it.
demo: install
	$(BIN)/haven demo --dir $(DEMO_DIR) --host $(HOST) --port $(PORT)

## Install what the tests need and run the whole suite.
test: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-test
	$(BIN)/mypy

## Regenerate the lock files from pyproject.toml (needs network access to PyPI).
lock:
	scripts/lock

$(VENV)/.bench-installed: $(BIN)/python requirements/bench.lock pyproject.toml
	$(PIP) install --require-hashes --no-deps -r requirements/bench.lock
	$(PIP) install --no-deps -e .
	@touch $@

## Benchmarks need the anchors (anonlink, pandas); see docs/BENCHMARKS.md for each script.
bench: $(VENV)/.bench-installed
	@ls bench/*.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

## Extract UI text into the template catalog and merge it into every language's catalog.
messages: install-test
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output \
	  --project Haven -o src/haven/web/locales/haven.pot .
	$(BIN)/pybabel update -i src/haven/web/locales/haven.pot -d src/haven/web/locales -D haven \
	  --no-fuzzy-matching --ignore-obsolete
