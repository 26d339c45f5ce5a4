# The book's commands. Each sets up .venv (once, and again when requirements change) first.
#   make book         build the static site into _build/html (warnings are errors)
#   make test         lint, then run the whole test suite on every core (pytest-xdist): package,
#                     notebooks (nbval), book build, site in a browser, student edition (no
#                     solution leaks), assignments graded end to end, ruff
#   make lint         ruff check and ruff format --check (configuration in pyproject.toml)
#   make format       apply ruff's safe fixes and its formatter to the code and the notebooks
#   make execute      re-execute every notebook (chapters, appendix) in place, to refresh outputs
#   make lab          JupyterLab on the chapters, with this environment's kernel (prints the URL)
#   make bench        time mlebook against scipy, statsmodels and scikit-learn, every chapter's
#                     execution and a book build, into benchmarks/results/ (a few minutes);
#                     then write the table into README.md and re-execute the appendix page
# For instructors (see instructor_guide.md):
#   make student      build the student edition (no solutions) into _build/student/html, and the
#                     student notebooks into _build/student/notebooks
#   make assignments  run otter assign on every assignments/*.ipynb into dist/assignments/
#   make grade SUBMISSIONS=folder [ASSIGNMENT=name] [JOBS=n] [TIMEOUT=seconds] [MEMORY=GB]
#                     grade a folder of submitted notebooks (no Docker) into dist/grades/NAME.csv,
#                     each in a sandbox (bubblewrap) with a timeout (default 300 s) and a memory
#                     cap (default 4 GB), JOBS at a time (default: the number of cores)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: book test lint format execute lab bench clean student assignments grade

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html --warningiserror --nitpick --keep-going

test: lint
	$(BIN)/python -m pytest -n auto --nbval --nbval-current-env --doctest-modules mlebook tests chapters appendix

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

execute: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/chapters

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python scripts/report_benchmarks.py
	$(BIN)/python scripts/execute_notebooks.py appendix/performance.ipynb

student: $(STAMP)
	$(BIN)/python scripts/student_edition.py

assignments: $(STAMP)
	$(BIN)/python scripts/assignments.py

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [ASSIGNMENT=name] [JOBS=n] [TIMEOUT=seconds] [MEMORY=GB]" >&2; exit 2; }
	$(BIN)/python scripts/grade.py "$(SUBMISSIONS)" $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)") \
		$(if $(JOBS),--jobs $(JOBS)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(MEMORY),--memory $(MEMORY))

clean:
	rm -rf _build
