# outlet-framing: `make` (or `make help`) lists what you can run.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON_BOOT ?= python3
VENV        ?= .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
SOURCE      ?= seeds
OUT         ?=
ENGINE      ?= pandas
TOP_ENTITIES ?= 5
TOP_OUTLETS ?= 10
CODEBOOK    ?=
SHARED      ?= ../shared
N           ?= 2000
PYTEST      := $(PY) -m pytest

## Show this list of targets
help:
	@awk '/^## /{doc=substr($$0,4); next} /^[a-zA-Z_-]+:/{if(doc){split($$0,t,":"); printf "  \033[36m%-16s\033[0m %s\n", t[1], doc}; doc=""}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	@echo ">> installing pinned requirements into $(VENV) (first run takes a few minutes)"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

## Create .venv from the pinned requirements (done automatically by other targets)
install: $(STAMP)

## Run every check: lint, unit and integration tests, nbval on the notebooks, browser test of the reports
test: $(STAMP) browser
	$(PY) -m ruff check analysis tests bench
	$(PYTEST) tests/unit --doctest-modules analysis -q
	$(PYTEST) tests/integration tests/browser -q
	$(MAKE) --no-print-directory test-notebooks

## Run the fast unit tests and doctests only (no spaCy model; seconds)
test-fast: $(STAMP)
	$(PYTEST) tests/unit --doctest-modules analysis -q -x

## Run the integration tests (seeds through every stage with the spaCy model)
test-integration: $(STAMP)
	$(PYTEST) tests/integration -q

## Check the committed notebook outputs against a fresh run (nbval)
test-notebooks: $(STAMP)
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
	  $(PYTEST) --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg notebooks -q -p no:randomly; \
	else echo "no notebooks yet"; fi

## Regenerate every HTML report under reports/ (SOURCE=path OUT=dir TOP_ENTITIES=n TOP_OUTLETS=n ENGINE=pandas|serial|lanes|dask CODEBOOK=file)
report: $(STAMP)
	$(PY) -m analysis report $(SOURCE) $(if $(OUT),--out $(OUT)) --top-entities $(TOP_ENTITIES) --top-outlets $(TOP_OUTLETS) --engine $(ENGINE) $(if $(CODEBOOK),--codebook $(CODEBOOK))

## Print one line per article of SOURCE (outlet, title, date, words, dropped blocks)
summary: $(STAMP)
	$(PY) -m analysis summary $(SOURCE)

## Re-execute the notebooks in place on the seeds so their committed outputs are current
notebooks: $(STAMP)
	$(PY) -m analysis refresh-notebooks

## Measure speed and memory on N generated articles (writes bench/results.json)
bench: $(STAMP)
	$(PY) -m bench.run --n $(N)

## Retrain the shipped target-sentiment model from NewsMTSC in ../shared (prints validation scores)
train-sentiment: $(STAMP)
	@test -d $(SHARED)/corpora/newsmtsc-train || { echo "!! $(SHARED)/corpora/newsmtsc-train not found"; exit 1; }
	PYTHONPATH=. $(PY) eval/train_sentiment.py

## Print every accuracy figure measured on the development corpora in ../shared (slow: parses them)
evaluate: $(STAMP)
	@test -d $(SHARED)/corpora || { echo "!! $(SHARED)/corpora not found"; exit 1; }
	@set -e; for script in "extraction_text" "extraction_html --load" "sentiment_test" "sources_polnear --part test" \
	  "quotes_polnear --split dev" "frames_validity_random" "frames_validity" "stories_polnear --entities" "entities_polnear" "ner_conll --half untuned" \
	  "sources_news --part test --pipeline" "source_balance_polnear --split dev" "single_names_polnear"; do \
	  set -- $$script; name=$$1; shift; echo "== eval/$$name.py $$*"; PYTHONPATH=. $(PY) eval/$$name.py "$$@"; done

## Open JupyterLab on notebooks/
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

## Lint the package and tests with ruff
lint: $(STAMP)
	$(PY) -m ruff check analysis tests bench

## Install headless Chromium and its driver for the browser test (Debian packages)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo ">> installing chromium and chromium-driver"; \
	  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null) || \
	  echo "!! could not install chromium; the browser test will fail under CI=true"; }

## Remove the annotation cache, generated reports and test output (keeps .venv)
clean:
	rm -rf .cache reports/*/ reports/index.html .pytest_cache build *.egg-info

.PHONY: help install test test-fast test-integration test-notebooks report summary notebooks bench lab lint browser clean train-sentiment evaluate
