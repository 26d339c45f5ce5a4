"""The grader survives a real class (coursekit.grade, `make grade`).

Hostile submissions of the first assignment are graded in one call, two at a time, with short
limits: an endless loop (it times out and its processes are killed), a kernel that exits, a
memory hog, a notebook that tries to delete another submission, to write into $HOME and to
read the repository and the grades, and to open network connections. Each of
them is the solution notebook plus the hostile cell, so the ones that are contained score full
marks and the others score 0 with an error that says why; the typical mistake with the
comparisons patched scores no more than without. Answers equal to everything, with the
comparisons patched, are graded with every assignment's other submissions
(tests/test_assignments.py: the first assignment's in make test, every one's in make
test-slow) and checked here. A parallel grading writes the same CSV as a serial one (make
test-slow).

Real-world submissions of the first assignment are graded in one call too, two at a time,
against a roster, under the file names of Canvas and Moodle downloads: a notebook without
otter's metadata (answers pasted into a new one) and a broken draft of the same student, a
renamed notebook with its answers in other numeric forms (a 0-d array, a sympy Rational, an
array for a pair, a sympy expression), one exported from Colab, and, under a name no student of
the roster has, the typical mistake with a failing first cell and a failing last one; one
student of the roster submitted nothing. The written answers of that class are gathered in
roster order. The transport of numbers in their natural forms is also checked on a kernel
directly, with a test's reference functions standing in for a notebook's; the written answers
are found with and without otter's markers; and an interrupted `make grade` keeps the rows it
graded.

The sandbox tests are skipped where bubblewrap cannot run, unless MLEBOOK_REQUIRE_SANDBOX=1
(CI sets it), which makes its absence a failure.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from test_assignments import (  # noqa: F401  (generated, graded: fixtures)
    GRADED_END_TO_END,
    MASTERS,
    PATCH_COMPARISONS,
    cases,
    fill_in,
    first_mistakes,
    generated,
    graded,
    kit,
)

from coursekit import child, transport
from coursekit import grade as grader

FIRST = MASTERS[0]
#: The first typical mistake of several questions of the first assignment, at once.
MISTAKES = [(m["cell"], m["answer"]) for m in first_mistakes(FIRST.stem)]
TIMEOUT = 15.0  # seconds: a few times what a submission takes on a loaded 2-core machine
MEMORY_GB = 2.0  # enough for a kernel with numpy and scipy, not for 16 GB of ones
SLEEP_TAG = "987654321"  # the argument of a `sleep` the endless submission leaves running

requires_sandbox = pytest.mark.skipif(
    not grader.sandbox_available() and os.environ.get("MLEBOOK_REQUIRE_SANDBOX") != "1",
    reason="bubblewrap is not available (set MLEBOOK_REQUIRE_SANDBOX=1 to fail instead)",
)


def with_cell(notebook: Path, source: str, first: bool = False):
    nb = nbformat.read(notebook, as_version=4)
    cell = nbformat.v4.new_code_cell(source)
    if first:
        # after the set-up cell (the imports and data), before any answer
        nb.cells.insert(1 + next(i for i, c in enumerate(nb.cells) if c.cell_type == "code"), cell)
    else:
        nb.cells.append(cell)
    return nb


def _hostile(out: Path, result: Path) -> dict:
    subs = out / "subs"
    subs.mkdir()
    grades = out / "grades"
    solution = result / "autograder" / FIRST.name
    shutil.copy(solution, subs / "other.ipynb")
    home_mark = Path.home() / f".coursekit-test-{uuid.uuid4().hex}"
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted: list = []
    server.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                accepted.append(server.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    cells = {
        "loop": (
            "import subprocess, time\n"
            f"subprocess.Popen(['sleep', '{SLEEP_TAG}'])\n"
            "while True:\n"
            "    time.sleep(0.1)\n",
            True,
        ),
        "exit": ("import os\nos._exit(3)\n", True),
        "hog": ("import numpy\nhog = numpy.ones(2**31)   # 16 GB\n", True),
        # reads the repository, another submission and the grades, deletes that submission,
        # writes into $HOME, connects to a server of the grader's machine and to the internet
        "escape": (
            "import os, socket\n"
            f"seen = [p for p in ({str(grader.ROOT / 'README.md')!r},\n"
            f"                    {str(subs / 'other.ipynb')!r})\n"
            "        if os.path.exists(p)]\n"
            f"if os.path.isdir({str(grades)!r}) and os.listdir({str(grades)!r}):\n"
            "    seen.append('the grades')\n"
            "try:\n"
            f"    os.remove({str(subs / 'other.ipynb')!r})\n"
            "except OSError:\n"
            "    pass\n"
            "try:\n"
            f"    open({str(home_mark)!r}, 'w').write('written by a submission')\n"
            "except OSError:\n"
            "    pass\n"
            f"for address in [('127.0.0.1', {port}), ('1.1.1.1', 53), ('8.8.8.8', 443)]:\n"
            "    try:\n"
            "        socket.create_connection(address, timeout=2).close()\n"
            "        seen.append(address)\n"
            "    except OSError:\n"
            "        pass\n"
            "if seen:   # lose every point: the test sees it\n"
            "    bernoulli_loglik = bernoulli_mle = gaussian_mle = likelihood_interval = None\n",
            False,
        ),
    }
    for name, (source, first) in cells.items():
        nbformat.write(with_cell(solution, source, first), subs / f"{name}.ipynb")
    # the typical mistake, with the comparisons patched (tests/test_assignments.py)
    student = nbformat.read(result / "student" / FIRST.name, as_version=4)
    mistake = fill_in(student, nbformat.read(solution, as_version=4), MISTAKES)
    mistake.cells.append(nbformat.v4.new_code_cell(PATCH_COMPARISONS))
    nbformat.write(mistake, subs / "mistake_patched.ipynb")
    try:
        grader.grade(
            subs,
            kit.autograder_zip(result),
            grades / "scores.csv",
            jobs=3,  # the endless loop holds one job until the timeout
            timeout=TIMEOUT,
            memory_gb=MEMORY_GB,
        )
    finally:
        stop.set()
        thread.join()
        server.close()
    with (grades / "scores.csv").open() as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    leftovers = [
        p.name for p in Path("/proc").iterdir() if p.name.isdigit() and SLEEP_TAG in _cmdline(p)
    ]
    home_written = home_mark.exists()
    home_mark.unlink(missing_ok=True)
    return {
        "rows": rows,
        "other_exists": (subs / "other.ipynb").exists(),
        "home_written": home_written,
        "connections": len(accepted),
        "leftovers": leftovers,
        "note": (grades / "scores.csv.txt").exists(),
    }


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.fixture(scope="session")
def hostile(generated, shared):  # noqa: F811  (the fixture imported above)
    return shared("hostile-grading", lambda out: _hostile(out, generated[FIRST.stem]))


def _full_marks(row):
    return row["error"] == "" and float(row["auto_total"]) == float(row["auto_possible"]) > 0


def _auto(row) -> list[str]:
    """The auto-graded questions of a row (the written ones' columns are empty)."""
    return [k for k in row if re.fullmatch(r"q\d+", k) and row[k] != ""]


def test_a_submission_past_the_timeout_scores_zero_and_its_processes_are_killed(hostile):
    row = hostile["rows"]["loop"]
    assert float(row["auto_total"]) == 0 and float(row["auto_possible"]) > 0
    assert row["error"].startswith(f"timed out after {TIMEOUT:g} s"), row["error"]
    assert not hostile["leftovers"], hostile["leftovers"]
    # and the rest of the class was graded
    assert hostile["rows"]["mistake_patched"]["error"] == ""
    assert float(hostile["rows"]["mistake_patched"]["auto_total"]) > 0


def test_a_kernel_that_exits_scores_zero_with_its_error(hostile):
    row = hostile["rows"]["exit"]
    assert float(row["auto_total"]) == 0
    assert "kernel died" in row["error"], row["error"]


def test_a_memory_hog_scores_zero_with_a_clear_error(hostile):
    row = hostile["rows"]["hog"]
    assert float(row["auto_total"]) == 0
    assert row["error"].startswith("ran out of memory"), row["error"]
    assert f"{MEMORY_GB:g} GB" in row["error"]


@requires_sandbox
def test_a_submission_sees_neither_the_repository_nor_other_submissions_nor_home(hostile):
    assert _full_marks(hostile["rows"]["escape"]), hostile["rows"]["escape"]
    assert _full_marks(hostile["rows"]["other"]), hostile["rows"]["other"]
    assert hostile["other_exists"]
    assert not hostile["home_written"]
    assert not hostile["note"]


@requires_sandbox
def test_a_submission_has_no_network(hostile):
    assert _full_marks(hostile["rows"]["escape"]), hostile["rows"]["escape"]
    assert hostile["connections"] == 0


def test_patching_the_comparisons_does_not_raise_the_score(hostile, graded):  # noqa: F811
    patched = hostile["rows"]["mistake_patched"]
    honest = graded[FIRST.stem]["rows"]["mistakes"]
    assert patched["error"] == ""
    assert 0 < float(patched["auto_total"]) < float(patched["auto_possible"])
    for question in _auto(honest):
        assert float(patched[question]) <= float(honest[question]), question


@pytest.mark.parametrize("master", GRADED_END_TO_END)  # the first in make test, all in test-slow
def test_answers_equal_to_everything_score_nothing(graded, master):  # noqa: F811
    # the student notebook as handed out scores 0; with answers that equal everything and
    # every comparison patched, it still does
    rows, feedback = graded[master.stem]["rows"], graded[master.stem]["instructor"]
    assert float(rows["empty"]["auto_total"]) == 0
    assert float(rows["anything"]["auto_total"]) == 0, feedback["anything"]
    assert "not a plain value" in feedback["anything"], feedback["anything"]


@pytest.mark.slow  # grades the same class twice: make test-slow
def test_grading_in_parallel_writes_the_same_csv_as_grading_serially(generated, tmp_path):  # noqa: F811
    # small submissions (one answer each, right or wrong) and a broken file, in subfolders
    result = generated[FIRST.stem]
    metadata = nbformat.read(result / "student" / FIRST.name, as_version=4).metadata
    answers = {
        "b/right": "def bernoulli_mle(x):\n    return float(sum(x) / len(x))\n",
        "a/wrong": "def bernoulli_mle(x):\n    return 2.0\n",
    }
    subs = tmp_path / "subs"
    for name, source in answers.items():
        (subs / name).parent.mkdir(parents=True, exist_ok=True)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nb.metadata = metadata
        nbformat.write(nb, subs / f"{name}.ipynb")
    (subs / "a" / "broken.ipynb").write_text("{ not a notebook")
    ag_zip = kit.autograder_zip(result)
    grader.grade(subs, ag_zip, tmp_path / "serial" / "scores.csv", jobs=1, timeout=TIMEOUT)
    grader.grade(subs, ag_zip, tmp_path / "parallel" / "scores.csv", jobs=3, timeout=TIMEOUT)
    serial = (tmp_path / "serial" / "scores.csv").read_text()
    assert serial == (tmp_path / "parallel" / "scores.csv").read_text()
    rows = list(csv.DictReader(serial.splitlines()))
    assert [r["student"] for r in rows] == ["a/broken", "a/wrong", "b/right"]
    assert rows[0]["error"] and not any(r["error"] for r in rows[1:])
    assert float(rows[2]["q2"]) > float(rows[1]["q2"]) == 0


def test_the_sandbox_is_there_where_it_is_required():
    if os.environ.get("MLEBOOK_REQUIRE_SANDBOX") != "1":
        pytest.skip("MLEBOOK_REQUIRE_SANDBOX is not set")
    assert grader.sandbox_available(), "bubblewrap (/usr/bin/bwrap) cannot make a sandbox here"


def test_without_a_sandbox_grading_warns_and_notes_it_beside_the_csv(generated, tmp_path, capsys):  # noqa: F811
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "broken.ipynb").write_text("{ not a notebook")
    ag_zip = kit.autograder_zip(generated[FIRST.stem])
    out = tmp_path / "grades" / "scores.csv"
    rows = grader.grade(subs, ag_zip, out, sandbox=False)
    assert rows[0]["error"] and rows[0]["auto_total"] == 0
    assert "WITHOUT isolation" in capsys.readouterr().err
    assert "WITHOUT isolation" in (tmp_path / "grades" / "scores.csv.txt").read_text()


# --------------------------------------------------------------------------- real-world submissions
ROSTER = """\
id,name,email
1042,"Neyman, Jerzy",jneyman@example.org
1043,"Fisher, Ronald",rfisher@example.org
2044,Egon Pearson,epearson@example.org
3001,"Le Cam, Lucien",llecam@example.org
"""

#: The first assignment's answers in other natural forms, by a line of the answer cell: a
#: numeric sympy expression, a sympy Rational, an array for a pair, a pair of 0-d arrays.
FORMS = {
    "def bernoulli_loglik(p, x):": (
        "import sympy\n\n\n"
        "def bernoulli_loglik(p, x):\n"
        "    k, n, p = int(np.sum(x)), len(x), sympy.nsimplify(p)\n"
        "    return k * sympy.log(p) + (n - k) * sympy.log(1 - p)   # k log p + ...\n"
    ),
    "def bernoulli_mle(x):": (
        "def bernoulli_mle(x):\n    return sympy.Rational(int(np.sum(x)), len(x))  # k/n, exactly\n"
    ),
    "def gaussian_mle(x):": (
        "def gaussian_mle(x):\n"
        "    x = np.asarray(x, dtype=float)\n"
        "    return np.array([x.mean(), np.mean((x - x.mean()) ** 2)])  # an array, not a tuple\n"
    ),
    "def likelihood_interval(x, c):": (
        "def likelihood_interval(x, c):\n"
        "    p_hat = float(bernoulli_mle(x))\n"
        "    top = float(bernoulli_loglik(p_hat, x))\n"
        "    f = lambda p: float(bernoulli_loglik(p, x)) - top - np.log(c)\n"
        "    ends = optimize.brentq(f, 1e-12, p_hat), optimize.brentq(f, p_hat, 1 - 1e-12)\n"
        "    return tuple(np.array(e) for e in ends)   # 0-d arrays\n"
    ),
}
COLAB_MOUNT = "from google.colab import drive\ndrive.mount('/content/drive')\n"


def _answers_replaced(nb, forms):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    replaced = 0
    for cell in nb.cells:
        if "otter_assign_solution_cell" not in cell.metadata.get("tags", []):
            continue
        for line, source in forms.items():
            if cell.cell_type == "code" and line in cell.source:
                cell.source = source
                replaced += 1
    assert replaced == len(forms)
    return nb


def _pasted(solution):
    """The answers pasted into a new notebook: the set-up and answer cells, no otter metadata,
    no tags, no otter cell and no checks."""
    keep = [
        c.source
        for c in solution.cells
        if c.cell_type == "code" and "otter" not in c.source and "grader." not in c.source
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in keep])
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    return nb


def _colab(nb, name: str) -> dict:
    """The notebook as Colab exports it: Colab's metadata and cell ids, no otter metadata, no
    tags, a first cell installing otter, and the error its otter cell raised on Colab."""
    cells = [{"cell_type": "code", "source": "%pip install otter-grader", "metadata": {}}]
    cells += [dict(c) for c in nb.cells]
    for i, cell in enumerate(cells):
        cell.pop("id", None)
        cell["metadata"] = {"id": f"c{i:04d}"}
        if cell["cell_type"] == "code":
            cell["execution_count"], cell["outputs"] = None, []
            if "otter.Notebook" in cell["source"]:
                cell["outputs"] = [
                    {
                        "output_type": "error",
                        "ename": "ValueError",
                        "evalue": "Tests directory ./tests does not exist",
                        "traceback": [],
                    }
                ]
    metadata = {
        "colab": {"provenance": [], "name": name},
        "kernelspec": {"name": "python3", "display_name": "Python 3"},
        "language_info": {"name": "python"},
    }
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 0}


def _variants(out: Path, result: Path) -> dict:
    subs = out / "downloads"
    moodle = subs / "Egon Pearson_2044_assignsubmission_file_"
    moodle.mkdir(parents=True)
    solution = nbformat.read(result / "autograder" / FIRST.name, as_version=4)
    student = nbformat.read(result / "student" / FIRST.name, as_version=4)
    answered = fill_in(student, solution)
    stray = fill_in(student, solution, MISTAKES)
    stray.cells.insert(0, nbformat.v4.new_code_cell(COLAB_MOUNT))
    stray.cells.append(nbformat.v4.new_code_cell("print(no_such_name)"))
    files = {
        # Canvas: answers pasted into a new notebook; a late copy, renamed by the browser,
        # with its answers in other numeric forms
        "neymanjerzy_1042_5551_01_likelihood_mle.ipynb": _pasted(solution),
        "fisherronald_late_1043_5552_01_likelihood_mle (1).ipynb": _answers_replaced(
            solution, FORMS
        ),
        # a name no student has; the typical mistake, its first cell fails, and a later one
        "stray notebook.ipynb": stray,
    }
    for name, nb in files.items():
        nbformat.write(nb, subs / name)
    colab = _colab(answered, "Copy of 01_likelihood_mle.ipynb")
    (moodle / "Copy of 01_likelihood_mle.ipynb").write_text(json.dumps(colab))
    (subs / "neymanjerzy_1042_5560_draft.ipynb").write_text("{ not a notebook")
    roster = out / "roster.csv"
    roster.write_text(ROSTER)
    grades = out / "grades" / "scores.csv"
    ag_zip = kit.autograder_zip(result)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        rows = grader.grade(subs, ag_zip, grades, jobs=2, roster=roster)
    feedback = grades.parent / "scores-feedback"
    return {
        "written": {p.stem: p.read_text() for p in (grades.parent / "scores-written").glob("*.md")},
        "show_hidden": child.autograder_config(ag_zip).get("show_hidden"),
        "rows": rows,
        "csv": grades.read_text(),
        "stderr": stderr.getvalue(),
        "student": {p.stem: p.read_text() for p in (feedback / "student").glob("*.txt")},
        "instructor": {p.stem: p.read_text() for p in (feedback / "instructor").glob("*.txt")},
        "records": {
            p.stem: json.loads(p.read_text()) for p in (feedback / "instructor").glob("*.json")
        },
    }


@pytest.fixture(scope="session")
def variants(generated, shared):  # noqa: F811
    return shared("grading-variants", lambda out: _variants(out, generated[FIRST.stem]))


def _by_id(variants) -> dict:
    return {r["student"] or r["file"]: r for r in variants["rows"]}


def test_metadata_less_renamed_and_colab_submissions_get_full_marks(variants):
    rows = _by_id(variants)
    # pasted into a new notebook; renamed (and in other numeric forms); exported from Colab
    for sid in ("1042", "1043", "2044"):
        assert _full_marks(rows[sid]), (rows[sid], variants["instructor"][sid])
    assert rows["1043"]["file"].endswith("01_likelihood_mle (1).ipynb")
    # Colab's `%pip install otter-grader` was not run, and the student is told so
    assert "%pip install otter-grader" in variants["student"]["2044"]


def test_answers_in_other_numeric_forms_get_full_marks(variants):
    # a 0-d array, a sympy Rational, an array for a pair, a numeric sympy expression
    row = _by_id(variants)["1043"]
    assert _full_marks(row), (row, variants["instructor"]["1043"])


def test_the_roster_maps_canvas_and_moodle_file_names_to_students(variants):
    rows = variants["rows"]
    assert [r["student"] for r in rows] == ["1042", "1043", "2044", "3001", ""]
    names = {r["student"]: r["name"] for r in rows}
    assert names["1042"] == "Neyman, Jerzy" and names["2044"] == "Egon Pearson"
    files = {r["student"]: r["file"] for r in rows}
    assert files["2044"] == (
        "Egon Pearson_2044_assignsubmission_file_/Copy of 01_likelihood_mle.ipynb"
    )
    # Neyman's two files are both graded: the broken draft and the notebook, which is kept
    neyman = _by_id(variants)["1042"]
    assert neyman["file"] == "neymanjerzy_1042_5551_01_likelihood_mle.ipynb"
    assert "2 files" in neyman["note"] and "neymanjerzy_1042_5560_draft.ipynb" in neyman["note"]
    assert "could not be graded" in variants["instructor"]["1042"]


def test_an_unmatched_file_is_graded_and_reported(variants):
    row = _by_id(variants)["stray notebook.ipynb"]
    assert row["student"] == "" and row["note"] == "matches no student of the roster"
    assert 0 < float(row["auto_total"]) < float(row["auto_possible"])  # the typical mistakes
    assert "stray notebook.ipynb" in variants["stderr"]


def test_a_roster_student_without_a_submission_gets_a_row(variants):
    row = _by_id(variants)["3001"]
    assert row["note"] == "no submission" and row["file"] == "" and row["error"] == ""
    assert float(row["auto_total"]) == 0 and float(row["auto_possible"]) > 0
    assert "No submission" in variants["student"]["3001"]


def test_the_csv_gives_each_questions_points(variants):
    header = variants["csv"].splitlines()[0].split(",")
    questions = [h for h in header if re.fullmatch(r"q\d+", h)]
    assert header[:4] == ["student", "auto_total", "auto_possible", "auto_percent"]
    assert header[-1] == "error"
    assert len(questions) >= 4 and all(f"{q}_max" in header for q in questions)
    # the written question's column is left to the instructor; the totals leave it out
    written = [q for q in questions if all(r[q] == "" for r in variants["rows"])]
    auto = [q for q in questions if q not in written]
    assert written and len(auto) >= 3
    for row in variants["rows"]:
        assert all(float(row[f"{q}_max"]) > 0 for q in questions)
        assert sum(float(row[f"{q}_max"]) for q in auto) == float(row["auto_possible"])
        assert all(0 <= float(row[q]) <= float(row[f"{q}_max"]) for q in auto)
        assert sum(float(row[q]) for q in auto) == pytest.approx(float(row["auto_total"]))
    # the CSV on disk is the rows returned
    on_disk = list(csv.DictReader(variants["csv"].splitlines()))
    assert [r["student"] for r in on_disk] == [r["student"] for r in variants["rows"]]


def test_a_failing_set_up_cell_is_in_the_csv_and_every_failing_cell_in_the_feedback(variants):
    row = _by_id(variants)["stray notebook.ipynb"]
    assert row["error"].startswith("cell 1 raised ModuleNotFoundError"), row["error"]
    student = variants["student"]["stray notebook"]
    assert "cell 1 (`from google.colab import drive`): ModuleNotFoundError" in student
    assert "(`print(no_such_name)`): NameError: name 'no_such_name' is not defined" in student
    assert "NameError" in variants["instructor"]["stray notebook"]


def test_the_student_copy_has_the_hidden_messages_but_not_the_tests_code(variants):
    assert variants["show_hidden"] is True  # in the assignment's configuration
    row = _by_id(variants)["stray notebook.ipynb"]
    question = first_mistakes(FIRST.stem)[0]["question"]
    assert float(row[question]) < float(row[f"{question}_max"])
    student = variants["student"]["stray notebook"]
    instructor = variants["instructor"]["stray notebook"]
    (result,) = variants["records"]["stray notebook"]["files"].values()
    hidden = [t for t in result["tests"][question] if t["hidden"] and not t["passed"]]
    assert hidden
    for test in hidden:
        message = test["short"].splitlines()[0]
        assert message and message in instructor and message in student
        line = test["message"].splitlines()[2].strip()  # the test's line that failed
        assert line in instructor and line not in student
    assert "hidden test 1: failed" in student


def test_the_written_answers_of_a_class_are_gathered_in_roster_order(variants):
    (text,) = variants["written"].values()
    sections = text.split("\n## ")[1:]
    assert [s.splitlines()[0] for s in sections] == [
        "Neyman, Jerzy (1042)",
        "Fisher, Ronald (1043)",
        "Egon Pearson (2044)",
        "Le Cam, Lucien (3001)",
        "stray notebook",
    ]
    by_label = {s.splitlines()[0]: s for s in sections}
    assert "*(no answer)*" in by_label["Neyman, Jerzy (1042)"]  # code cells pasted only
    assert "*(no submission)*" in by_label["Le Cam, Lucien (3001)"]
    # the renamed notebook, the Colab export (no tags, otter's markers in the text) and the
    # stray one carry the solution's answer
    for label in ("Fisher, Ronald (1043)", "Egon Pearson (2044)", "stray notebook"):
        assert "E[\\hat\\sigma^2]" in by_label[label], by_label[label]
    assert "*(no answer)*" not in by_label["Egon Pearson (2044)"]


def test_the_student_copy_shows_hidden_messages_only_when_the_assignment_allows_it():
    failed = "❌ Test case failed\nError at line 4 in test q1:\n  assert {}\nAssertionError: {}"
    result = {
        "scores": {"q1": (1.0, 3.0)},
        "summary": {"q1": "q1 results: ..."},
        "tests": {
            "q1": [
                {"hidden": False, "passed": True, "message": "", "short": ""},
                {
                    "hidden": False,
                    "passed": False,
                    "message": failed.format("public_check", "the public message"),
                    "short": "AssertionError: the public message",
                },
                {
                    "hidden": True,
                    "passed": False,
                    "message": failed.format("secret_check", "the hidden message"),
                    "short": "AssertionError: the hidden message",
                },
            ]
        },
        "cells": [],
        "skipped": [],
        "error": "",
    }
    points = {"q1": 3.0}
    closed = grader.student_feedback(result, points, "mle-01", show_hidden=False)
    shown = grader.student_feedback(result, points, "mle-01", show_hidden=True)
    for text in (closed, shown):
        assert "mle-01: 1 / 3 points" in text and "q1: 1 / 3 points" in text
        assert "public test 1: passed" in text and "public test 2: failed" in text
        assert "the public message" in text and "hidden test 1: failed" in text
        assert "secret_check" not in text  # a hidden test's code is never shown
    assert "the hidden message" not in closed
    assert "AssertionError: the hidden message" in shown


def test_package_installations_are_not_run_while_grading():
    nb = {
        "cells": [
            {"cell_type": "code", "source": "%pip install otter-grader\nimport numpy"},
            {"cell_type": "code", "source": "!pip install -q mlebook\n!ls", "metadata": {}},
            {"cell_type": "code", "source": ["!python -m pip install -U numpy"]},
            {"cell_type": "markdown", "source": "!pip install in markdown is text"},
            {"cell_type": "code", "source": "x = 1  # !pip install nothing", "metadata": {}},
        ]
    }
    cells, skipped = child.code_cells(nb, {"seed": 7, "seed_variable": "SEED"})
    assert [c["source"] for c in cells] == [
        "SEED = 7\npass\nimport numpy",
        "SEED = 7\npass\n!ls",
        "SEED = 7\npass",
        "SEED = 7\nx = 1  # !pip install nothing",
    ]
    assert skipped == [
        "cell 1: %pip install otter-grader",
        "cell 2: !pip install -q mlebook",
        "cell 3: !python -m pip install -U numpy",
    ]
    # without otter's tags, the first code cell is the set-up
    assert [c["setup"] for c in cells] == [True, False, False, False]


NUMBERS = """\
import decimal, fractions
import numpy as np
import sympy

zero_d = np.array(np.mean([1.0, 2.0]))
f32, i64, u8, yes = np.float32(0.25), np.int64(7), np.uint8(3), np.bool_(True)
half, root, twelve = sympy.Rational(1, 2), sympy.sqrt(2) / 2, sympy.Integer(12)
eighth, quarter, tenth = sympy.Float("0.125"), fractions.Fraction(1, 4), decimal.Decimal("0.1")
pair = (np.array(1.0), sympy.Rational(3, 2))
matrix = sympy.Matrix([[1, sympy.Rational(1, 2)], [0, 2]])
objects = np.array([sympy.Rational(1, 4), sympy.sqrt(4)], dtype=object)


def m_step(x, resp):  # (weights, means, variances) as the rows of a (3, 2) array
    nk = resp.sum(axis=0)
    means = resp.T @ x / nk
    return np.vstack([nk / x.size, means, (resp * (x[:, None] - means) ** 2).sum(0) / nk])


class Sub(np.float64):
    def __eq__(self, other):
        return True


symbol, imaginary, sub = sympy.Symbol("t") + 1, sympy.sqrt(-2), Sub(0.5)


def helper(x):  # an earlier answer, wrong
    return -1.0


def uses_helper(x):  # a later answer, right, that uses it
    return 2 * helper(x)
"""


def test_the_transport_turns_numbers_in_any_natural_form_into_plain_values(tmp_path):
    import numpy as np

    runner = child.Runner(tmp_path)
    try:
        assert not [o for o in runner.run(NUMBERS) if o["output_type"] == "error"]
        env = transport.Namespace(transport.Kernel(runner, memory_gb=4.0))
        expected = {
            "zero_d": (float, 1.5),
            "f32": (float, 0.25),
            "i64": (int, 7),
            "u8": (int, 3),
            "yes": (bool, True),
            "half": (float, 0.5),
            "root": (float, np.sqrt(2) / 2),
            "twelve": (int, 12),
            "eighth": (float, 0.125),
            "quarter": (float, 0.25),
            "tenth": (float, 0.1),
        }
        for name, (kind, value) in expected.items():
            got = env.get(name)
            assert type(got) is kind and got == value, (name, got)
            assert isinstance(got, (int, float, np.floating))  # the masters' check
        assert env.get("pair") == (1.0, 1.5) and type(env.get("pair")[1]) is float
        assert np.array_equal(env.get("matrix"), [[1.0, 0.5], [0.0, 2.0]])
        assert env.get("matrix").dtype == float and env.get("matrix").shape == (2, 2)
        assert np.array_equal(env.get("objects"), [0.25, 2.0])
        # an M-step returning a (3, 2) array: unpacked as three rows, as the tests do
        x = np.array([-3.0, -1.0, 2.0, 4.0, 6.0])
        resp = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 1]], dtype=float)
        result = env.get("m_step")(x, resp)
        assert type(result) is np.ndarray and result.shape == (3, 2)
        w, m, v = (np.asarray(a, dtype=float) for a in result)
        assert np.allclose(w, [0.4, 0.6]) and np.allclose(m, [-2, 4])
        assert np.allclose(v, [1, 8 / 3])
        # what is not a number stays opaque: equal to nothing, not a float
        for name in ("symbol", "imaginary", "sub"):
            got = env.get(name)
            assert type(got) is transport.Opaque and got != 0.5, (name, got)
        # a later answer graded with a test's reference for the earlier one, for that call only
        later = env.get("uses_helper")
        reference = "import math\n\n\ndef helper(x):\n    return math.sqrt(x)\n\n\nflag = 1\n"
        assert later(9.0) == -2.0
        assert later.with_reference(reference, 9.0) == 6.0
        assert later(9.0) == -2.0  # the notebook's own again
        with pytest.raises(transport.StudentError, match="TypeError"):
            later.with_reference(reference, "nine")
        assert later(9.0) == -2.0
        check = "print(repr((helper(4.0), 'flag' in globals(), 'math' in globals())))"
        (output,) = [o["text"] for o in runner.run(check) if o["output_type"] == "stream"]
        assert output.strip() == "(-1.0, False, False)"  # only its functions stood in
    finally:
        runner.close()


def test_written_answers_are_found_with_or_without_otters_markers():
    md = nbformat.v4.new_markdown_cell
    questions = [
        {"name": "q5", "prompt": "**Question 5 (written).** Why?"},
        {"name": "q6", "prompt": "**Question 6 (written).** How?"},
    ]
    answer = {"tags": ["otter_answer_cell"]}
    # as otter makes the student notebook: markers around each question, a tagged answer cell
    marked = [
        nbformat.v4.new_code_cell("x = 1"),
        md("<!-- BEGIN QUESTION -->\n\n**Question 5 (written).** Why?\n\n_Points:_ 2"),
        md("Because $x = 1$.", metadata=answer),
        md("A second paragraph.", metadata=answer),
        md("<!-- END QUESTION -->\n\n<!-- BEGIN QUESTION -->\n\n**Question 6 (written).** How?"),
        md(child.PLACEHOLDER, metadata=answer),
        md("<!-- END QUESTION -->\n\nThe end."),
    ]
    assert child.written_answers({"cells": marked}, questions) == {
        "q5": "Because $x = 1$.\n\nA second paragraph.",
        "q6": "",  # the placeholder is no answer
    }
    # the solution notebook: the placeholder and the solution, each tagged
    solution = [*marked[:2], md(child.PLACEHOLDER, metadata=answer)]
    solution.append(md("The solution.", metadata={"tags": ["otter_assign_solution_cell"]}))
    found = child.written_answers({"cells": solution}, questions[:1])
    assert found == {"q5": "The solution."}
    # exported from Colab: no tags, the markers in the text
    untagged = [md(c.source) if c.cell_type == "markdown" else c for c in marked]
    found = child.written_answers({"cells": untagged}, questions)
    assert found["q5"] == "Because $x = 1$.\n\nA second paragraph."
    # pasted into a new notebook, without the markers: found by the prompts
    pasted = [
        md("**Question 5 (written).** Why?"),
        md("Mine."),
        nbformat.v4.new_code_cell("y = 2"),
        md("**Question 6 (written).** How?"),
        md("So."),
    ]
    assert child.written_answers({"cells": pasted}, questions) == {"q5": "Mine.", "q6": "So."}
    assert child.written_answers({"cells": []}, questions) == {"q5": "", "q6": ""}


def test_an_interrupted_run_keeps_the_rows_it_graded(generated, tmp_path):  # noqa: F811
    # the first submission is graded; the second runs until `make grade` is interrupted
    subs = tmp_path / "subs"
    subs.mkdir()
    answer = "def bernoulli_mle(x):\n    return sum(x) / len(x)\n"
    tag = str(uuid.uuid4().int % 10**9 + 10**9)
    endless = f"import subprocess, time\nsubprocess.Popen(['sleep', '{tag}'])\ntime.sleep(600)\n"
    for name, source in (("a", answer), ("b", endless)):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nbformat.write(nb, subs / f"{name}.ipynb")
    out = tmp_path / "grades" / "scores.csv"
    cmd = [sys.executable, str(grader.ROOT / "scripts" / "grade.py"), str(subs), "--jobs", "1"]
    cmd += ["--autograder", str(kit.autograder_zip(generated[FIRST.stem])), "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (_lines(out) >= 2 and _sleeping(tag)):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130 and "interrupted" in stderr, stderr
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert [r["student"] for r in rows] == ["a"]
    assert rows[0]["error"] == "" and float(rows[0]["q2"]) > 0 and float(rows[0]["auto_total"]) > 0
    time.sleep(1)
    assert not _sleeping(tag)  # the second submission's processes were killed


def _lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def _sleeping(tag: str) -> bool:
    return any(p.name.isdigit() and f"sleep {tag}" in _cmdline(p) for p in Path("/proc").iterdir())
