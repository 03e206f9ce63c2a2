# Thin wrappers; the logic lives in the package, scripts/ (engine, actionlint, gitlab-ci-local, demo), langhost/ and benchmarks/
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PULUMI_VERSION := 3.259.0

.PHONY: install engine typecheck test unit e2e demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]' 'pulumi==$(PULUMI_VERSION)'
	touch $@

install: $(VENV)/.installed

engine:
	scripts/ensure-pulumi-cli

typecheck: install
	$(BIN)/python -m mypy

test: install typecheck
	PACHCA_PULUMI_ENGINE="$$(scripts/ensure-pulumi-cli | tail -n 1)" \
	ACTIONLINT="$$(scripts/ensure-actionlint | tail -n 1)" \
	GITLAB_CI_LOCAL="$$(scripts/ensure-gitlab-ci-local | tail -n 1)" \
	$(BIN)/python -m pytest

unit: install
	ACTIONLINT="$$(scripts/ensure-actionlint | tail -n 1)" $(BIN)/python -m pytest tests/unit tests/emulator

e2e: install
	PACHCA_PULUMI_ENGINE="$$(scripts/ensure-pulumi-cli | tail -n 1)" \
	GITLAB_CI_LOCAL="$$(scripts/ensure-gitlab-ci-local | tail -n 1)" $(BIN)/python -m pytest tests/e2e

demo: install
	PACHCA_PULUMI_ENGINE="$$(scripts/ensure-pulumi-cli | tail -n 1)" $(BIN)/python scripts/demo.py

bench: install
	PACHCA_PULUMI_ENGINE="$$(scripts/ensure-pulumi-cli | tail -n 1)" $(BIN)/python benchmarks/benchmark.py $(BENCH_ARGS)

clean:
	rm -rf .demo .pytest_cache
