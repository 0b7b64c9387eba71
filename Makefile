# Lernspur — `make run` serves the app, `make test` runs the tests. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Lernspur needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	@echo "Setting up $(VENV) (first run only) ..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --upgrade pip > $(VENV)/install.log 2>&1 || \
		{ cat $(VENV)/install.log; exit 1; }
	@$(BIN)/python -m pip install -e '.[dev]' >> $(VENV)/install.log 2>&1 || \
		{ cat $(VENV)/install.log; exit 1; }
	@rm -f $(VENV)/.installed-* && touch $@

.PHONY: setup
setup: $(STAMP) ## create .venv and install Lernspur with its test tools

.PHONY: run
run: setup ## set up, migrate the SQLite database under var/, load the demo data, print logins, serve
	@$(BIN)/lernspur db upgrade
	@LERNSPUR_BASE_URL=$${LERNSPUR_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/lernspur demo init
	@LERNSPUR_BASE_URL=$${LERNSPUR_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/lernspur demo seed
	@$(BIN)/lernspur serve --host $(HOST) --port $(PORT)

.PHONY: lint
lint: setup ## ruff and mypy
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .
	@$(BIN)/mypy lrs statements adapters lti_tool

.PHONY: test
test: setup lint ## lint, then every test on SQLite and (with LERNSPUR_TEST_DATABASE_URL) PostgreSQL
	@$(BIN)/lernspur db check-migrations
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

.PHONY: format
format: setup ## apply ruff's formatting and safe fixes
	@$(BIN)/ruff check --fix .
	@$(BIN)/ruff format .

.PHONY: clean
clean: ## remove the virtualenv and caches (keeps var/, your data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
