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

## Browser the accessibility test drives (Debian's chromium, installed by `make browser`)
CHROMIUM ?= chromium
export CHROMIUM

## Extra flags for `make lock`, e.g. LOCK_FLAGS=--upgrade
LOCK_FLAGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv browser reports test lock lab notebooks messages hooks clean

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

## Install the system Chromium that the browser test (tests/test_browser.py) drives
browser:
	@if command -v $(CHROMIUM) >/dev/null 2>&1; then \
		echo "$(CHROMIUM): $$(command -v $(CHROMIUM))"; \
	else \
		SUDO=$$(test "$$(id -u)" -eq 0 || echo sudo); \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	fi

## Run the main job: the yearly reports on the embedded demo data, into reports/$(YEAR)/
reports: $(STAMP)
	$(REPORT_CMD)

## Lint, check the import layers and run the whole test suite (in Chromium too: installs it)
test: $(STAMP) browser
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

## Options of `make lab`, e.g. make lab LAB_OPTIONS="--port 8890 --ip 0.0.0.0 --no-browser"
LAB_OPTIONS ?=

## Open JupyterLab on notebooks/ (start_here.ipynb) with the project's kernel, as root too
lab: $(STAMP)
	$(BIN)/nest-eval lab notebooks $(LAB_OPTIONS)

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
