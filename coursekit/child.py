"""What runs inside the sandbox: one submission, executed and graded.

``python -m coursekit.child SUBMISSION --autograder ZIP --memory GB --result-fd FD`` is the
command :func:`coursekit.grade.grade_one` starts (inside bubblewrap where it works). It caps
its own memory, executes the submitted notebook in a fresh kernel, runs the autograder's tests
in this process against plain copies of the kernel's values (:mod:`coursekit.transport`) and
writes the result as JSON to the pipe ``FD``, which the kernel does not inherit.

The notebook is prepared the way otter prepares it for grading, and made to run wherever it
was written:

* cells tagged ``otter_ignore`` are dropped, and the seed variable is set at the top of every
  code cell;
* the notebook's ``otter.Notebook(...)`` gets a stand-in that does nothing
  (:data:`OTTER_STAND_IN`): otter's own reads the notebook file named in its first cell, which
  fails when the file was renamed (``01_likelihood_mle (1).ipynb``) or run on Colab, and the
  grader runs every test itself anyway;
* package installations (``!pip install``, ``%pip install``, conda and mamba) are skipped:
  the grader's environment has the packages, and a submission must not change it;
* a notebook without otter's metadata, or with a different file name, is graded against the
  autograder it was given; one whose metadata names another assignment is refused.

The result lists, besides the scores and otter's summary of each question, every test's
result (public or hidden), every cell that raised an exception, for the feedback
(:mod:`coursekit.grade`), and the answers to the written questions (``--written``: the
questions graded by hand, whose Markdown answers the grader gathers for the instructor).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import sys
import warnings
import zipfile
from pathlib import Path

from coursekit.sandbox import descendants
from coursekit.transport import GradingAborted, Kernel, KernelDied, Namespace, out_of_memory

#: Runs in the kernel before the notebook: the student notebook's `grader = otter.Notebook()`
#: and `grader.check(...)` cells run the public tests for the student; while grading, the
#: grader runs every test itself, so they get a stand-in that does nothing (and the kernel
#: does not spend two seconds importing otter, nor reads the notebook file by its name).
OTTER_STAND_IN = """\
import sys as _sys
import types as _types


class _OtterNotebook:
    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


_sys.modules.setdefault("otter", _types.ModuleType("otter")).Notebook = _OtterNotebook
del _sys, _types
"""

#: The tags of the answer cells: in the student notebook, and in the solution notebook.
ANSWER_TAGS = frozenset({"otter_answer_cell", "otter_assign_solution_cell"})

#: A line that installs packages (`!pip install`, `%pip install`, `!python -m pip install`,
#: `%conda install`, ...): skipped while grading.
INSTALL_LINE = re.compile(
    r"^(?P<indent>[ \t]*)[!%]\s*"
    r"(?:(?:\S*python[\d.]*|\{sys\.executable\})\s+-m\s+)?"
    r"(?:pip[\d.]*|conda|mamba|micromamba|uv\s+pip)\s+install\b.*$",
    flags=re.M,
)


# --------------------------------------------------------------------------- otter's tests
@contextlib.contextmanager
def otter_test_files():
    """otter's exception-based test-file class (the scoring and the feedback of `otter run`),
    imported without the rest of otter, which takes seconds to import (nbformat's validator,
    the exporters) and is not needed here. Where otter itself was not imported, the skeleton
    packages made for this are removed again on exit."""
    import importlib.util
    import types

    made = []
    if "otter" not in sys.modules:
        location = importlib.util.find_spec("otter").submodule_search_locations[0]
        for name, path in (("otter", location), ("otter.test_files", f"{location}/test_files")):
            package = types.ModuleType(name)
            package.__path__ = [path]
            sys.modules[name] = package
            made.append(name)
    try:
        from otter.test_files.exception_test import ExceptionTestFile, test_case

        sys.modules["otter.test_files"].test_case = test_case  # what the test files import
        yield ExceptionTestFile
    finally:
        if made:
            for name in [n for n in sys.modules if n == "otter" or n.startswith("otter.")]:
                del sys.modules[name]


def _natural(name: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def autograder_config(ag_zip: Path) -> dict:
    """The autograder's ``otter_config.json``: the assignment's name, the seed, ``show_hidden``."""
    with zipfile.ZipFile(ag_zip) as zf:
        return json.loads(zf.read("otter_config.json"))


def autograder_tests(zf: zipfile.ZipFile) -> dict[str, str]:
    """The sources of the autograder's test files, by path, in the questions' natural order
    (q2 before q10)."""
    names = [n for n in zf.namelist() if n.startswith("tests/") and n.endswith(".py")]
    return {n: zf.read(n).decode() for n in sorted(names, key=_natural)}


def question_points(ag_zip: Path) -> dict[str, float]:
    """Each question's points, in order, as otter scores them (the instructor's zip: trusted)."""
    with zipfile.ZipFile(ag_zip) as zf:
        tests = autograder_tests(zf)
    with otter_test_files() as test_file_class:
        files = [test_file_class.from_string(src, path=path) for path, src in tests.items()]
    return {tf.name: float(tf.possible) for tf in files}


# --------------------------------------------------------------------------- the notebook
def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _tags(cell) -> list[str]:
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= 60 else line[:57] + "..."
    return ""


def read_notebook(submission: Path) -> dict:
    """The notebook of a submission (a notebook, or the zip of otter's export)."""
    if submission.suffix == ".zip":
        with zipfile.ZipFile(submission) as zf:
            notebooks = [n for n in zf.namelist() if n.endswith(".ipynb")]
            if len(notebooks) != 1:
                raise ValueError(f"expected one notebook in the zip, found {len(notebooks)}")
            nb = json.loads(zf.read(notebooks[0]).decode())
    else:
        nb = json.loads(submission.read_text())
    if not isinstance(nb, dict) or nb.get("nbformat") != 4:
        raise ValueError("not a notebook of format version 4")
    return nb


def check_assignment(nb: dict, config: dict) -> None:
    """Refuse a notebook whose otter metadata names another assignment. A notebook without the
    name (answers pasted into a new notebook, an export from Colab) is graded against the
    autograder it was given (`--assignment`)."""
    wanted = config.get("assignment_name")
    otter_meta = nb.get("metadata", {}).get("otter", {})
    got = otter_meta.get("assignment_name") if isinstance(otter_meta, dict) else None
    if wanted and got and got != wanted:
        raise ValueError(f"received a submission for assignment {got!r}; this is {wanted!r}")


#: The text otter puts in a written question's answer cell of the student notebook.
PLACEHOLDER = "_Type your answer here, replacing this text._"

#: The markers otter puts around a written (manual) question in the notebooks it generates,
#: in the Markdown of the question's prompt and of the cell after its answer.
BEGIN_WRITTEN, END_WRITTEN = "<!-- BEGIN QUESTION -->", "<!-- END QUESTION -->"

#: The longest answer kept for one written question, in characters.
MAX_WRITTEN = 20_000


def _answer_text(cells: list[dict]) -> str:
    parts = []
    for cell in cells:
        text = _source(cell).replace(BEGIN_WRITTEN, "").replace(END_WRITTEN, "").strip()
        if text and text != PLACEHOLDER:
            parts.append(text)
    answer = "\n\n".join(parts)
    return answer if len(answer) <= MAX_WRITTEN else answer[:MAX_WRITTEN] + " [...]"


def written_answers(nb: dict, questions: list[dict]) -> dict[str, str]:
    """The answers of a notebook to its written questions, by name (``""``: none found).

    ``questions`` are the assignment's written questions in order, each with its ``name`` and
    ``prompt``, the first line of its statement. otter marks each written question of the
    notebooks it generates: its prompt cell begins with ``<!-- BEGIN QUESTION -->`` and the cell
    after its answer with ``<!-- END QUESTION -->``; the answer is the Markdown between them
    (the cells tagged as answers, when there are such: in the solution notebook, the solution).
    A notebook without the markers (answers pasted into a new notebook) is read by the
    prompts: the answer is the Markdown after the cell that holds the prompt, up to the next
    code cell or question. The placeholder otter writes into an answer cell is no answer."""
    cells = [c for c in nb.get("cells", []) if isinstance(c, dict)]
    regions, current = [], None
    for cell in cells:
        text = _source(cell)
        if current is not None and (END_WRITTEN in text or BEGIN_WRITTEN in text):
            regions.append(current)
            current = None
        if BEGIN_WRITTEN in text and cell.get("cell_type") == "markdown":
            current = [cell]
        elif current is not None:
            current.append(cell)
    if current is not None:
        regions.append(current)

    def answer_of(region: list[dict]) -> str:
        body = [c for c in region[1:] if c.get("cell_type") == "markdown"]
        tagged = [c for c in body if ANSWER_TAGS.intersection(_tags(c))]
        return _answer_text(tagged or body)

    answers = {}
    unclaimed = list(regions)
    for question in questions:
        prompt = question.get("prompt", "")
        found = [r for r in unclaimed if prompt and prompt in _source(r[0])]
        if found:
            unclaimed.remove(found[0])
            answers[question["name"]] = answer_of(found[0])
            continue
        # no marked region with the prompt: the prompt's cell, then the Markdown after it
        start = next((i for i, c in enumerate(cells) if prompt and prompt in _source(c)), None)
        if start is None:
            answers[question["name"]] = ""
            continue
        after = []
        for cell in cells[start + 1 :]:
            if cell.get("cell_type") == "code" or "**Question" in _source(cell):
                break
            after.append(cell)
        answers[question["name"]] = _answer_text(after)
    return answers


def code_cells(nb: dict, config: dict) -> tuple[list[dict], list[str]]:
    """The code cells to run, as otter prepares a notebook for grading (cells tagged
    otter_ignore dropped, the seed set at the top of each), with package installations skipped;
    and the installation lines skipped. Each cell is a dict: its number in the notebook
    (`cell`, from 1), its number among the code cells (`code`), whether it sets up the
    notebook (`setup`: a cell before the first answer cell, or the first code cell of a
    notebook whose answer cells are not tagged), its first line and its source to run."""
    seed, seed_var = config.get("seed"), config.get("seed_variable")
    cells, skipped = [], []
    answered = False
    tagged = any(ANSWER_TAGS.intersection(_tags(c)) for c in nb.get("cells", []))
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        tags = _tags(cell)
        if "otter_ignore" in tags:
            continue
        original = _source(cell)
        answered = answered or bool(ANSWER_TAGS.intersection(tags))
        source, count = INSTALL_LINE.subn(r"\g<indent>pass", original)
        if count:
            skipped += [
                f"cell {number}: {m.group(0).strip()}" for m in INSTALL_LINE.finditer(original)
            ]
        if seed is not None and seed_var and not source.startswith("%%"):
            source = f"{seed_var} = {seed}\n{source}"
        setup = not answered if tagged else not cells
        cells.append(
            {
                "cell": number,
                "code": len(cells) + 1,
                "setup": setup,
                "first_line": _first_line(original),
                "source": source,
            }
        )
    return cells, skipped


def _cell_errors(cell: dict, outputs: list[dict]) -> list[dict]:
    errors = []
    for out in outputs:
        if out.get("output_type") == "error":
            value = str(out.get("evalue", ""))
            errors.append(
                {
                    "cell": cell["cell"],
                    "code": cell["code"],
                    "setup": cell["setup"],
                    "first_line": cell["first_line"],
                    "ename": str(out.get("ename", "")),
                    "evalue": value if len(value) <= 300 else value[:297] + "...",
                }
            )
    return errors


class Runner:
    """A kernel started with jupyter_client, running code and collecting its outputs (the
    stream text and the errors), with a check every half second that it is still alive."""

    def __init__(self, cwd: Path):
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=300)

    def run(self, code: str) -> list[dict]:
        import queue

        msg_id = self.kc.execute(code, store_history=False, allow_stdin=False)
        outputs: list[dict] = []
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                if not self.km.is_alive():
                    raise KernelDied from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                outputs.append({"output_type": "stream", **content})
            elif kind == "error":
                outputs.append({"output_type": "error", **content})
            elif kind == "status" and content["execution_state"] == "idle":
                return outputs

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
            self.km.shutdown_kernel(now=True)


def _short(message: str) -> str:
    """The exception of a failed test, without the test's source line: otter's message is
    '❌ Test case failed', 'Error at line N in test q1:', the line, then 'Type: message'."""
    lines = (message or "").strip().split("\n")
    return "\n".join(lines[3:]).strip() if len(lines) > 3 else lines[-1].strip()


def grade_here(submission: Path, ag_zip: Path, memory_gb: float, written: list[dict] = ()) -> dict:
    """Execute the submission in a kernel and run the autograder's tests against it, the
    tests in this process. The result: `scores` ({question: [score, possible]}), `summary`
    (otter's text for each question), `tests` (each test's `hidden`, `passed`, `message` and
    `short` message, by question), `cells` (the cells that raised an exception), `skipped`
    (the installation lines not run), `written` (the answers to the `written` questions, by
    name: :func:`written_answers`) and `error` (why it could not be graded, or '')."""
    result = {
        "scores": {},
        "summary": {},
        "tests": {},
        "cells": [],
        "skipped": [],
        "written": {},
        "error": "",
    }
    work = submission.parent / "work"
    work.mkdir()
    with zipfile.ZipFile(ag_zip) as zf:
        config = json.loads(zf.read("otter_config.json"))
        tests = autograder_tests(zf)
        for name in zf.namelist():  # the support files (mlebook) go next to the notebook
            if name.startswith("files/") and not name.endswith("/"):
                target = work / name[len("files/") :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(name))
    ag_zip.unlink()  # the kernel gets no copy of the hidden tests
    try:
        nb = read_notebook(submission)
    finally:
        submission.unlink()
    result["written"] = written_answers(nb, list(written))
    check_assignment(nb, config)
    cells, result["skipped"] = code_cells(nb, config)

    runner = Runner(work)
    try:
        runner.run(OTTER_STAND_IN)
        for cell in cells:
            try:
                outputs = runner.run(cell["source"])
            except KernelDied:
                result["error"] = (
                    f"the kernel died while running the notebook (cell {cell['cell']})"
                )
                return result
            if out_of_memory(outputs):
                result["error"] = (
                    f"ran out of memory: the submission tried to use more than the cap "
                    f"of {memory_gb:g} GB (a MemoryError in cell {cell['cell']})"
                )
                return result
            result["cells"] += _cell_errors(cell, outputs)
        try:
            kernel = Kernel(runner, memory_gb)
            env = Namespace(kernel)
            files = []
            with otter_test_files() as test_file_class:
                for path, source in tests.items():
                    test_file = test_file_class.from_string(source, path=path)
                    test_file.run(env)
                    files.append(test_file)
        except GradingAborted as exc:
            result["error"] = str(exc)
            return result
    finally:
        runner.close()
    for tf in files:
        result["scores"][tf.name] = [float(tf.score), float(tf.possible)]
        result["summary"][tf.name] = tf.summary()
        result["tests"][tf.name] = [
            {
                "hidden": bool(r.test_case.hidden),
                "passed": bool(r.passed),
                "message": "" if r.passed else (r.message or ""),
                "short": "" if r.passed else _short(r.message),
            }
            for r in tf.test_case_results
        ]
    return result


def run(
    submission: Path, ag_zip: Path, memory_gb: float, result_fd: int, written: list[dict] = ()
) -> int:
    """Grade one submission in this process (inside the sandbox) and write the result as
    JSON to `result_fd`, a pipe the kernel does not inherit."""
    os.set_inheritable(result_fd, False)
    import ctypes
    import resource

    # Orphans of the submission (a process it started in the background) become this
    # process's children, so that it can kill them at the end (the sandbox's process
    # namespace does the same; this covers grading without it).
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER

    cap = int(memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with warnings.catch_warnings():
        # Deprecations inside otter 7.0 and the widget packages it imports are about their
        # code, not the submission.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.drop")
        try:
            result = grade_here(submission, ag_zip, memory_gb, written)
        except MemoryError:
            result = {
                "error": f"ran out of memory: the grading needed more than the cap of "
                f"{memory_gb:g} GB"
            }
        except Exception as exc:  # a broken file must not stop the other students' grading
            result = {"error": f"{type(exc).__name__}: {exc}"}
    data = json.dumps(result).encode()
    with os.fdopen(result_fd, "wb") as f:
        f.write(data)
    for pid in descendants(os.getpid()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submission", type=Path)
    parser.add_argument("--autograder", type=Path, required=True)
    parser.add_argument("--memory", type=float, required=True, help="GB")
    parser.add_argument("--result-fd", type=int, required=True)
    parser.add_argument(
        "--written", default="[]", help="JSON: the written questions, each a name and a prompt"
    )
    args = parser.parse_args(argv)
    written = json.loads(args.written)
    return run(args.submission, args.autograder, args.memory, args.result_fd, written)


if __name__ == "__main__":
    sys.exit(main())
