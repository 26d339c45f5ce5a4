# The book's commands. Each sets up .venv (once, and again when requirements change) first.
#   make book         build the static site into _build/html (warnings are errors)
#   make pdf          build the whole book as one PDF, _build/pdf/mlebook.pdf (xelatex; needs TeX
#                     Live, see README.md); unresolved references or missing glyphs fail it
#   make site         the site as published: the book, its PDF beside it, and the student edition
#                     (with its own PDF) in _build/html/student
#   make test         lint, then run the whole test suite on every core (pytest-xdist): package,
#                     notebooks (nbval), book build, site in a browser, student edition (no
#                     solution leaks), assignments graded end to end, ruff
#   make test-slow    what make test's four minutes cannot afford (several minutes; CI runs it
#                     after make test): both PDFs (full and student edition) built and tested,
#                     axe-core on every page of both editions, the learner's path (a chapter in
#                     JupyterLab, the wheel in a fresh environment), and an assignment's
#                     Gradescope zip installed in a fresh environment and run as Gradescope does
#   make lint         ruff check and ruff format --check (configuration in pyproject.toml)
#   make format       apply ruff's safe fixes and its formatter to the code and the notebooks
#   make execute      re-execute every notebook (chapters, appendix) in place, to refresh outputs
#   make lab          JupyterLab on the chapters, with this environment's kernel (prints the URL)
#   make bench        time mlebook against scipy, statsmodels and scikit-learn, every chapter's
#                     execution and a book build, into benchmarks/results/ (a few minutes);
#                     then write the table into README.md and re-execute the appendix page
# For instructors (see instructor_guide.md):
#   make student      build the student edition (no solutions) into _build/student/html, with its
#                     PDF, and the student notebooks into _build/student/notebooks
#   make assignments  run otter assign on every assignments/*.ipynb into dist/assignments/
#   make grade SUBMISSIONS=folder [ASSIGNMENT=name] [ROSTER=roster.csv] [OUT=file.csv]
#              [JOBS=n] [TIMEOUT=seconds] [MEMORY=GB] [MASTERS=folder]
#                     grade a folder of submitted notebooks (no Docker) into dist/grades/NAME.csv
#                     (a row per student, written as grading proceeds) and NAME-feedback/
#                     (student/ and instructor/ copies), each in a sandbox (bubblewrap) with a
#                     timeout (default 300 s) and a memory cap (default 4 GB), JOBS at a time
#                     (default: the number of cores); ROSTER maps the file names of Canvas and
#                     Moodle downloads to student IDs (format: instructor_guide.md); the written
#                     questions' answers are gathered, one file per question, into
#                     NAME-written/ for grading by hand (read from the masters in MASTERS,
#                     default assignments/)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core, the accessibility engine the site tests run in Chromium (tests/accessibility.py),
# from the npm registry with Node.js's npm; its version is in its path, so that changing it here
# installs it. Only `make test` needs it.
AXE_CORE := 4.14.1
AXE := $(VENV)/axe-core-$(AXE_CORE)/node_modules/axe-core/axe.min.js

.PHONY: book pdf site test test-slow lint format execute lab bench clean student assignments grade

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(AXE): | $(STAMP)
	npm install --prefix $(VENV)/axe-core-$(AXE_CORE) --no-save --no-audit --no-fund --loglevel=error \
		axe-core@$(AXE_CORE)

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html --warningiserror --nitpick --keep-going

pdf: $(STAMP)
	$(BIN)/python -m coursekit.pdf

site: book pdf student
	cp _build/pdf/mlebook.pdf _build/html/
	rm -rf _build/html/student
	cp -r _build/student/html _build/html/student

test: lint $(AXE)
	$(BIN)/python -m pytest -n auto -m "not slow" --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --doctest-modules mlebook tests chapters appendix

test-slow: $(STAMP) $(AXE)
	$(BIN)/python -m pytest -n auto -m slow tests

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
	$(BIN)/python benchmarks/run.py $(if $(FORCE),--force)
	$(BIN)/python scripts/report_benchmarks.py
	$(BIN)/python scripts/execute_notebooks.py appendix/performance.ipynb

student: $(STAMP)
	$(BIN)/python scripts/student_edition.py

assignments: $(STAMP)
	$(BIN)/python scripts/assignments.py

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder [ASSIGNMENT=name] [ROSTER=roster.csv] [OUT=file.csv] [JOBS=n] [TIMEOUT=seconds] [MEMORY=GB] [MASTERS=folder]" >&2; exit 2; }
	$(BIN)/python scripts/grade.py "$(SUBMISSIONS)" $(if $(ASSIGNMENT),--assignment "$(ASSIGNMENT)") \
		$(if $(ROSTER),--roster "$(ROSTER)") $(if $(OUT),--out "$(OUT)") \
		$(if $(JOBS),--jobs $(JOBS)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(MEMORY),--memory $(MEMORY)) \
		$(if $(MASTERS),--masters "$(MASTERS)")

clean:
	rm -rf _build
