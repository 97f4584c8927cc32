# From a fresh clone: `make report` renders the sample review, `make test` runs the tests.
# Needs only Python 3.11 with pip; everything else goes into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Marks a finished install; redone only when pyproject.toml or requirements.lock change.
INSTALLED := $(VENV)/.installed
# uv installs in seconds what pip takes half a minute for; pinned so every machine resolves alike.
UV_PIN := uv==0.13.9

NOTEBOOKS := $(shell find notebooks bench -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' 2>/dev/null)
# JupyterLab refuses to run as root unless told to (containers often run as root).
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.DEFAULT_GOAL := help
.PHONY: help install report test test-fast bench lab lint lock clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(INSTALLED) ## Create .venv and install the project with its pinned dependencies

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# --compile-bytecode: these machines set PYTHONDONTWRITEBYTECODE, and a kernel importing pandas
# and matplotlib from source makes every notebook run twice as slow.
$(INSTALLED): pyproject.toml requirements.lock | $(BIN)/python
	@if $(BIN)/python -m pip install --quiet "$(UV_PIN)" \
	    && $(BIN)/uv pip install --python $(BIN)/python --compile-bytecode \
	        -e ".[dev]" -c requirements.lock; then \
	    echo "Installed with uv."; \
	else \
	    echo "uv unavailable or failed; installing with pip instead."; \
	    $(BIN)/python -m pip install -e ".[dev]" -c requirements.lock; \
	fi
	@touch $@

report: install ## Render the review of the sample export (prints the HTML path)
	@$(BIN)/customer-review run --config companies/fernhill.toml --period 2026-Q3

# On every core (pytest-xdist), a test file (or class) to a worker: its fixtures are made once,
# and nbval runs a notebook's cells in order; the slow files first (tests/conftest.py). loadgroup
# would balance finer, but loses its groups on pytest 9.2 (pytest-dev/pytest-xdist#1386). A
# worker that crashes ends the run: a replaced one can leave it waiting forever under loadscope
# (pytest-dev/pytest-xdist#1378).
PYTEST := $(BIN)/python -m pytest -n auto --dist loadscope --no-loadscope-reorder \
	--max-worker-restart=0 --durations=15

test: install ## Run the tests, and list the 15 slowest
	$(PYTEST)

test-fast: install ## Run the tests that start no kernel, browser or Spark (the everyday loop)
	$(PYTEST) tests -m "not slow and not spark"

bench: install ## Measure speed and memory at four export sizes (BENCH_ARGS="--sizes S M")
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

lab: install ## Open the notebooks in JupyterLab (add options with LAB_ARGS=--no-browser)
	$(BIN)/jupyter lab notebooks $(LAB_ROOT_FLAG) $(LAB_ARGS)

lint: install ## Check style (ruff) and that notebooks are stored without outputs (nbstripout)
	$(BIN)/ruff check src tests notebooks bench
	$(BIN)/ruff format --check src tests notebooks bench
	$(if $(NOTEBOOKS),$(BIN)/nbstripout --verify $(NOTEBOOKS))

# Not tied to install: after a pin changes in pyproject.toml the old lock would refuse to install.
lock: | $(BIN)/python ## Re-pin every dependency for Python 3.11 into requirements.lock
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet "$(UV_PIN)"
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --python-version 3.11 \
	    -o requirements.lock

clean: ## Remove rendered reports and caches (keeps .venv)
	find reports -mindepth 1 -maxdepth 1 ! -name README.md ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) \
	    -type d -prune -exec rm -rf {} +
