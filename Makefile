# nest-eval: install and run plumbing. `make` alone lists the targets.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed
# Folders linted by `make test` (those that exist: git keeps no empty folder)
LINT_PATHS := $(wildcard src tests benchmarks)

## Reporting year of `make reports`, e.g. make reports YEAR=2025
YEAR ?= 2025
## Command run by `make reports` (the main job)
REPORT_CMD = $(BIN)/nest-eval run --year $(YEAR) --data data/raw --out reports

## Extra flags for `make lock`, e.g. LOCK_FLAGS=--upgrade
LOCK_FLAGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv reports test lock lab notebooks messages hooks clean

## Show this list of targets
help:
	@echo "Usage: make TARGET [PYTHON=python3.11]"
	@echo
	@awk '/^## /{desc = substr($$0, 4); next} \
	     /^[a-zA-Z_-]+:/{if (desc != "") {split($$0, t, ":"); printf "  %-8s %s\n", t[1], desc}} \
	     {desc = ""}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip sync --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name nest-eval --display-name "Python (nest-eval)"
	touch $@

## Create or update the virtual environment .venv/ from requirements.lock
venv: $(STAMP)

## Run the main job: the yearly reports on the embedded demo data, into reports/$(YEAR)/
reports: $(STAMP)
	$(REPORT_CMD)

## Lint, check the import layers and run the whole test suite
test: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

## Re-resolve requirements.lock from pyproject.toml (environment.yml installs it too)
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" \
		--quiet $(LOCK_FLAGS) -o requirements.lock

## Notebook markdown into the English messages, then merged into the Welsh (changes flagged)
messages: $(STAMP)
	$(BIN)/nest-eval messages
	$(BIN)/pybabel update --input-file src/nest_eval/reference/locale/nest_eval.pot \
		--output-dir src/nest_eval/reference/locale --domain nest_eval --locale cy --width 100

## Open JupyterLab on notebooks/ with the project's kernel
lab: $(STAMP)
	$(BIN)/nest-eval lab notebooks

## Re-execute the committed notebooks on the demo data (their outputs, compared by nbval)
notebooks: $(STAMP)
	$(BIN)/nest-eval notebooks

## Install the pre-commit hooks (ruff and the import layers) into .git/hooks
hooks: $(STAMP)
	$(BIN)/pre-commit install

## Delete generated outputs in data/processed/, reports/ and build/ (never data/raw/)
clean:
	find data/processed reports -mindepth 1 -maxdepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf build
