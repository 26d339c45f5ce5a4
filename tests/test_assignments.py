"""The course assignments: how their masters are built, what otter assign makes of them, and
how they grade.

Every master in assignments/ is found by glob, so a new one is covered as soon as it lands.

* Its design, read from the master: the configuration (``show_hidden: true``, the book's
  Python), each auto-graded question's public and hidden tests with their points (the public
  ones at most a third of the auto-graded points), at least one written question, and public
  messages that state no formula and no value (:func:`formula_in`, which the old masters'
  messages fail).
* ``otter assign`` writes the student and the autograder versions.
* In this process, cheaply: each typical mistake listed in tests/assignment_cases/<stem>.py
  costs its question what the file says and no other question anything, with feedback that
  names the mistake and states none of the answer's values and formulas; each correct answer
  in another form there scores full marks. The solution notebook's code runs in a namespace
  with the one answer replaced, and otter's own test files from the autograder zip run
  against it through the grader's value transport (:mod:`coursekit.transport`), as in `make
  grade` but without a kernel.
* End to end, through :mod:`coursekit.grade` (`make grade`: a sandboxed kernel per
  submission), into one CSV per assignment: the solution scores full marks, the student
  notebook as handed out scores 0, a submission carrying the first typical mistake of several
  questions loses exactly those questions' points, and a cheat scores 0 (tests/test_grading.py
  checks it); the written questions' columns are left empty and their answers gathered
  question by question.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import functools
import io
import json
import re
import runpy
import shutil
import types
import warnings
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

from coursekit import assign as kit
from coursekit import child, transport
from coursekit import grade as grader

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "assignment_cases"

MASTERS = kit.masters()
ANSWER_TAG = "otter_answer_cell"
SOLUTION_TAG = "otter_assign_solution_cell"


def cases(stem: str) -> dict:
    """The typical mistakes and the answers in other forms of an assignment (its file in
    tests/assignment_cases/, loaded by path: the names start with digits)."""
    path = CASES / f"{stem}.py"
    data = runpy.run_path(str(path)) if path.exists() else {}
    return {"MISTAKES": data.get("MISTAKES", []), "ALTERNATIVES": data.get("ALTERNATIVES", [])}


def first_mistakes(stem: str) -> list[dict]:
    """The first typical mistake of each question, in answer cells of their own: one
    submission can carry them all."""
    chosen, questions, cells = [], set(), set()
    for mistake in cases(stem)["MISTAKES"]:
        if mistake["question"] in questions or mistake["cell"] in cells:
            continue
        chosen.append(mistake)
        questions.add(mistake["question"])
        cells.add(mistake["cell"])
    return chosen


# --------------------------------------------------------------------------- the masters' design
def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def design(master: Path) -> dict:
    """A master read as otter reads it: its configuration and its questions, each with its
    name, points, whether it is written (``manual``), its tests (``hidden``, ``points``, the
    test function's source) and its solution cells."""
    nb = nbformat.read(master, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "raw" and _source(first).startswith("# ASSIGNMENT CONFIG")
    config = yaml.safe_load(_source(first))
    questions, question, block = [], None, None
    for cell in nb.cells[1:]:
        src = _source(cell)
        if cell.cell_type == "raw" and src.startswith("# BEGIN QUESTION"):
            spec = yaml.safe_load(src)
            question = {
                "name": spec["name"],
                "points": spec.get("points"),
                "manual": bool(spec.get("manual", False)),
                "tests": [],
                "solutions": [],
            }
            questions.append(question)
        elif cell.cell_type == "raw" and src.startswith("# END QUESTION"):
            question = None
        elif cell.cell_type == "raw" and re.match(r"# (BEGIN|END) (SOLUTION|TESTS)", src):
            block = src.split()[2] if src.startswith("# BEGIN") else None
        elif question is not None and block == "TESTS":
            lines = src.splitlines()
            ends = [i for i, line in enumerate(lines) if "# END TEST CONFIG" in line]
            begins = [i for i, line in enumerate(lines) if "# BEGIN TEST CONFIG" in line]
            spec = {}
            if begins and ends:
                spec = yaml.safe_load("\n".join(lines[begins[0] + 1 : ends[0]])) or {}
            question["tests"].append(
                {
                    "hidden": bool(spec.get("hidden", False)),
                    "points": spec.get("points"),
                    "source": "\n".join(lines[ends[0] + 1 :] if ends else lines),
                }
            )
        elif question is not None and block == "SOLUTION":
            question["solutions"].append(cell)
    return {"nb": nb, "config": config, "questions": questions}


def _message_text(node) -> str:
    """The text of an assertion's message: its string parts, a formatted value as {}."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            _message_text(v) if isinstance(v, ast.Constant) else "{}" for v in node.values
        )
    return " ".join(_message_text(child) for child in ast.iter_child_nodes(node))


def messages(test_source: str) -> list[str]:
    """The messages of a test function's failures: its asserts' and AssertionErrors'."""
    found = []
    for node in ast.walk(ast.parse(test_source)):
        if isinstance(node, ast.Assert) and node.msg is not None:
            found.append(_message_text(node.msg))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "AssertionError"
            and node.args
        ):
            found.append(_message_text(node.args[0]))
    return found


#: What a message that states a formula or a value looks like: an equation ("se = sqrt(..."),
#: a function of the math applied ("sqrt(lambda"), an operation between two symbols ("k/n",
#: "lambda^2", "z * se") or a decimal number ("0.75").
FORMULA = re.compile(
    r"[\w)\]]\s*=\s*[-\w(\[]"
    r"|\b(?:sqrt|log|exp|sum|mean|var|std|ppf)\s*\("
    r"|[\w)]\s*[/*^]\s*[\w(]"
    r"|\d\.\d"
)


def formula_in(text: str) -> str | None:
    """The first formula or value in a message (:data:`FORMULA`), or None."""
    match = FORMULA.search(text.replace("{}", "X"))
    return match.group(0) if match else None


def test_the_formula_check_catches_the_old_public_messages():
    # messages of the public tests as they were, which gave the answers away
    old = [
        "MAP = (k + a - 1) / (n + a + b - 2)",
        "for the counts 1, 2, 5 the standard error is sqrt(lambda_hat / n) = 0.9428",
        "I(2) = 1/2 = 0.5, but you got 2.0",
        "the MLE of the variance of 1, 2, 3, 4 is (sum of squared deviations) / n = 5/4",
        "three heads in four flips give the MLE k/n = 0.75",
        "the half-width should be z * se with z = 1.960",
    ]
    assert all(formula_in(m) for m in old), [m for m in old if not formula_in(m)]
    honest = [
        "bernoulli_mle returned {} for three heads and two tails, but p is a probability",
        "the interval should contain the estimate, with the lower end first",
        "each row should add up to 1: an observation belongs to one of the two components",
    ]
    assert not any(formula_in(m) for m in honest)


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_master_configuration(master):
    config = design(master)["config"]
    assert config["tests"] == {"files": False, "ok_format": False}
    assert config["export_cell"] is False
    assert config["files"] == ["mlebook"] and config["requirements"] == "requirements.txt"
    assert config["seed"]["autograder_value"] == config["seed"]["student_value"]
    # hidden tests' messages reach students once the grades are published
    assert config["generate"]["show_hidden"] is True
    runtime = (ROOT / "runtime.txt").read_text().strip().removeprefix("python-")
    assert str(config["python_version"]) == ".".join(runtime.split(".")[:2])


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_master_questions_points_and_tests(master):
    questions = design(master)["questions"]
    auto = [q for q in questions if not q["manual"]]
    written = [q for q in questions if q["manual"]]
    assert len(auto) >= 3 and written, [q["name"] for q in questions]
    public = 0.0
    for q in auto:
        kinds = [t["hidden"] for t in q["tests"]]
        assert False in kinds and True in kinds, (master.name, q["name"], "public and hidden")
        points = [t["points"] for t in q["tests"]]
        assert None not in points, (master.name, q["name"], "every test case states its points")
        assert sum(points) == pytest.approx(q["points"]), (master.name, q["name"], points)
        public += sum(t["points"] for t in q["tests"] if not t["hidden"])
        for test in q["tests"]:
            assert re.search(r"^def test_\w+\(", test["source"], flags=re.M), test["source"]
            for statement in ast.walk(ast.parse(test["source"])):
                if isinstance(statement, ast.Assert):
                    assert statement.msg is not None, (
                        master.name,
                        q["name"],
                        ast.unparse(statement),
                    )
    total_auto = sum(q["points"] for q in auto)
    assert public <= total_auto / 3 + 1e-9, (master.name, public, total_auto)
    assert 10 <= total_auto + sum(q["points"] for q in written) <= 14, master.name
    for q in written:
        assert not q["tests"] and q["points"] > 0, (master.name, q["name"])
        assert any(c.cell_type == "markdown" for c in q["solutions"]), (master.name, q["name"])


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_public_messages_state_no_formula_and_no_value(master):
    found = []
    for q in design(master)["questions"]:
        for test in q["tests"]:
            if not test["hidden"]:
                found += [(q["name"], m, formula_in(m)) for m in messages(test["source"])]
    assert found, master.name
    stating = [f for f in found if f[2]]
    assert not stating, stating


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_the_check_all_cell_says_what_it_runs(master):
    nb = design(master)["nb"]
    text = "\n".join(_source(c) for c in nb.cells if c.cell_type == "markdown")
    assert "all of the autograder tests" not in text
    cells = nb.cells
    i = next(i for i, c in enumerate(cells) if _source(c).strip() == "grader.check_all()")
    assert cells[i - 1].cell_type == "markdown" and "public tests" in _source(cells[i - 1])
    assert design(master)["config"].get("check_all_cell") is False  # otter's own says "all"


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_every_question_has_its_typical_mistakes(master):
    data = cases(master.stem)
    auto = [q["name"] for q in design(master)["questions"] if not q["manual"]]
    counts = dict.fromkeys(auto, 0)
    for mistake in data["MISTAKES"]:
        assert set(mistake) >= {"question", "cell", "answer", "score", "says", "never_says"}
        assert mistake["question"] in counts, mistake["question"]
        counts[mistake["question"]] += 1
    assert all(n >= 2 for n in counts.values()), counts
    assert data["ALTERNATIVES"], master.stem
    assert len(first_mistakes(master.stem)) >= 3


def test_autograder_requirements_pin_the_books_versions():
    # Gradescope installs these: mlebook's dependencies and what the hidden tests import,
    # at exactly the versions the book is tested with.
    reqs = kit.autograder_requirements().splitlines()
    book = (ROOT / "requirements.txt").read_text().splitlines()
    assert {line.split("==")[0] for line in reqs} >= {
        "numpy",
        "scipy",
        "sympy",
        "matplotlib",
        "scikit-learn",
    }
    assert all(line in book for line in reqs)


# --------------------------------------------------------------------------- otter assign
class PerMaster:
    """A mapping from each master's name to a set-up made for that master alone, on first use
    and once per run (``shared``, conftest.py): the two workers can make two masters' set-ups
    at once instead of one worker making all of them."""

    def __init__(self, shared, name, make):
        self.shared, self.name, self.make = shared, name, make

    def __getitem__(self, stem: str):
        return self.shared(f"{self.name}-{stem}", lambda out: self.make(stem, out))


@pytest.fixture(scope="session")
def generated(shared):
    """`otter assign` on each master, as `make assignments` runs it (once per run: conftest.py)."""
    masters = {m.stem: m for m in MASTERS}
    # without otter's own run of the tests: the solution is graded against every test here
    return PerMaster(
        shared, "assignments", lambda stem, out: kit.assign(masters[stem], out, run_tests=False)
    )


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_otter_assign_writes_student_and_autograder_versions(generated, master):
    result = generated[master.stem]
    student = nbformat.read(result / "student" / master.name, as_version=4)
    # The student notebook has no solutions, and only the public tests.
    answers = [c for c in student.cells if ANSWER_TAG in c.metadata.get("tags", [])]
    code = [c for c in answers if c.cell_type == "code"]
    written = [c for c in answers if c.cell_type == "markdown"]
    assert code and written
    for cell in code:
        assert "BEGIN SOLUTION" not in cell.source and "..." in cell.source
    assert all(c.source == child.PLACEHOLDER for c in written)
    public_tests = "".join(student.metadata["otter"]["tests"].values())
    assert "hidden=False" in public_tests and "hidden=True" not in public_tests
    # The autograder zip has every test, hidden ones included, and the package.
    with zipfile.ZipFile(kit.autograder_zip(result)) as zf:
        names = zf.namelist()
        tests = "".join(zf.read(n).decode() for n in names if n.startswith("tests/"))
        config = json.loads(zf.read("otter_config.json"))
    assert "hidden=True" in tests and "hidden=False" in tests
    assert any(n.startswith("files/mlebook/") for n in names)
    assert config["assignment_name"] == student.metadata["otter"]["assignment_name"]
    assert config["show_hidden"] is True
    with zipfile.ZipFile(result / f"{master.stem}-student.zip") as zf:
        assert master.name in zf.namelist() and "mlebook/__init__.py" in zf.namelist()


@pytest.mark.slow  # otter assign runs the broken solution in a kernel: make test-slow
def test_otter_assign_fails_when_a_solution_fails_its_tests(tmp_path):
    # A one-question master whose solution divides by n - 1: otter assign must refuse it.
    config = nbformat.v4.new_raw_cell(
        "# ASSIGNMENT CONFIG\nname: broken\ntests:\n  files: false\n  ok_format: false\n"
        "export_cell: false\nfiles:\n  - mlebook\nrequirements: requirements.txt\n"
    )
    cells = [
        config,
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_raw_cell("# BEGIN QUESTION\nname: q1"),
        nbformat.v4.new_markdown_cell("The MLE of the variance of `[1, 2, 3, 4]`."),
        nbformat.v4.new_raw_cell("# BEGIN SOLUTION"),
        nbformat.v4.new_code_cell("s2 = np.var([1, 2, 3, 4], ddof=1)  # SOLUTION"),
        nbformat.v4.new_raw_cell("# END SOLUTION"),
        nbformat.v4.new_raw_cell("# BEGIN TESTS"),
        nbformat.v4.new_code_cell("def test_s2(s2):\n    assert s2 == 1.25, 'divide by n'"),
        nbformat.v4.new_raw_cell("# END TESTS"),
        nbformat.v4.new_raw_cell("# END QUESTION"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    master = tmp_path / "broken.ipynb"
    nbformat.write(nb, master)
    with pytest.raises(RuntimeError, match="otter assign failed"):
        kit.assign(master, tmp_path / "out")


# --------------------------------------------------------------------------- in this process
class InProcessKernel:
    """Runs code in a namespace of this process as the student's kernel runs a cell: what
    :class:`coursekit.transport.Kernel` reads, the printed text and the exception raised."""

    def __init__(self, ns: dict):
        self.ns = ns
        ns["get_ipython"] = lambda: types.SimpleNamespace(user_ns=ns)

    def run(self, code: str) -> list[dict]:
        text, outputs = io.StringIO(), []
        with contextlib.redirect_stdout(text), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a wrong answer's log(0) is its own business
            try:
                exec(compile(code, "<cell>", "exec"), self.ns)
            except Exception as exc:
                outputs.append(
                    {"output_type": "error", "ename": type(exc).__name__, "evalue": str(exc)}
                )
        return [{"output_type": "stream", "name": "stdout", "text": text.getvalue()}, *outputs]


class InProcess:
    """An assignment graded in this process: the solution notebook of otter assign, with
    answers replaced, run in a namespace; the autograder zip's tests run against it through
    the value transport of `make grade`."""

    def __init__(self, result: Path):
        with zipfile.ZipFile(kit.autograder_zip(result)) as zf:
            self.config = json.loads(zf.read("otter_config.json"))
            self.tests = child.autograder_tests(zf)
        self.solution = nbformat.read(result / "autograder" / f"{result.name}.ipynb", 4)

    def grade(self, replacements=(), answers=None) -> tuple[dict, list]:
        """({question: score, possible and the failed tests' full messages}, the cells that
        raised) for the solution with each (line, answer) of `replacements` in place of the
        answer cell holding the line, or with `answers` in place of every code answer, in
        order."""
        nb = json.loads(json.dumps(self.solution))
        used = set()
        given = iter(answers) if answers is not None else None
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or SOLUTION_TAG not in cell["metadata"].get("tags", []):
                continue
            if given is not None:
                cell["source"] = next(given)
            for i, (line, answer) in enumerate(replacements):
                if line in "".join(cell["source"]):
                    cell["source"], used = answer, used | {i}
        assert used == set(range(len(replacements))), f"no answer cell holds {replacements}"
        cells, _ = child.code_cells(nb, self.config)
        # the cells after the last answer only show results (simulations, prints): skipped
        answers = [c["cell"] for c in cells if SOLUTION_TAG in _tags(nb["cells"][c["cell"] - 1])]
        cells = [c for c in cells if c["cell"] <= max(answers)]
        ns = {
            "__name__": "__main__",
            "grader": types.SimpleNamespace(check=lambda *a: None, check_all=lambda *a: None),
        }
        kernel = InProcessKernel(ns)
        errors = []
        for cell in cells:
            if "otter.Notebook(" in cell["source"]:
                continue  # the `grader` above stands in for it
            errors += [
                (cell["cell"], o["ename"], o["evalue"])
                for o in kernel.run(cell["source"])
                if o["output_type"] == "error"
            ]
        env = transport.Namespace(transport.Kernel(kernel, memory_gb=4.0))
        results = {}
        # the tests' warnings are not shown (nor made errors) here, as in `make grade`
        with child.otter_test_files() as test_file_class, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for path, source in self.tests.items():
                test_file = test_file_class.from_string(source, path=path)
                test_file.run(env)
                results[test_file.name] = {
                    "score": float(test_file.score),
                    "possible": float(test_file.possible),
                    "failed": [r.message for r in test_file.test_case_results if not r.passed],
                }
        return results, errors


@functools.cache
def in_process(result: Path) -> InProcess:
    return InProcess(result)


MISTAKE_CASES = [
    pytest.param(m.stem, i, id=f"{m.stem}-{mistake['question']}-{i}")
    for m in MASTERS
    for i, mistake in enumerate(cases(m.stem)["MISTAKES"])
]
ALTERNATIVE_CASES = [
    pytest.param(m.stem, i, id=f"{m.stem}-{i}")
    for m in MASTERS
    for i, _ in enumerate(cases(m.stem)["ALTERNATIVES"])
]


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_the_solution_scores_full_marks_in_process(generated, master):
    results, errors = in_process(generated[master.stem]).grade()
    assert not errors, errors
    assert len(results) >= 3
    for question, r in results.items():
        assert r["score"] == r["possible"] > 0, (question, r["failed"])


@pytest.mark.parametrize("master", MASTERS, ids=[m.stem for m in MASTERS])
def test_the_student_notebook_as_handed_out_scores_zero_in_process(generated, master):
    result = generated[master.stem]
    student = nbformat.read(result / "student" / master.name, as_version=4)
    answers = [
        c.source
        for c in student.cells
        if c.cell_type == "code" and ANSWER_TAG in c.metadata.get("tags", [])
    ]
    assert answers and all("..." in a for a in answers)
    results, _ = in_process(result).grade(answers=answers)
    assert len(results) >= 3
    assert all(r["score"] == 0 < r["possible"] for r in results.values()), results


@pytest.mark.parametrize(("stem", "index"), MISTAKE_CASES)
def test_a_typical_mistake_costs_its_question_only(generated, stem, index):
    mistake = cases(stem)["MISTAKES"][index]
    results, _ = in_process(generated[stem]).grade([(mistake["cell"], mistake["answer"])])
    question = mistake["question"]
    feedback = "\n".join(results[question]["failed"])
    assert results[question]["score"] == pytest.approx(mistake["score"]), feedback
    assert results[question]["score"] < results[question]["possible"]
    others = {q: r for q, r in results.items() if q != question and r["score"] != r["possible"]}
    assert not others, {q: r["failed"] for q, r in others.items()}
    # the feedback names the mistake, and states neither the answer's values nor its formula
    for phrase in mistake["says"]:
        assert phrase in feedback, (phrase, feedback)
    for phrase in mistake["never_says"]:
        assert phrase not in feedback, (phrase, feedback)


@pytest.mark.parametrize(("stem", "index"), ALTERNATIVE_CASES)
def test_an_answer_in_another_form_scores_full_marks(generated, stem, index):
    alternative = cases(stem)["ALTERNATIVES"][index]
    results, _ = in_process(generated[stem]).grade([(alternative["cell"], alternative["answer"])])
    lost = {q: r["failed"] for q, r in results.items() if r["score"] != r["possible"]}
    assert not lost, lost


# --------------------------------------------------------------------------- end to end
def fill_in(student, solution, replacements=()):
    """The student notebook with every answer filled in from the solution notebook (code and
    written answers, in order), then the code answer holding each replacement's line
    (``(line, answer)``) replaced by its answer."""
    nb = nbformat.from_dict(json.loads(json.dumps(student)))
    solved = {
        kind: iter(
            [
                c
                for c in solution.cells
                if c.cell_type == kind and SOLUTION_TAG in c.metadata.get("tags", [])
            ]
        )
        for kind in ("code", "markdown")
    }
    used = set()
    for cell in nb.cells:
        if ANSWER_TAG not in cell.metadata.get("tags", []):
            continue
        cell.source = next(solved[cell.cell_type]).source
        for i, (line, answer) in enumerate(replacements):
            if cell.cell_type == "code" and line in cell.source:
                cell.source, used = answer, used | {i}
    assert all(next(it, None) is None for it in solved.values()), "answers left over"
    assert used == set(range(len(replacements))), replacements
    return nb


#: Cheats (tests/test_grading.py checks their scores): patches of the comparisons a test might
#: use, appended to a submission; and answers that equal everything (with the patches, appended
#: to the student notebook as handed out, they make the cheat of every assignment).
PATCH_COMPARISONS = """\
import builtins, math
import numpy as np
import numpy.testing


def _yes(*args, **kwargs):
    return True


def _silent(*args, **kwargs):
    return None


_abs = builtins.abs
np.isclose = np.allclose = np.array_equal = math.isclose = _yes
np.testing.assert_allclose = np.testing.assert_array_equal = _silent
np.testing.assert_almost_equal = np.testing.assert_array_almost_equal = _silent
# |anything numeric| = 0, so that abs(value - expected) < tol always holds
builtins.abs = lambda x: 0.0 if type(x) in (float, np.float64) else _abs(x)
"""
ANSWERS_EQUAL_TO_EVERYTHING = """\
import types


class Anything(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    __hash__ = float.__hash__

    def __len__(self):
        return 2

    def __iter__(self):
        return iter((Anything(0.5), Anything(0.5)))

    def __getitem__(self, index):
        return Anything(0.5)

    def __abs__(self):
        return Anything(0.0)


for _op in ("add", "sub", "mul", "truediv", "pow", "radd", "rsub", "rmul", "rtruediv"):
    setattr(Anything, f"__{_op}__", lambda self, *other: Anything(0.5))

for _name, _value in list(globals().items()):
    if _name.startswith("_") or _name in ("Anything", "In", "Out", "get_ipython"):
        continue
    if type(_value) is types.FunctionType:
        globals()[_name] = lambda *args, **kwargs: Anything(0.5)
    elif _value is Ellipsis or type(_value) in (float, np.float64):
        globals()[_name] = Anything(0.5)

_isinstance = builtins.isinstance
builtins.isinstance = lambda obj, kind: type(obj) is Anything or _isinstance(obj, kind)
"""


def with_cell(nb, source):
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    nb.cells.append(nbformat.v4.new_code_cell(source))
    return nb


#: The masters graded end to end through coursekit.grade (sandbox, kernel, CSV, feedback):
#: the first in make test, every one in make test-slow. What differs between assignments, their
#: tests and answers, is graded for every master in make test, in this process (above).
GRADED_END_TO_END = [
    pytest.param(m, id=m.stem, marks=() if i == 0 else pytest.mark.slow)
    for i, m in enumerate(MASTERS)
]


@pytest.fixture(scope="session")
def graded(generated, shared):
    """Grade the submissions of each assignment with coursekit.grade into one CSV each (once
    per run and assignment, see conftest.py), two at a time: the solution, the student
    notebook as handed out, the first typical mistake of several questions at once, and a
    cheat: answers equal to everything, with the comparisons patched."""
    masters = {m.stem: m for m in MASTERS}
    return PerMaster(shared, "grades", lambda stem, out: _grade(masters[stem], generated, out))


def _grade(master, generated, out):
    result = generated[master.stem]
    subs = out / f"submissions-{master.stem}"
    subs.mkdir()
    student = nbformat.read(result / "student" / master.name, as_version=4)
    solution = nbformat.read(result / "autograder" / master.name, as_version=4)
    shutil.copy(result / "autograder" / master.name, subs / "solution.ipynb")
    shutil.copy(result / "student" / master.name, subs / "empty.ipynb")
    mistakes = [(m["cell"], m["answer"]) for m in first_mistakes(master.stem)]
    nbformat.write(fill_in(student, solution, mistakes), subs / "mistakes.ipynb")
    cheat = PATCH_COMPARISONS + ANSWERS_EQUAL_TO_EVERYTHING
    nbformat.write(with_cell(student, cheat), subs / "anything.ipynb")
    out_csv = subs.parent / f"{master.stem}-grades" / "scores.csv"
    grader.grade(subs, kit.autograder_zip(result), out_csv, jobs=2)
    with out_csv.open() as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    feedback = out_csv.parent / "scores-feedback"
    return {
        "rows": rows,
        "header": out_csv.read_text().splitlines()[0].split(","),
        "instructor": {p.stem: p.read_text() for p in (feedback / "instructor").glob("*.txt")},
        "student": {p.stem: p.read_text() for p in (feedback / "student").glob("*.txt")},
        "written": {
            p.stem: p.read_text() for p in (out_csv.parent / "scores-written").glob("*.md")
        },
    }


def _questions(master) -> tuple[list[str], list[str]]:
    questions = design(master)["questions"]
    return [q["name"] for q in questions if not q["manual"]], [
        q["name"] for q in questions if q["manual"]
    ]


@pytest.mark.parametrize("master", GRADED_END_TO_END)
def test_the_solution_scores_full_marks(graded, master):
    out = graded[master.stem]
    row = out["rows"]["solution"]
    assert float(row["auto_possible"]) > 0 and row["error"] == ""
    assert float(row["auto_total"]) == float(row["auto_possible"]), out["instructor"]["solution"]
    assert "❌" not in out["instructor"]["solution"]


@pytest.mark.parametrize("master", GRADED_END_TO_END)
def test_several_mistakes_each_cost_their_question_only(graded, master):
    out = graded[master.stem]
    row = out["rows"]["mistakes"]
    assert row["error"] == "", row["error"]
    expected = {m["question"]: m["score"] for m in first_mistakes(master.stem)}
    auto, _ = _questions(master)
    for question in auto:
        want = expected.get(question, float(row[f"{question}_max"]))
        assert float(row[question]) == pytest.approx(want), (
            question,
            out["instructor"]["mistakes"],
        )
    lost = sum(float(row[f"{q}_max"]) - s for q, s in expected.items())
    assert float(row["auto_total"]) == pytest.approx(float(row["auto_possible"]) - lost)
    assert lost > 0


@pytest.mark.parametrize("master", GRADED_END_TO_END)
def test_an_empty_submission_scores_zero_without_crashing(graded, master):
    out = graded[master.stem]
    row = out["rows"]["empty"]
    assert row["error"] == "", row["error"]
    assert float(row["auto_total"]) == 0 and float(row["auto_possible"]) > 0
    auto, _ = _questions(master)
    assert len(auto) >= 3 and all(float(row[q]) == 0 for q in auto)
    assert "could not be graded" not in out["instructor"]["empty"]


@pytest.mark.parametrize("master", GRADED_END_TO_END)
def test_the_grade_csv_leaves_the_written_questions_to_the_instructor(graded, master):
    out = graded[master.stem]
    assert sorted(out["rows"]) == ["anything", "empty", "mistakes", "solution"]
    auto, written = _questions(master)
    header = out["header"]
    assert header[:4] == ["student", "auto_total", "auto_possible", "auto_percent"]
    assert header[-1] == "error"
    # every question in the master's order, then their maxima
    assert header[4 : 4 + len(auto) + len(written)] == [
        q["name"] for q in design(master)["questions"]
    ]
    points = {q["name"]: q["points"] for q in design(master)["questions"]}
    for row in out["rows"].values():
        assert all(row[q] == "" and float(row[f"{q}_max"]) == points[q] for q in written)
        assert float(row["auto_possible"]) == pytest.approx(sum(points[q] for q in auto))
    # the students are told which questions are graded by hand
    for q in written:
        assert f"{q}: written, {points[q]:g} points, graded by hand" in out["student"]["solution"]
        assert "no answer was found" in out["student"]["empty"]


@pytest.mark.parametrize("master", GRADED_END_TO_END)
def test_the_written_answers_are_gathered_question_by_question(graded, master):
    out = graded[master.stem]
    _, written = _questions(master)
    assert sorted(out["written"]) == sorted(written)
    solutions = {q["name"]: q["solutions"] for q in design(master)["questions"]}
    for q in written:
        text = out["written"][q]
        sections = text.split("\n## ")[1:]
        # one section per row of the CSV, in its order
        assert [s.splitlines()[0] for s in sections] == list(out["rows"])
        by_row = dict(zip(out["rows"], sections, strict=True))
        answer = "\n\n".join(c.source for c in solutions[q] if c.cell_type == "markdown")
        assert answer.strip() in by_row["solution"]
        assert "*(no answer)*" in by_row["empty"]


def test_grading_a_broken_file_records_an_error_instead_of_crashing(generated, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "garbled.ipynb").write_text("{ this is not a notebook")
    result = generated[MASTERS[0].stem]
    rows = grader.grade(subs, kit.autograder_zip(result), tmp_path / "scores.csv")
    assert rows[0]["student"] == "garbled" and rows[0]["auto_total"] == 0 and rows[0]["error"]
    # its written answers are missing, and the file that gathers them says why
    written = (tmp_path / "scores-written").glob("*.md")
    assert all("could not be read" in p.read_text() for p in written)


def test_the_autograder_is_found_from_the_submissions_metadata(generated, tmp_path):
    master = MASTERS[1]
    dist = generated[master.stem].parent
    student = generated[master.stem] / "student" / master.name
    found = grader.find_autograder(None, [student], dist=dist)
    assert found == kit.autograder_zip(generated[master.stem])
    with pytest.raises(FileNotFoundError, match="make assignments"):
        grader.find_autograder("no_such_assignment", [student], dist=dist)
