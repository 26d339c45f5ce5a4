"""The grader survives a real class (coursekit/grade.py, `make grade`).

Hostile submissions of the first assignment are graded in one call, two at a time, with short
limits: an endless loop (it times out and its processes are killed), a kernel that exits, a
memory hog, a notebook that tries to delete another submission, to write into $HOME and to
read the repository and the grades, and to open network connections. Each of
them is the solution notebook plus the hostile cell, so the ones that are contained score full
marks and the others score 0 with an error that says why; the typical mistake with the
comparisons patched scores no more than without. Answers equal to everything, with the
comparisons patched, are graded with every assignment's other submissions
(tests/test_assignments.py) and checked here.
A parallel grading writes the same CSV as a serial one.

The sandbox tests are skipped where bubblewrap cannot run, unless MLEBOOK_REQUIRE_SANDBOX=1
(CI sets it), which makes its absence a failure.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import threading
import uuid
from pathlib import Path

import nbformat
import pytest
from test_assignments import (  # noqa: F401  (generated, graded: fixtures)
    MASTERS,
    MISTAKES,
    PATCH_COMPARISONS,
    fill_in,
    generated,
    graded,
    kit,
)

from coursekit import grade as grader

FIRST = MASTERS[0]
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
            "    bernoulli_loglik = bernoulli_mle = gaussian_mle = None\n",
            False,
        ),
    }
    for name, (source, first) in cells.items():
        nbformat.write(with_cell(solution, source, first), subs / f"{name}.ipynb")
    # the typical mistake, with the comparisons patched (tests/test_assignments.py)
    student = nbformat.read(result / "student" / FIRST.name, as_version=4)
    mistake = fill_in(student, nbformat.read(solution, as_version=4), MISTAKES[FIRST.stem])
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
    return row["error"] == "" and float(row["total"]) == float(row["possible"]) > 0


def test_a_submission_past_the_timeout_scores_zero_and_its_processes_are_killed(hostile):
    row = hostile["rows"]["loop"]
    assert float(row["total"]) == 0 and float(row["possible"]) > 0
    assert row["error"].startswith(f"timed out after {TIMEOUT:g} s"), row["error"]
    assert not hostile["leftovers"], hostile["leftovers"]
    # and the rest of the class was graded
    assert hostile["rows"]["mistake_patched"]["error"] == ""
    assert float(hostile["rows"]["mistake_patched"]["total"]) > 0


def test_a_kernel_that_exits_scores_zero_with_its_error(hostile):
    row = hostile["rows"]["exit"]
    assert float(row["total"]) == 0
    assert "kernel died" in row["error"], row["error"]


def test_a_memory_hog_scores_zero_with_a_clear_error(hostile):
    row = hostile["rows"]["hog"]
    assert float(row["total"]) == 0
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
    honest = graded[FIRST.stem][0]["mistake"]
    assert patched["error"] == "" and 0 < float(patched["total"]) < float(patched["possible"])
    for question in (k for k in honest if k.startswith("q")):
        assert float(patched[question]) <= float(honest[question]), question


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_answers_equal_to_everything_score_nothing(graded, master):  # noqa: F811
    # the student notebook as handed out scores 0; with answers that equal everything and
    # every comparison patched, it still does
    rows, feedback = graded[master.stem]
    assert float(rows["empty"]["total"]) == 0
    assert float(rows["anything"]["total"]) == 0, feedback["anything"]
    assert "not a plain value" in feedback["anything"], feedback["anything"]


def test_grading_in_parallel_writes_the_same_csv_as_grading_serially(generated, tmp_path):  # noqa: F811
    # small submissions (one answer each, right or wrong) and a broken file, in subfolders
    result = generated[FIRST.stem]
    metadata = nbformat.read(result / "student" / FIRST.name, as_version=4).metadata
    answers = {
        "b/right": "def bernoulli_mle(x):\n    return float(sum(x) / len(x))\n",
        "a/wrong": "def bernoulli_mle(x):\n    return 0.5\n",
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
    assert rows[0]["error"] and rows[0]["total"] == 0
    assert "WITHOUT isolation" in capsys.readouterr().err
    assert "WITHOUT isolation" in (tmp_path / "grades" / "scores.csv.txt").read_text()
