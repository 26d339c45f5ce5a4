"""Grade a folder of submitted notebooks, safely and in parallel (`make grade`).

Usage:
  python -m coursekit.grade SUBMISSIONS [--assignment NAME | --autograder ZIP] [--roster CSV]
                            [--out CSV] [--jobs N] [--timeout SECONDS] [--memory GB]
                            [--masters FOLDER]

SUBMISSIONS is a folder of submitted notebooks (`.ipynb`, or the `.zip` files that otter's
export produces), searched recursively, as a learning management system's bulk download
unpacks. The autograder is `--autograder ZIP`, or the zip that `make assignments` wrote for
`--assignment NAME` (dist/assignments/NAME/autograder/; NAME is the master's file name or the
assignment's otter name), or, when neither is given, the one whose assignment name matches the
notebooks' metadata. With `--assignment`, a notebook without otter's metadata (answers pasted
into a new notebook), renamed (`01_likelihood_mle (1).ipynb`) or exported from Colab is graded
like any other; one whose metadata names another assignment is refused.

Without `--roster`, each file is one student, named by its path inside the folder without the
suffix. With `--roster CSV` (:mod:`coursekit.roster` gives the format: an ID column and a name
column, as in a plain `id,name,email` file or the exports of Canvas and Moodle), the files are
matched to the roster's students by their names in the patterns of Canvas and Moodle
downloads; each student of the roster gets a row (0 points and the note "no submission" when
nothing of theirs was found), a file that matches no student gets a row with an empty ID and a
note (and is reported on stderr before grading starts), and a student with several files is
graded on each, keeping the best, with a note naming them.

A submission is untrusted code. Each one is graded in its own child process
(:mod:`coursekit.child`), which

* runs inside a bubblewrap sandbox when ``bwrap`` works on this machine
  (:mod:`coursekit.sandbox`): a read-only view of the system and of the Python environment, a
  fresh private writable folder, no network, and no view of the repository, of the other
  submissions, of the grades or of $HOME. Without bubblewrap, grading still works, but a
  warning is printed and the CSV gets a note beside it (``NAME.csv.txt``) saying that
  submissions were not isolated;
* has a memory cap (``RLIMIT_AS``, for the child and the notebook's kernel) and a wall-clock
  timeout, after which its whole process tree is killed; it then scores 0 with an ``error``
  that says why;
* executes the notebook in a fresh kernel, then runs the public and hidden tests of the
  autograder zip, with otter's own test-file classes, *outside* the student's kernel, on plain
  values copied out of it (:mod:`coursekit.transport`): numbers in any natural form (NumPy
  scalars and 0-d arrays, sympy numbers and numeric expressions) arrive as Python numbers,
  numeric arrays as arrays, and anything else as an opaque stand-in equal to nothing, so
  patched comparisons and equal-to-everything objects score nothing.

Submissions are graded side by side (``--jobs``, default: the number of cores). The CSV
(default dist/grades/NAME.csv) is written as grading proceeds: a row is appended, and
flushed, as each submission is graded, so that an interrupted run keeps what it graded; at the
end it is rewritten in order (the roster's, then the unmatched files' paths; without a roster,
the paths'), the same whatever the number of jobs. Its columns:

  student, auto_total, auto_possible, auto_percent, q1 ... qN, q1_max ... qN_max, [name,]
  file, note, error

``student`` is the roster's ID (empty for an unmatched file) or, without a roster, the path;
``qK_max`` is question K's points. The written questions (otter's ``manual: true``, graded by
hand) have their columns too, left empty for the instructor to fill in; ``auto_total``,
``auto_possible`` and ``auto_percent`` count the auto-graded questions only (the assignment's
points are ``auto_possible`` plus the written questions' maxima). The written questions are
read from the assignment's master (``assignments/NAME.ipynb``, or ``--masters FOLDER``);
``name`` is there with a roster;
``file`` is the graded file; ``note`` says "no submission", "matches no student of the
roster", or which of a student's several files was kept; ``error`` says why a submission could
not be graded (it then scores 0), or, for one that was graded, which set-up cell raised an
exception (a code cell before the first answer, or the first code cell of a notebook without
otter's tags: its failure usually explains the lost points).

Next to it, ``NAME-feedback/`` gets two text files per student: ``instructor/<student>.txt``
with everything (otter's result and message of every test, hidden ones included, the cells
that raised an exception, the package installations skipped; ``instructor/<student>.json``
has the same as data) and ``student/<student>.txt``
with what the student may see: the score, the cells that raised an exception, each public
test's result and message, and each hidden test as "hidden test N: passed/failed", with its
message only when the assignment shows hidden feedback (``show_hidden`` in the autograder's
``otter_config.json``).

For each written question, ``NAME-written/<question>.md`` gathers every student's answer, in the
order of the CSV (the roster's), under the student's name and ID, so that the question can be
graded for the whole class at once.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import zipfile
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from coursekit.child import autograder_config, question_points
from coursekit.paths import ROOT
from coursekit.roster import Roster
from coursekit.sandbox import (
    NOT_ISOLATED,
    SANDBOX_DIR,
    kill_leftovers,
    kill_tree,
    sandbox_available,
    sandbox_command,
)

__all__ = [
    "DEFAULT_MEMORY_GB",
    "DEFAULT_TIMEOUT",
    "ROOT",
    "find_autograder",
    "grade",
    "grade_one",
    "main",
    "master_questions",
    "sandbox_available",
    "submissions_in",
]

DIST = ROOT / "dist" / "assignments"
MASTERS = ROOT / "assignments"

#: Defaults of `make grade`: seconds of wall-clock time and GB of address space per
#: submission. The book's assignments grade in under 10 s each and use well under 1 GB.
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_GB = 4.0


# --------------------------------------------------------------------------- finding things
def submissions_in(folder: Path) -> list[Path]:
    found = [
        p
        for p in sorted(folder.rglob("*"))
        if p.suffix in (".ipynb", ".zip") and p.is_file() and ".ipynb_checkpoints" not in p.parts
    ]
    if not found:
        raise FileNotFoundError(f"no .ipynb or .zip submissions in {folder}")
    return found


def assignment_name_of_zip(ag_zip: Path) -> str | None:
    return autograder_config(ag_zip).get("assignment_name")


def assignment_name_of_notebook(path: Path) -> str | None:
    try:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if n.endswith(".ipynb")]
                nb = json.loads(zf.read(names[0])) if names else {}
        else:
            nb = json.loads(path.read_text())
        return nb.get("metadata", {}).get("otter", {}).get("assignment_name")
    except (ValueError, KeyError, IndexError, AttributeError, zipfile.BadZipFile):
        return None


def find_autograder(name: str | None, subs: list[Path], dist: Path = DIST) -> Path:
    """The autograder zip of the assignment `name` (the master's file name, or the otter
    name in its configuration), or, when `name` is None, of the assignment named in the
    submissions' metadata (those without it are left out)."""
    zips = sorted(dist.glob("*/autograder/*-autograder_*.zip"))
    if name:
        chosen = [z for z in zips if z.parts[-3] == name] or [
            z for z in zips if assignment_name_of_zip(z) == name
        ]
        if not chosen:
            raise FileNotFoundError(f"no autograder for {name!r} in {dist}: run `make assignments`")
        return chosen[-1]
    names = {assignment_name_of_notebook(s) for s in subs} - {None}
    if len(names) != 1:
        raise ValueError(
            "cannot tell which assignment the submissions are for "
            f"(names found in their metadata: {sorted(names)}); pass --assignment or --autograder"
        )
    (wanted,) = names
    chosen = [z for z in zips if assignment_name_of_zip(z) == wanted]
    if not chosen:
        raise FileNotFoundError(
            f"no autograder for the assignment {wanted!r} in {dist}: run `make assignments`"
        )
    return chosen[-1]


def _master_of(ag_zip: Path, masters: Path) -> Path | None:
    """The master of the autograder `ag_zip` in the folder `masters`: the one named like the
    zip (``NAME-autograder_<time>.zip``), or the one whose configuration has the zip's
    assignment name."""
    candidates = sorted(masters.glob("*.ipynb")) if masters.is_dir() else []
    stem = ag_zip.name.split("-autograder_")[0]
    for master in candidates:
        if master.stem == stem:
            return master
    wanted = autograder_config(ag_zip).get("assignment_name")
    for master in candidates:
        try:
            source = json.loads(master.read_text())["cells"][0]["source"]
            source = "".join(source) if isinstance(source, list) else source
            if (yaml.safe_load(source) or {}).get("name") == wanted:
                return master
        except (ValueError, KeyError, IndexError, TypeError, AttributeError, yaml.YAMLError):
            continue
    return None


def master_questions(ag_zip: Path, masters: Path = MASTERS) -> list[dict]:
    """The questions of the autograder's assignment, in order, from its master (trusted, the
    instructor's): each a dict with its ``name``, ``points``, whether it is ``manual`` (a
    written question, graded by hand), its ``prompt`` (the first line of its statement, by
    which a submission's answer is found) and its whole ``statement``. Empty when the master
    is not in `masters`."""
    master = _master_of(ag_zip, masters)
    if master is None:
        return []
    cells = json.loads(master.read_text()).get("cells", [])
    texts = [
        ("".join(c["source"]) if isinstance(c["source"], list) else c["source"], c["cell_type"])
        for c in cells
    ]
    questions = []
    for i, (text, kind) in enumerate(texts):
        if kind != "raw" or not text.startswith("# BEGIN QUESTION"):
            continue
        config = yaml.safe_load(text) or {}
        statement = next((t for t, k in texts[i + 1 :] if k == "markdown"), "").strip()
        prompt = next((line.strip() for line in statement.splitlines() if line.strip()), "")
        questions.append(
            {
                "name": str(config["name"]),
                "points": float(config.get("points") or 0),
                "manual": bool(config.get("manual", False)),
                "prompt": prompt,
                "statement": statement,
            }
        )
    return questions


# --------------------------------------------------------------------------- one submission
class _Running:
    """The child processes grading now, so that an interrupted run can kill them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.procs: set[subprocess.Popen] = set()
        self.stopped = threading.Event()

    def add(self, proc):
        with self.lock:
            self.procs.add(proc)
            if self.stopped.is_set():
                kill_tree(proc)

    def discard(self, proc):
        with self.lock:
            self.procs.discard(proc)

    def stop(self):
        with self.lock:
            self.stopped.set()
            for proc in list(self.procs):
                kill_tree(proc)


def _failed(error: str) -> dict:
    return {
        "scores": {},
        "summary": {},
        "tests": {},
        "cells": [],
        "skipped": [],
        "written": {},
        "error": error,
    }


def grade_one(
    submission: Path,
    ag_zip: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_gb: float = DEFAULT_MEMORY_GB,
    sandbox: bool | None = None,
    hidden: list[Path] = (),
    running: _Running | None = None,
    written: list[dict] = (),
) -> dict:
    """Grade one submission in a child process. The result (:func:`coursekit.child.grade_here`)
    has `scores` ({question: (score, possible)}), `summary`, `tests`, `cells`, `skipped`,
    `written` (the answers to the `written` questions: :func:`master_questions`) and `error`
    (why it could not be graded, or '')."""
    if sandbox is None:
        sandbox = sandbox_available()
    with tempfile.TemporaryDirectory(prefix="grading-") as tmp:
        private = Path(tmp)
        os.chmod(private, 0o700)
        sub_name = "submission" + submission.suffix
        shutil.copy(submission, private / sub_name)
        shutil.copy(ag_zip, private / "autograder.zip")
        where = Path(SANDBOX_DIR) if sandbox else private
        child = [
            sys.executable,
            "-m",
            "coursekit.child",
            str(where / sub_name),
            "--autograder",
            str(where / "autograder.zip"),
            "--memory",
            str(memory_gb),
            "--written",
            json.dumps([{"name": q["name"], "prompt": q["prompt"]} for q in written]),
        ]
        masks = [submission.parent.resolve(), ag_zip.parent.resolve(), *hidden]
        cmd = (sandbox_command(private, masks) if sandbox else []) + child
        env = dict(os.environ)
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = "1"  # a job per core: each kernel on one thread
        home = where / "home"
        (private / "home").mkdir()
        env.update(HOME=str(home), TMPDIR=str(home), JUPYTER_RUNTIME_DIR=str(home / "rt"))
        env.update(MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
        env.pop("PYTHONPATH", None)
        read, write = os.pipe()
        cmd += ["--result-fd", str(write)]
        start = time.monotonic()
        proc = subprocess.Popen(
            cmd,
            cwd=where if not sandbox else None,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(write,),
            start_new_session=True,
        )
        os.close(write)
        if running is not None:
            running.add(proc)
        chunks: list[bytes] = []
        reader = _start_reader(read, chunks)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(proc)
            reader.join(5)
            return _failed(f"timed out after {timeout:g} s (its processes were killed)")
        finally:
            kill_leftovers(proc)
            if running is not None:
                running.discard(proc)
        reader.join(30)
        elapsed = time.monotonic() - start
        try:
            result = json.loads(b"".join(chunks).decode())
        except (ValueError, UnicodeDecodeError):
            tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
            return _failed(
                "the grading process ended without a result (exit status "
                f"{proc.returncode} after {elapsed:.0f} s)"
                + (": " + " | ".join(tail) if tail else "")
            )
        out = _failed(str(result.get("error", "")))
        keys = ("summary", "tests", "cells", "skipped", "written")
        out.update({k: result[k] for k in keys if k in result})
        out["written"] = {str(k): str(v) for k, v in dict(out["written"]).items()}
        out["scores"] = {q: (float(s), float(p)) for q, (s, p) in result.get("scores", {}).items()}
        return out


def _start_reader(fd: int, chunks: list[bytes]):
    def run():
        with os.fdopen(fd, "rb") as f:
            while block := f.read(65536):
                chunks.append(block)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# --------------------------------------------------------------------------- the class
@dataclass
class _Entry:
    """A row of the CSV: a student of the roster, an unmatched file, or (without a roster)
    a file; with the files that belong to it and, once graded, their results."""

    student: str
    label: str
    name: str | None = None
    files: list[str] = field(default_factory=list)
    note: str = ""
    results: dict[str, dict] = field(default_factory=dict)


def _plan(folder: Path, subs: list[Path], roster: Roster | None) -> list[_Entry]:
    """The rows of the CSV, in order, and the files each one is graded from."""
    paths = [s.relative_to(folder).as_posix() for s in subs]
    if roster is None:
        return [_Entry(p.rsplit(".", 1)[0], p.rsplit(".", 1)[0], files=[p]) for p in paths]
    entries = {s.id: _Entry(s.id, f"{s.name} ({s.id})", s.name) for s in roster.students}
    unmatched = []
    for path in paths:
        match = roster.match(path)
        if match.student is None:
            unmatched.append(_Entry("", path.rsplit(".", 1)[0], "", [path], match.note))
        else:
            entries[match.student.id].files.append(path)
    return list(entries.values()) + unmatched


def _kept(entry: _Entry) -> str | None:
    """The file a row reports: its best-scoring graded file (the first, when they tie)."""
    graded = [f for f in entry.files if f in entry.results]
    if not graded:
        return None
    return max(graded, key=lambda f: (_total(entry.results[f]), -graded.index(f)))


def _total(result: dict) -> float:
    return 0.0 if result["error"] else sum(s for s, _ in result["scores"].values())


def _setup_error(result: dict) -> str:
    errors = [c for c in result.get("cells", []) if c.get("setup")]
    if not errors:
        return ""
    first = errors[0]
    more = f" (and {len(errors) - 1} more set-up cells)" if len(errors) > 1 else ""
    return f"cell {first['cell']} raised {first['ename']}: {first['evalue']}{more}"


def _order(points: dict[str, float], written: list[dict], order: list[str]) -> list[str]:
    """The questions' columns: in the master's order, then any auto-graded question it lacks."""
    known = set(points) | {q["name"] for q in written}
    return [q for q in order if q in known] + [
        q for q in [*points, *(q["name"] for q in written)] if q not in order
    ]


def _row(
    entry: _Entry,
    points: dict[str, float],
    with_name: bool,
    written: list[dict] = (),
    order: list[str] = (),
) -> dict:
    possible = sum(points.values())
    kept = _kept(entry)
    result = entry.results.get(kept) if kept else None
    row = {"student": entry.student}
    scores = dict.fromkeys(points, 0.0)
    if result and not result["error"]:
        scores.update({q: s for q, (s, _) in result["scores"].items() if q in scores})
    total = sum(scores.values())
    row.update(auto_total=total, auto_possible=possible)
    row["auto_percent"] = round(100 * total / possible, 2) if possible else 0.0
    maxima = {**points, **{q["name"]: q["points"] for q in written}}
    columns = _order(points, written, list(order))
    row.update({q: scores.get(q, "") for q in columns})  # written questions: by hand
    row.update({f"{q}_max": maxima[q] for q in columns})
    if with_name:
        row["name"] = entry.name or ""
    row["file"] = kept or ""
    notes = [entry.note] if entry.note else []
    if not entry.files:
        notes.append("no submission")
    elif len(entry.files) > 1:
        listed = ", ".join(
            f"{f} ({_total(entry.results[f]):g})" if f in entry.results else f for f in entry.files
        )
        notes.append(f"{len(entry.files)} files: {listed}; the best is kept")
    row["note"] = "; ".join(notes)
    row["error"] = (result["error"] or _setup_error(result)) if result else ""
    return row


def _columns(
    points: dict[str, float], with_name: bool, written: list[dict] = (), order: list[str] = ()
) -> list[str]:
    questions = _order(points, written, list(order))
    return (
        ["student", "auto_total", "auto_possible", "auto_percent", *questions]
        + [f"{q}_max" for q in questions]
        + (["name"] if with_name else [])
        + ["file", "note", "error"]
    )


def _file_name(entry: _Entry) -> str:
    """The stem of a row's feedback files: the student's ID, or the file's path."""
    name = (entry.student or entry.label).replace("/", "__").replace("\\", "__")
    return "_" + name[1:] if name.startswith(".") else name


def _record(entry: _Entry) -> str:
    """A row's results as data (`instructor/<student>.json`): for each graded file, the
    scores, every test's result and message, the cells that raised an exception."""
    record = {"student": entry.student, "name": entry.name, "note": entry.note}
    record["files"] = {path: entry.results.get(path) for path in entry.files}
    return json.dumps(record, indent=1, ensure_ascii=False) + "\n"


def _cell_lines(cells: list[dict]) -> list[str]:
    return [f"  cell {c['cell']} (`{c['first_line']}`): {c['ename']}: {c['evalue']}" for c in cells]


def instructor_feedback(entry: _Entry, points: dict[str, float], written: list[dict] = ()) -> str:
    """Everything about a row: each graded file's errors, otter's summary of every test and
    the answers to the written questions."""
    possible = sum(points.values())
    kept = _kept(entry)
    row_total = _total(entry.results[kept]) if kept else 0.0
    lines = [f"{entry.label}: {row_total:g} / {possible:g} auto-graded points"]
    if written:
        by_hand = sum(q["points"] for q in written)
        lines[0] += f", and {by_hand:g} points of written questions to grade by hand"
    if entry.note:
        lines.append(f"note: {entry.note}")
    if not entry.files:
        lines.append("no submission")
    for path in entry.files:
        result = entry.results.get(path)
        kept_mark = " (kept)" if len(entry.files) > 1 and path == kept else ""
        lines += ["", f"file: {path}{kept_mark}"]
        if result is None:
            lines.append("not graded")
            continue
        if len(entry.files) > 1:
            lines.append(f"score: {_total(result):g} / {possible:g}")
        if result["error"]:
            lines.append(f"could not be graded: {result['error']}")
        if result["cells"]:
            lines += ["cells that raised an exception when the notebook ran:"]
            lines += _cell_lines(result["cells"])
        if result["skipped"]:
            lines += ["package installations skipped while grading:"]
            lines += [f"  {s}" for s in result["skipped"]]
        summaries = list(result["summary"].values())
        if summaries:
            lines += ["", "\n\n".join(summaries)]
        for question in written:
            answer = result.get("written", {}).get(question["name"], "")
            lines += ["", f"{question['name']} (written, {question['points']:g} points):"]
            lines.append(textwrap.indent(answer, "    ") if answer else "    (no answer)")
    return "\n".join(lines) + "\n"


def student_feedback(
    result: dict | None,
    points: dict[str, float],
    assignment: str,
    show_hidden: bool,
    written: list[dict] = (),
    order: list[str] = (),
) -> str:
    """What a student may see of the `result` of grading their file (None: nothing was
    graded): the score, the cells of their notebook that raised an exception, each public
    test's result and message, each hidden test's result, with its message (the exception,
    not the test's code) only when `show_hidden`, and whether an answer to each `written`
    question was found (those are graded by hand)."""
    possible = sum(points.values())
    total = _total(result) if result else 0.0
    lines = [f"{assignment}: {total:g} / {possible:g} points"]
    if written:
        by_hand = sum(q["points"] for q in written)
        lines[0] += f" for the auto-graded questions; written questions: {by_hand:g} points"
    if result is None:
        return "\n".join(lines + ["No submission was graded."]) + "\n"
    if result["error"]:
        lines.append(f"Your notebook could not be graded: {result['error']}")
    if result["cells"]:
        lines += ["", "Cells of your notebook that raised an exception when it ran:"]
        lines += _cell_lines(result["cells"])
    if result["skipped"]:
        lines += ["", "Not run while grading (the grader has the packages it needs):"]
        lines += [f"  {s}" for s in result["skipped"]]
    manual = {q["name"]: q for q in written}
    for question in _order(points, written, list(order)):
        if question in manual:
            found = bool(result.get("written", {}).get(question))
            lines += [
                "",
                f"{question}: written, {manual[question]['points']:g} points, graded by hand",
                "  your answer was received" if found else "  no answer was found",
            ]
            continue
        possible_q = points[question]
        score = result["scores"].get(question, (0.0, possible_q))[0] if not result["error"] else 0
        lines += ["", f"{question}: {score:g} / {possible_q:g} points"]
        public = hidden = 0
        for test in result["tests"].get(question, []):
            if test["hidden"]:
                hidden += 1
                name = f"hidden test {hidden}"
                message = test["short"] if show_hidden else ""
            else:
                public += 1
                name = f"public test {public}"
                message = test["message"]
            lines.append(f"  {name}: {'passed' if test['passed'] else 'failed'}")
            if message and not test["passed"]:
                lines.append(textwrap.indent(message.strip(), "      "))
    return "\n".join(lines) + "\n"


class _Writer:
    """The CSV and the feedback files, written as grading proceeds and rewritten at the end."""

    def __init__(self, out_csv: Path, columns: list[str]):
        self.out_csv, self.columns = out_csv, columns
        self.feedback = out_csv.with_name(out_csv.stem + "-feedback")
        for part in ("student", "instructor"):
            shutil.rmtree(self.feedback / part, ignore_errors=True)
            (self.feedback / part).mkdir(parents=True)
        self.lock = threading.RLock()
        self.file = out_csv.open("w", newline="")
        self.csv = csv.DictWriter(self.file, fieldnames=columns)
        self.csv.writeheader()
        self.file.flush()

    def feedback_of(
        self,
        entry: _Entry,
        points,
        assignment: str,
        show_hidden: bool,
        written: list[dict] = (),
        order: list[str] = (),
    ) -> None:
        name = _file_name(entry)
        kept = _kept(entry)
        result = entry.results[kept] if kept else None
        student = student_feedback(result, points, assignment, show_hidden, written, order)
        (self.feedback / "student" / f"{name}.txt").write_text(student)
        (self.feedback / "instructor" / f"{name}.txt").write_text(
            instructor_feedback(entry, points, written)
        )
        (self.feedback / "instructor" / f"{name}.json").write_text(_record(entry))

    def progress(self, row: dict) -> None:
        with self.lock:
            self.csv.writerow(row)
            self.file.flush()

    def close(self) -> None:
        with self.lock:
            self.file.close()

    def written(self, entries: list[_Entry], written: list[dict]) -> Path | None:
        """``NAME-written/<question>.md`` for each written question: every row's answer, in
        the rows' order."""
        folder = self.out_csv.with_name(self.out_csv.stem + "-written")
        shutil.rmtree(folder, ignore_errors=True)
        if not written:
            return None
        folder.mkdir(parents=True)
        for question in written:
            lines = [
                f"# {question['name']} ({question['points']:g} points)",
                "",
                question["statement"],
                "",
                f"The answers of {len(entries)} rows of {self.out_csv.name}, in its order. "
                f"Enter each one's points in its column {question['name']}.",
            ]
            for entry in entries:
                kept = _kept(entry)
                result = entry.results.get(kept) if kept else None
                lines += ["", "---", "", f"## {entry.label}", ""]
                if result is None:
                    lines.append("*(no submission)*")
                    continue
                lines += [f"file: `{kept}`", ""]
                answer = result.get("written", {}).get(question["name"], "")
                if answer:
                    lines.append(answer)
                elif result["error"] and not result.get("written"):
                    lines.append(f"*(could not be read: {result['error']})*")
                else:
                    lines.append("*(no answer)*")
            (folder / f"{question['name']}.md").write_text("\n".join(lines) + "\n")
        return folder

    def final(self, rows: list[dict]) -> None:
        self.close()
        partial = self.out_csv.with_name(self.out_csv.name + ".part")
        with partial.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns)
            writer.writeheader()
            writer.writerows(rows)
        os.replace(partial, self.out_csv)


def grade(
    folder: Path,
    ag_zip: Path,
    out_csv: Path,
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_gb: float = DEFAULT_MEMORY_GB,
    sandbox: bool | None = None,
    roster: Roster | Path | None = None,
    masters: Path = MASTERS,
) -> list[dict]:
    """Grade every submission in ``folder``; write and return the rows of the CSV (see the
    module's documentation), and the written questions' answers next to it. An interrupt
    (KeyboardInterrupt) kills the submissions being graded and leaves the CSV with the rows
    graded so far."""
    subs = submissions_in(folder)
    if roster is not None and not isinstance(roster, Roster):
        roster = Roster.read(roster)
    if sandbox is None:
        sandbox = sandbox_available()
    points = question_points(ag_zip)
    config = autograder_config(ag_zip)
    assignment = config.get("assignment_name") or ag_zip.name.split("-autograder_")[0]
    show_hidden = bool(config.get("show_hidden", False))
    questions = master_questions(ag_zip, masters)
    written = [q for q in questions if q["manual"]]
    order = [q["name"] for q in questions]
    entries = _plan(folder, subs, roster)
    for entry in entries:
        if entry.note:
            print(f"not in the roster: {entry.files[0]} ({entry.note})", file=sys.stderr)
    with_name = roster is not None
    columns = _columns(points, with_name, written, order)

    out_csv.parent.mkdir(parents=True, exist_ok=True)
    note = out_csv.with_name(out_csv.name + ".txt")
    if not sandbox:
        print(NOT_ISOLATED, file=sys.stderr, flush=True)
        note.write_text(NOT_ISOLATED + "\n")
    writer = _Writer(out_csv, columns)
    owner = {path: entry for entry in entries for path in entry.files}
    jobs = max(1, jobs or os.cpu_count() or 1)
    hidden = [folder.resolve(), out_csv.parent.resolve()]
    if roster is not None and roster.path is not None:
        hidden.append(roster.path.resolve())  # the class's names are not for submissions
    running = _Running()

    def one(path: str) -> None:
        if running.stopped.is_set():
            return
        print(f"grading {path}", flush=True)
        try:
            result = grade_one(
                folder / path,
                ag_zip,
                timeout=timeout,
                memory_gb=memory_gb,
                sandbox=sandbox,
                hidden=hidden,
                running=running,
                written=written,
            )
        except Exception as exc:  # e.g. the file vanished: one student's error, not the class's
            result = _failed(f"{type(exc).__name__}: {exc}")
        if running.stopped.is_set():
            return  # interrupted: not graded
        entry = owner[path]
        with writer.lock:  # a student's several files may finish at once
            entry.results[path] = result
            writer.feedback_of(entry, points, assignment, show_hidden, written, order)
            writer.progress(_row(entry, points, with_name, written, order))

    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        pending = {pool.submit(one, p) for e in entries for p in e.files}
        while pending:
            done, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()
    except BaseException:
        running.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        writer.close()
        raise
    pool.shutdown(wait=True)

    rows = [_row(entry, points, with_name, written, order) for entry in entries]
    for entry in entries:
        writer.feedback_of(entry, points, assignment, show_hidden, written, order)
    writer.written(entries, written)
    writer.final(rows)
    if sandbox:
        note.unlink(missing_ok=True)
    return rows


# --------------------------------------------------------------------------- the command
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", type=Path, help="folder of submitted notebooks")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--assignment", help="assignment name, e.g. 01_likelihood_mle")
    which.add_argument("--autograder", type=Path, help="path to an autograder zip")
    parser.add_argument("--roster", type=Path, help="CSV of the class: an ID and a name column")
    parser.add_argument("--out", type=Path, help="CSV to write (default: dist/grades/NAME.csv)")
    parser.add_argument("--jobs", type=int, default=0, help="submissions graded at once")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds")
    parser.add_argument("--memory", type=float, default=DEFAULT_MEMORY_GB, help="GB")
    parser.add_argument(
        "--masters",
        type=Path,
        default=MASTERS,
        help="folder of the assignments' masters, which name the written questions",
    )
    args = parser.parse_args(argv)

    try:
        subs = submissions_in(args.submissions)
        roster = Roster.read(args.roster) if args.roster else None
        ag_zip = args.autograder or find_autograder(args.assignment, subs)
    except (OSError, ValueError) as exc:  # no submissions, a bad roster, no autograder
        parser.error(str(exc))
    name = ag_zip.name.split("-autograder_")[0]
    out = args.out or ROOT / "dist" / "grades" / f"{name}.csv"
    jobs = args.jobs or os.cpu_count() or 1
    isolated = "sandboxed (bubblewrap)" if sandbox_available() else "NOT isolated"
    print(
        f"grading {len(subs)} submissions against {ag_zip}: {jobs} at a time, "
        f"{args.timeout:g} s and {args.memory:g} GB each, {isolated}"
        + (f"; roster {args.roster} ({len(roster.students)} students)" if roster else ""),
        flush=True,
    )

    def terminate(signum, frame):
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, terminate) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        rows = grade(
            args.submissions,
            ag_zip,
            out,
            jobs=jobs,
            timeout=args.timeout,
            memory_gb=args.memory,
            roster=roster,
            masters=args.masters,
        )
    except KeyboardInterrupt:
        print(f"interrupted: {out} holds the submissions graded so far", file=sys.stderr)
        return 130
    finally:
        for sig, handler in previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(sig, handler)
    errors = [r["student"] or r["file"] for r in rows if r["error"]]
    missing = [r["student"] for r in rows if r["note"] == "no submission"]
    print(
        f"wrote {out} ({len(rows)} rows"
        + (f"; see the error column of {', '.join(errors)}" if errors else "")
        + (f"; without a submission: {len(missing)}" if missing else "")
        + ")"
    )
    written = out.with_name(out.stem + "-written")
    if written.is_dir():
        files = ", ".join(sorted(p.name for p in written.glob("*.md")))
        print(f"written questions, to grade by hand: {written} ({files})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
