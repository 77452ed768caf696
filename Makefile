# Two entry points: `make demo` (set up + main job) and `make test` (set up + whole suite).
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup test-deps demo test lint

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and pinned: the CPU build lies on disk; an unpinned torch pulls CUDA.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The pinned Neo4j Cypher linter used by tests/test_neo4j_lint.py (Node.js and npm are on the machine),
# and Debian's headless Chromium for tests/ui/test_browser.py (installed only when missing; needs root).
test-deps:
	cd tests/neo4j_lint && npm ci --silent --no-audit --no-fund
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	fi

demo: setup
	$(BIN)/cckb demo

test: setup test-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .
