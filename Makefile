# The editors' commands. The first run creates .venv from pyproject.toml by itself.
# V=1 shows Sphinx's and LaTeX's full output.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK   := $(BIN)/python -m bookbuilder

.PHONY: help all html epub pdf check plan test lint clean setup-pdf docs

help:
	@echo "make epub       build the EPUB   -> _build/epub/<book>.epub"
	@echo "make html       build the website -> _build/html/index.html"
	@echo "make pdf        build the PDF    -> _build/latex/<book>.pdf (needs TeX Live: make setup-pdf)"
	@echo "make all        build all three editions"
	@echo "make check      validate every report and chapter, build nothing"
	@echo "make plan       show which chapter each report lands in"
	@echo "make test       run the tests"
	@echo "make clean      remove _build/"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	@echo "Setting up $(VENV) (first run only)…" >&2
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

html epub pdf: $(STAMP)
	@$(BOOK) build $@

all: $(STAMP)
	@$(BOOK) build all

check: $(STAMP)
	@$(BOOK) check

plan: $(STAMP)
	@$(BOOK) plan

test: $(STAMP)
	@$(BIN)/python -m pytest

docs: $(STAMP)
	@$(BOOK) docs

lint: $(STAMP)
	@$(BIN)/ruff check scripts tests conf.py
	@$(BIN)/ruff format --check scripts tests conf.py

clean:
	@if [ -x $(BIN)/python ]; then $(BOOK) clean; else rm -rf _build; fi

# TeX Live and fonts for the PDF; the list lives in scripts/bookbuilder/build.py.
setup-pdf: $(STAMP)
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y --no-install-recommends $$($(BOOK) pdf-packages)

# One list of system packages, for `make setup-pdf` and for CI.
print-pdf-packages: $(STAMP)
	@$(BOOK) pdf-packages
