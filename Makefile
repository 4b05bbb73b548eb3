# Two commands: `make run` (set up and serve) and `make test` (set up and check everything).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
CATALOGS := $(wildcard badges/translations/*/LC_MESSAGES/messages.po)

.PHONY: run test setup lint types imports pytest translations extract-messages clean

run: setup
	$(BIN)/badges db upgrade
	$(BIN)/badges demo load
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(BIN)/badges run --host $(HOST) --port $(PORT)

test: setup lint types imports pytest

setup: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Catalogs are compiled by the build, never committed as binaries.
translations: $(CATALOGS:.po=.mo)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# Refresh the message template after changing user-facing strings, then update the catalogs.
extract-messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output --omit-header \
		-o badges/translations/messages.pot .
	$(BIN)/pybabel update -i badges/translations/messages.pot -d badges/translations \
		--no-fuzzy-matching --ignore-obsolete --width 100

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: setup
	$(BIN)/mypy

imports: setup
	$(BIN)/lint-imports

pytest: setup
	$(BIN)/pytest -n auto --cov --cov-report=term

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .coverage htmlcov
	find badges/translations -name '*.mo' -delete
