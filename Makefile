# The book's commands. Each sets up .venv (once, and again when requirements change) first.
#   make book      build the static site into _build/html (warnings are errors)
#   make test      run the whole test suite: package, notebooks (nbval), book build, site in a browser
#   make execute   re-execute every chapter notebook in place, to refresh stored outputs

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: book test execute clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html --warningiserror --nitpick --keep-going

test: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env tests chapters

execute: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

clean:
	rm -rf _build
