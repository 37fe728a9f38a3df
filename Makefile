# The two commands a newcomer runs are `make html` and `make test`; `make help` lists the rest.
# Every target sets up .venv/ on first use and re-installs only when a dependency file changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SPHINXOPTS ?= -W --keep-going
DOCS := docs
BUILD := $(DOCS)/_build

hash = $(shell cat $(1) | $(PYTHON) -c "import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:12])")
DOCS_STAMP := $(VENV)/.docs-$(call hash,pyproject.toml $(DOCS)/requirements.txt)
TEST_STAMP := $(VENV)/.test-$(call hash,pyproject.toml $(DOCS)/requirements.txt tests/requirements.txt)
BENCH_STAMP := $(VENV)/.bench-$(call hash,pyproject.toml $(DOCS)/requirements.txt tests/requirements.txt bench/requirements.txt)
# Corpus sizes for make bench; L (10,000 papers) is run by hand: make bench SIZES="S M L".
SIZES ?= S M

.DEFAULT_GOAL := help
.PHONY: help html test test-fast lint serve sync check rtd bench clean

help: ## Show this list
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(DOCS_STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(DOCS)/requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	@rm -f $(VENV)/.docs-* && touch $@

$(TEST_STAMP): $(DOCS_STAMP)
	$(BIN)/python -m pip install --quiet -r tests/requirements.txt
	@rm -f $(VENV)/.test-* && touch $@

html: $(DOCS_STAMP) ## Build the site into docs/_build/html (offline, warnings are errors)
	$(BIN)/python -m sphinx $(SPHINXOPTS) -b html -d $(BUILD)/doctrees $(DOCS) $(BUILD)/html
	@echo "Site built: open $(BUILD)/html/index.html"

lint: $(TEST_STAMP) ## Lint, format check and strict type check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint ## Run every check: lint, types, unit, Sphinx build and browser tests
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(TEST_STAMP) ## Only the tests not marked slow (no lint, no builds, no browser, no TeX)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

serve: $(TEST_STAMP) ## Live preview at http://127.0.0.1:8000 while you edit
	$(BIN)/sphinx-autobuild -d $(BUILD)/doctrees --ignore "*/papers/*" --ignore "*/_build/*" \
		--watch bib --watch ext $(DOCS) $(BUILD)/html

sync: $(DOCS_STAMP) ## Fetch every arXiv ID cited in docs/ that bib/papers.bib lacks
	$(BIN)/paperrefs sync

check: $(DOCS_STAMP) ## Lint bib/papers.bib and the notes
	$(BIN)/paperrefs check

$(BENCH_STAMP): $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -r bench/requirements.txt
	@rm -f $(VENV)/.bench-* && touch $@

bench: $(BENCH_STAMP) ## Benchmark against the Sphinx floor F; rewrites docs/performance.md and its plot
	$(BIN)/python -m bench --sizes $(SIZES) --page $(DOCS)/performance.md --plot $(DOCS)/performance.svg

rtd: ## Reproduce the Read the Docs build in a throw-away clone
	bash scripts/rtd-build.sh

clean: ## Remove build output and generated pages (keeps .venv/)
	rm -rf $(BUILD) $(DOCS)/papers _readthedocs
