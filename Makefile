# Thin wrappers; the logic lives in the package, scripts/ (engine, actionlint, gitlab-ci-local, demo), langhost/ and benchmarks/
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PULUMI_VERSION := 3.259.0

.PHONY: install engine spec typecheck lint docs test test-newest-sdk unit e2e demo bench bench-workspace clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,docs]' 'pulumi==$(PULUMI_VERSION)'
	touch $@

install: $(VENV)/.installed

# Users get the newest pulumi SDK from PyPI, not the pinned one: a second venv keeps both working.
NEWEST_VENV ?= .venv-newest
$(NEWEST_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(NEWEST_VENV)
	$(NEWEST_VENV)/bin/python -m pip install -q --upgrade pip
	$(NEWEST_VENV)/bin/python -m pip install -q --upgrade -e '.[test]' 'pulumi>=$(PULUMI_VERSION),<4'
	touch $@

# The docs site (mkdocs-material, strict) served on loopback; `make test` builds it and checks it in Chromium.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --strict -a 127.0.0.1:8000

engine:
	scripts/ensure-pulumi-cli

typecheck: install
	$(BIN)/python -m mypy

# ruff (pinned in the test extra; rules and line length in pyproject.toml): pycodestyle, pyflakes,
# import sorting, pyupgrade, bugbear, on the whole tree.
lint: install
	$(BIN)/ruff check .

# Pachca's OpenAPI spec for the emulator's conformance tests: the shared copy, else the pinned public
# file, fetched once and cached outside the repo (tests/emulator/spec_source.py); offline, one line.
spec: install
	@$(BIN)/python -m tests.emulator.spec_source

# The suite runs on every core (pytest-xdist; worksteal evens out the long end-to-end tests): each test
# has its own emulator, engine home and state directory. PYTEST_WORKERS=-n0 runs it in one process.
PYTEST_WORKERS ?= -n auto --dist worksteal

test: install typecheck lint spec
	PACHCA_PULUMI_ENGINE="$$(scripts/ensure-pulumi-cli | tail -n 1)" \
	PACHCA_PULUMI_YAML="$$(scripts/ensure-pulumi-yaml | tail -n 1)" \
	ACTIONLINT="$$(scripts/ensure-actionlint | tail -n 1)" \
	GITLAB_CI_LOCAL="$$(scripts/ensure-gitlab-ci-local | tail -n 1)" \
	CHROMIUM="$$(scripts/ensure-chromium | tail -n 1)" \
	$(BIN)/python -m pytest $(PYTEST_WORKERS) --durations=25  # the slowest tests, to measure before optimising
	$(MAKE) test-newest-sdk

# The provider, the resource, the errors users read and the engine round trips again, under the newest
# pulumi SDK and the newest engine the Go module proxy serves (built like the pinned one, cached).
NEWEST_ENGINE := 3.276.0
test-newest-sdk: $(NEWEST_VENV)/.installed
	$(NEWEST_VENV)/bin/python -m pip show pulumi | sed -n 2p
	PACHCA_PULUMI_ENGINE="$$(PACHCA_PULUMI_ENGINE_VERSION=$(NEWEST_ENGINE) scripts/ensure-pulumi-cli | tail -n 1)" \
	PACHCA_PULUMI_YAML="$$(PACHCA_PULUMI_ENGINE_VERSION=$(NEWEST_ENGINE) scripts/ensure-pulumi-yaml | tail -n 1)" \
	$(NEWEST_VENV)/bin/python -m pytest -p no:cacheprovider $(PYTEST_WORKERS) --durations=10 tests/unit/chat/test_provider.py tests/unit/chat/test_resource.py \
		tests/unit/chat/test_inputs.py tests/unit/kit/test_oneline.py tests/unit/native/test_native.py tests/e2e/test_lifecycle.py \
		tests/e2e/test_drift.py tests/e2e/test_api_today.py tests/e2e/test_errors.py tests/e2e/test_hook_errors.py \
		tests/e2e/test_yaml.py tests/e2e/test_group_tag_promises.py tests/e2e/test_people.py tests/e2e/test_canary.py \
		tests/e2e/test_drift_report.py tests/e2e/test_data_file_tags.py tests/e2e/test_old_states.py \
		tests/e2e/test_token_rotation.py

unit: install spec
	ACTIONLINT="$$(scripts/ensure-actionlint | tail -n 1)" $(BIN)/python -m pytest tests/unit tests/emulator

e2e: install
	PACHCA_PULUMI_ENGINE="$$(scripts/ensure-pulumi-cli | tail -n 1)" \
	PACHCA_PULUMI_YAML="$$(scripts/ensure-pulumi-yaml | tail -n 1)" \
	GITLAB_CI_LOCAL="$$(scripts/ensure-gitlab-ci-local | tail -n 1)" $(BIN)/python -m pytest tests/e2e

demo: install
	PACHCA_PULUMI_ENGINE="$$(scripts/ensure-pulumi-cli | tail -n 1)" $(BIN)/python scripts/demo.py

bench: install
	PACHCA_PULUMI_ENGINE="$$(scripts/ensure-pulumi-cli | tail -n 1)" $(BIN)/python benchmarks/benchmark.py $(BENCH_ARGS)

bench-workspace: install
	PACHCA_PULUMI_ENGINE="$$(scripts/ensure-pulumi-cli | tail -n 1)" $(BIN)/python benchmarks/workspace.py $(BENCH_ARGS)

clean:
	rm -rf .demo .pytest_cache
