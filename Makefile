# perfdocs developer tasks. The README's two commands do the same without make.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: help setup lint format example example-repos example-kpis validate site serve test test-fast regen-cases fuzz clean bench bench-100k

help:  ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/perfdocs: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test,lint]'
	@touch $@

setup: $(BIN)/perfdocs  ## Create .venv and install perfdocs with its test tools

example: setup  ## Validate the example organisation and build its site into site/
	$(BIN)/perfdocs validate records
	$(BIN)/perfdocs build --records records --out site

site: setup  ## Build the example organisation's public site into site/ (open site/index.html)
	$(BIN)/perfdocs build --records records --out site

serve: setup  ## Serve the example site on http://127.0.0.1:8000/, rebuilding when records or templates change
	$(BIN)/perfdocs serve --records records --port 8000

example-repos: setup  ## Create the example organisation's git repositories in example-repos/ (for links and DORA)
	$(BIN)/perfdocs examples repos --records records

example-kpis: example-repos  ## Recompute the example teams' DORA series from example-repos/ into records/kpis (idempotent)
	for team in payments platform web; do \
	  $(BIN)/perfdocs kpi dora --team $$team --since 2026-01-01 --until 2026-10-31 --write --records records || exit 1; \
	done

validate: setup  ## Validate records/
	$(BIN)/perfdocs validate records

lint: setup  ## ruff (lint and format), mypy, the import contracts, and: only perfdocs/git starts git
	$(BIN)/ruff check perfdocs tests bench
	$(BIN)/ruff format --check perfdocs tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	@# only perfdocs/git starts git: no ("git", ...) or ["git", ...] command line anywhere else
	@! grep -rnE --include='*.py' "[[(][[:space:]]*['\"]git['\"][[:space:]]*," perfdocs | grep -v '^perfdocs/git/' \
	    || { echo "make lint: git is started outside perfdocs/git (above)"; exit 1; }

format: setup  ## Format the code and apply ruff's safe fixes
	$(BIN)/ruff check --fix perfdocs tests bench
	$(BIN)/ruff format perfdocs tests bench

test: setup  ## Run the whole test suite (browser tests included)
	$(BIN)/python -m pytest

test-fast: setup  ## Run the unit tests (tests/unit: pure functions, no git, CLI or site; under a minute)
	$(BIN)/python -m pytest tests/unit -q

regen-cases: setup  ## Rewrite tests/cases/*.txt and tests/hostile/*/expected.txt from the current output (review the diff!)
	$(BIN)/python -m pytest tests/acceptance/test_rules.py tests/acceptance/test_governance.py \
	    tests/acceptance/test_hostile.py --regen-cases -q

FUZZ_SCALE ?= 20
fuzz: setup  ## A long fuzzing run: the property tests with FUZZ_SCALE times more examples
	PERFDOCS_FUZZ_SCALE=$(FUZZ_SCALE) $(BIN)/python -m pytest tests/unit/test_fuzz.py -q

BENCH_SIZE ?= 10000
BENCH_REPEAT ?= 5
BENCH_RESULTS ?= bench/results
BENCH_WORK ?= bench/work
bench: setup  ## Benchmark what users wait for against check-jsonschema, MkDocs, Hugo (10,000 entries), then the README's figures
	$(BIN)/python bench/run.py --size $(BENCH_SIZE) --repeat $(BENCH_REPEAT) --results $(BENCH_RESULTS) --work $(BENCH_WORK)
	$(BIN)/python bench/report.py --results $(BENCH_RESULTS)

BENCH_100K_SIZE ?= 100000
BENCH_100K_REPEAT ?= 3
bench-100k: setup  ## The same at 100,000 entries (about 30 minutes on 2 quiet cores; 3 rounds), then the README's figures
	$(BIN)/python bench/run.py --size $(BENCH_100K_SIZE) --repeat $(BENCH_100K_REPEAT) --results $(BENCH_RESULTS) --work $(BENCH_WORK)
	$(BIN)/python bench/report.py --results $(BENCH_RESULTS)

clean:  ## Remove build output and caches
	rm -rf site dist build .perfdocs-cache .pytest_cache test-artifacts
