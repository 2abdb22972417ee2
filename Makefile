# The editors' commands. The first run creates .venv from pyproject.toml by itself.
# V=1 shows Sphinx's full output.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK   := $(BIN)/python -m bookbuilder
# How many processes `make check` and the builds keep busy: every core by default; fewer on a
# shared machine (make html JOBS=2), JOBS=1 for one page after another. Same outputs with any.
ifdef JOBS
export JOBS
endif

.PHONY: help all html epub pdf check plan test lint typecheck clean setup-pdf docs epubcheck ace setup-ace bench lock
.PHONY: setup-browser setup-java setup-lighthouse redact
.PHONY: new import serve crossref overview test-other-book golden messages test-fast print-pdf-packages typecheck

help:
	@echo "make epub       build the EPUB   -> _build/epub/<book>.epub"
	@echo "make html       build the website -> _build/html/index.html"
	@echo "make pdf        build the PDF    -> _build/pdf/<book>.pdf (needs the fonts: make setup-pdf)"
	@echo "make all        build all three editions"
	@echo "                (JOBS=2: use 2 processes, not every core; JOBS=1: one page after another)"
	@echo "make check      validate every report and chapter, build nothing"
	@echo "make redact     copies of images with burned-in patient text blacked out -> _build/redacted/ (originals unchanged)"
	@echo "make plan       show which chapter each report lands in"
	@echo "make overview   one row per report: status, chapter, words, images, problems -> _build/overview.csv"
	@echo "                (ARGS=\"--status draft --sort words\")"
	@echo "make new        write a new report: asks for its details (or ARGS=\"--title ... --yes\")"
	@echo "make import FILE=submission.docx   a Word file (or a folder of them) -> draft report(s)"
	@echo "make serve      live preview on http://127.0.0.1:8000/ (PORT=8001 for another port)"
	@echo "make crossref   a Crossref deposit XML for the book and reports with a DOI (BOOK_BASE_URL=..., never sent)"
	@echo "make epubcheck  build the EPUB and check it with EPUBCheck (needs Java)"
	@echo "make ace        build the EPUB and check its accessibility with DAISY Ace -> _build/ace/report.html"
	@echo "make test       run the tests (all of them, as CI does)"
	@echo "make typecheck  check the types with mypy (make test runs it too)"
	@echo "make test-fast  the tests but the slow ones (EPUBCheck, Ace, Chromium, large books), for a developer's loop"
	@echo "make test-other-book  the tests with a generated book in the repository's place"
	@echo "make golden     rewrite the golden files in tests/golden/ (then review git diff)"
	@echo "make bench      time and measure books of 140, 1,000 and 5,000 generated reports (SIZES=140,1000)"
	@echo "make messages   the builder's words: catalogue template and every language's catalogue updated (NEW=xx: a new one)"
	@echo "make clean      remove _build/"
	@echo "make lock       refresh requirements.lock after changing pyproject.toml's dependencies (UPGRADE=1: newest versions)"

# The Python environment is installed from requirements.lock: every package at an exact version,
# checked against its hash, so every machine builds the same book. The project itself comes on top
# with --no-deps; scripts/check_lock.py then fails if pyproject.toml asks for more than the lock
# gives. After changing the dependencies in pyproject.toml: `make lock`, and commit both files.
LOCK := requirements.lock

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	@echo "Setting up $(VENV) from $(LOCK)…" >&2
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(BIN)/python scripts/check_lock.py pyproject.toml $(LOCK)
	@touch $(STAMP)

# Rewrites requirements.lock from pyproject.toml (all extras, every Python from 3.11 on, one
# version per package), keeping the versions already locked where they still fit; UPGRADE=1 moves
# every package to its newest allowed version. uv comes from PyPI into its own small venv.
LOCKER := $(VENV)-lock
lock:
	@test -x $(LOCKER)/bin/uv || { $(PYTHON) -m venv $(LOCKER) && $(LOCKER)/bin/python -m pip install --quiet --disable-pip-version-check 'uv>=0.5'; }
	@$(LOCKER)/bin/uv pip compile pyproject.toml --all-extras --universal --fork-strategy fewest \
	  --python-version 3.11 --generate-hashes --quiet $(if $(UPGRADE),--upgrade) -o $(LOCK)
	@echo "$(LOCK) updated: commit it with pyproject.toml."

# One target per edition of the registry (scripts/bookbuilder/editions.py; tests/test_editions.py
# checks that they agree).
html epub pdf: $(STAMP)
	@$(BOOK) build $@

all: $(STAMP)
	@$(BOOK) build all

check: $(STAMP)
	@$(BOOK) check

redact: $(STAMP)
	@$(BOOK) redact

plan: $(STAMP)
	@$(BOOK) plan

overview: $(STAMP)
	@$(BOOK) overview $(ARGS)

test: $(STAMP)
	@$(BIN)/python -m pytest

# The developer's loop: every test but those marked slow (EPUBCheck, Ace, Chromium, the stateful
# and property tests, the large books: pyproject.toml's `slow` marker), on one process per core
# (pytest-xdist; TEST_WORKERS=1 for one): the tests that share a book built for their file on one
# of them, every other test on whichever is free (tests/conftest.py's scheduler). CI: `make test`.
# compileall: each test runs the command line in a new Python, which compiles the builder's
# modules again where PYTHONDONTWRITEBYTECODE is set and none are cached (0.2 s of a 1.4 s check).
# JOBS=1: the cores are busy with pytest's processes already, and a test book is too small for
# Sphinx's own processes to pay for themselves (the tests that compare JOBS set their own).
TEST_WORKERS ?= auto
test-fast: $(STAMP)
	@$(BIN)/python -m compileall -q scripts/bookbuilder
	@JOBS=1 $(BIN)/python -m pytest -m "not slow" -n $(TEST_WORKERS) --dist loadgroup $(ARGS)

# The tests again, with another (generated) book in the repository's place: they must not count
# on the sample book (scripts/other_book.py; runs on a temporary clone of the last commit).
# The fast tier only: the slow tests build fixture books of their own and read nothing of the
# book in the repository's place, so running them again with another book proves nothing more.
test-other-book: $(STAMP)
	@JOBS=1 $(BIN)/python scripts/other_book.py -- -m "not slow" -n $(TEST_WORKERS) --dist loadgroup

# Rewrites tests/golden/ from what the code makes now; review with `git diff tests/golden`.
golden: $(STAMP)
	@$(BIN)/python -m pytest -q tests/test_golden.py tests/test_pdf_writer.py --refresh-golden

# The benchmark (docs/performance.md): SIZES=140,1000 for a quick run; BENCH_FLAGS=--jupyter-book
# adds Jupyter Book 1's HTML build of the same reports. Figures: _build/bench/results.json.
SIZES ?= 140,1000,5000
bench: $(STAMP)
	@$(BIN)/python scripts/benchmark.py --sizes $(SIZES) $(BENCH_FLAGS)

docs: $(STAMP)
	@$(BOOK) docs

# The builder's words: the catalogue template extracted from the code (Babel), every language's
# catalogue updated from it (NEW=xx starts a new one); then `make docs` lists the words. The .mo
# files are compiled on first use, never committed (bookbuilder/words.py).
messages: $(STAMP)
	@$(BIN)/python scripts/messages.py $(if $(NEW),--new $(NEW))
	@$(BOOK) docs

# The editors' everyday work: docs/editors-guide.md.
new: $(STAMP)
	@$(BOOK) new $(ARGS)

import: $(STAMP)
	@if [ -z "$(FILE)" ]; then echo "Say which Word file: make import FILE=submission.docx (or a folder)"; exit 2; fi
	@$(BOOK) import $(ARGS) "$(FILE)"

# A Crossref deposit of the book and its reports with a DOI: _build/crossref/<book>.xml (never sent).
crossref: $(STAMP)
	@$(BOOK) crossref $(ARGS)

PORT ?= 8000
serve: $(STAMP)
	@$(BOOK) serve --port $(PORT)

lint: $(STAMP)
	@$(BIN)/ruff check scripts tests conf.py
	@$(BIN)/ruff format --check scripts tests conf.py

# The types, as pyproject.toml's [tool.mypy] sets them (strict on the stages' data and the
# pipeline); tests/test_types.py runs it too, so `make test` (and CI) fails on a type error.
typecheck: $(STAMP)
	@$(BIN)/python -m mypy

# The EPUB's checkers: EPUBCheck (Java; the jar comes with the `epubcheck` Python package) and
# DAISY Ace (Node.js >= 20, installed into tools/ace from its lock file, run with Debian's chromium).
ACE := tools/ace/node_modules/.bin/ace-cli

epubcheck: epub
	@$(BIN)/python -m bookbuilder.sphinx.epub epubcheck

ace: epub $(ACE)
	@$(BIN)/python -m bookbuilder.sphinx.epub ace

setup-ace: $(ACE)

$(ACE): tools/ace/package-lock.json
	@cd tools/ace && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $(ACE)

clean:
	@if [ -x $(BIN)/python ]; then $(BOOK) clean; else rm -rf _build; fi

# The fonts for the PDF (and the PDF tools its tests read it with): the one list is
# PACKAGES in scripts/bookbuilder/pdfengine/fonts.py (tests/test_pdfengine.py ties the rest to it).
setup-pdf: $(STAMP)
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y --no-install-recommends $$($(BOOK) pdf-packages)

# The optional tools of the tests and the benchmark, each with its own command (the tests that
# need one say which when it is missing): Debian's chromium (the web edition's tests in a real
# browser, axe, Lighthouse), Java (EPUBCheck), and Lighthouse (the benchmark; Node.js 20).
setup-browser:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y --no-install-recommends chromium

setup-java:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y --no-install-recommends default-jre-headless

LIGHTHOUSE := tools/lighthouse/node_modules/.bin/lighthouse
setup-lighthouse: $(LIGHTHOUSE)

$(LIGHTHOUSE): tools/lighthouse/package-lock.json
	@cd tools/lighthouse && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $(LIGHTHOUSE)

# One list of system packages, for `make setup-pdf` and for CI.
print-pdf-packages: $(STAMP)
	@$(BOOK) pdf-packages
