"""The Gradescope autograder zip installs the book's environment, and grades there.

In make test (in-process): the zip's pip requirements are exactly the packages the grading
imports and everything they require on Linux and the book's Python, each at the book's pin
(closed under what the installed packages declare, and nothing of otter's ``plugins`` extra);
the zip's conda environment is the book's Python; a master asking for another Python is
refused. Marked ``slow`` (make test-slow, which CI runs after make test; minutes): the zip of
one assignment is installed from its own requirements into a fresh virtual environment of the
book's Python,
whose packages must then be the book's pins (pip's resolver is the independent judge of the
closure), and its ``run_otter.py`` grades two submissions in a folder laid out as Gradescope
lays out ``/autograder``; ``results.json`` gives the solution full marks and takes points off
the one question a submission gets wrong.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from coursekit import assign as kit

ROOT = Path(__file__).resolve().parents[1]
BOOK_PYTHON = (ROOT / "runtime.txt").read_text().strip().removeprefix("python-")
MASTER = ROOT / "assignments" / "01_likelihood_mle.ipynb"  # the smallest assignment


def _lines(requirements: str) -> dict[str, str]:
    """``{normalized name: version}`` of ``name==version`` lines."""
    pins = {}
    for line in requirements.splitlines():
        name, version = line.split("==")
        assert canonicalize_name(name) not in pins, f"{name} twice"
        pins[canonicalize_name(name)] = version
    return pins


def _book() -> dict[str, str]:
    """The book's lock, requirements.txt: ``{normalized name: version}``."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return _lines("\n".join(line for line in lines if "==" in line))


@pytest.fixture(scope="module")
def requirements() -> str:
    return kit.autograder_requirements()


# --------------------------------------------------------------------------- the requirements
def test_the_requirements_are_lines_of_the_books_lock(requirements):
    book = (ROOT / "requirements.txt").read_text().splitlines()
    lines = requirements.splitlines()
    assert lines and all(line in book for line in lines)
    pins = _lines(requirements)
    assert list(pins) == sorted(pins)
    assert BOOK_PYTHON == kit.book_python() == "3.11"


@pytest.mark.skipif(
    f"{sys.version_info.major}.{sys.version_info.minor}" != BOOK_PYTHON,
    reason="the markers are evaluated by this interpreter, which is not the book's Python",
)
def test_the_requirements_are_closed_under_what_each_package_requires(requirements):
    # Every requirement that each pinned package declares for this interpreter (Linux, the
    # book's Python), without extras, is pinned too, at a version it accepts.
    pins = _lines(requirements)
    checked = 0
    for name, version in pins.items():
        dist = importlib.metadata.distribution(name)
        assert dist.version == version, name
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                child = canonicalize_name(req.name)
                assert child in pins, f"{name} requires {req}, which is not pinned"
                assert req.specifier.contains(pins[child], prereleases=True), (name, req)
                checked += 1
    assert checked > 100


def test_what_the_grading_imports_is_in_and_otters_plugins_are_out(requirements):
    pins = _lines(requirements)
    # mlebook's dependencies (pyproject.toml), the hidden tests' packages, the grader
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    assert direct >= {"numpy", "scipy", "sympy", "matplotlib", "scikit-learn"}
    assert direct | {"statsmodels", "otter-grader"} <= set(pins)
    # otter's grading extra (a kernel, its client, pypdf), and nbconvert's webpdf extra
    # (otter requires nbconvert[webpdf]; setup.sh runs `playwright install chromium`)
    assert {"ipykernel", "jupyter-client", "pypdf", "playwright"} <= set(pins)
    # not its plugins extra (the Google API stack), nor the book's own tooling
    plugins = {"google-api-python-client", "google-auth-oauthlib", "gspread"}
    tooling = {"jupyterlab", "jupyter-book", "pytest", "ruff", "nbval", "dask", "jax"}
    assert not (plugins | tooling) & set(pins)
    assert not [n for n in pins if n.startswith("google")]
    # The book's lock has many packages the grading does not need.
    assert len(_book()) > len(pins) + 50


def test_markers_are_evaluated_for_the_target_not_for_this_machine():
    # ipykernel needs appnope only on macOS; jupytext needs tomli only before Python 3.11.
    on_linux = kit.requirement_closure(["ipykernel", "jupytext"], "3.11")
    assert "appnope" not in on_linux and "tomli" not in on_linux
    assert on_linux["jupyter-client"] == ("ipykernel",)
    assert on_linux["ipykernel"] == () and "traitlets" in on_linux
    # For Python 3.10 the closure needs tomli, which the book's environment does not have.
    with pytest.raises(ValueError, match=r"tomli \(required by jupytext\) is not installed"):
        kit.requirement_closure(["jupytext"], "3.10")
    # An extra brings its own requirements: otter's grading extra brings pypdf.
    assert "pypdf" in kit.requirement_closure(["otter-grader[grading]"], "3.11")
    assert "pypdf" not in kit.requirement_closure(["otter-grader"], "3.11")
    with pytest.raises(ValueError, match="python should be"):
        kit.requirement_closure(["numpy"], "3")


def _book_copy(tmp_path: Path, drop: str | None = None, runtime: str = "python-3.11") -> Path:
    root = tmp_path / "book"
    root.mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", root)
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    kept = [line for line in lines if not (drop and line.lower().startswith(f"{drop}=="))]
    assert len(kept) == len(lines) - (1 if drop else 0)
    (root / "requirements.txt").write_text("\n".join(kept) + "\n")
    (root / "runtime.txt").write_text(runtime + "\n")
    return root


def test_a_package_the_lock_does_not_pin_is_an_error(tmp_path):
    root = _book_copy(tmp_path, drop="pypdf")
    with pytest.raises(ValueError, match=r"does not pin pypdf \(required by otter-grader\)"):
        kit.autograder_requirements(root)


def test_the_books_python_comes_from_runtime_txt(tmp_path):
    assert kit.book_python(_book_copy(tmp_path / "a", runtime="python-3.12.4")) == "3.12"
    with pytest.raises(ValueError, match=r"runtime\.txt"):
        kit.book_python(_book_copy(tmp_path / "b", runtime="3.11"))


# --------------------------------------------------------------------------- the masters
CONFIG = "# ASSIGNMENT CONFIG\nname: a\nrequirements: requirements.txt\nfiles:\n  - mlebook\n"


def test_staging_adds_the_books_python_and_its_exact_requirements():
    staged = yaml.safe_load(kit.staged_config(CONFIG, "a.ipynb", BOOK_PYTHON))
    assert staged["python_version"] == BOOK_PYTHON and isinstance(staged["python_version"], str)
    assert staged["overwrite_requirements"] is True
    assert staged["files"] == ["mlebook"] and staged["name"] == "a"
    # Python 3.10 stays 3.10 (not the number 3.1).
    assert yaml.safe_load(kit.staged_config(CONFIG, "a.ipynb", "3.10"))["python_version"] == (
        "3.10"
    )
    # A master that already says what the book needs is staged as it is.
    said = CONFIG + 'python_version: "3.11"\noverwrite_requirements: true\n'
    assert kit.staged_config(said, "a.ipynb", "3.11") == said
    assert kit.staged_config(CONFIG + "python_version: 3.11\n", "a.ipynb", "3.11").endswith(
        "overwrite_requirements: true\n"
    )


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ("python_version: 3.12\n", "python_version: '3.12'"),
        ("overwrite_requirements: false\n", "overwrite_requirements: False"),
        ("environment: environment.yml\n", "conda environment"),
    ],
    ids=["python-3.12", "otters-defaults", "conda-environment"],
)
def test_staging_refuses_a_master_that_asks_for_another_environment(extra, named):
    with pytest.raises(ValueError, match=rf"^02_x\.ipynb: .*{re.escape(named)}"):
        kit.staged_config(CONFIG + extra, "assignments/02_x.ipynb", "3.11")
    other = CONFIG.replace("requirements: requirements.txt", "requirements: other.txt")
    with pytest.raises(ValueError, match=r"requirements: 'other\.txt'"):
        kit.staged_config(other, "a.ipynb", "3.11")
    with pytest.raises(ValueError, match="ASSIGNMENT CONFIG"):
        kit.staged_config("# BEGIN QUESTION\nname: q1\n", "a.ipynb", "3.11")


def test_stage_refuses_a_312_master_before_copying_anything(tmp_path):
    nb = nbformat.read(MASTER, as_version=4)
    nb.cells[0].source = (
        re.sub(r"^python_version:.*\n?", "", nb.cells[0].source, flags=re.M).rstrip("\n")
        + "\npython_version: 3.12\n"
    )
    master = tmp_path / "07_new.ipynb"
    nbformat.write(nb, master)
    with pytest.raises(ValueError, match=r"07_new\.ipynb: .*python_version: '3\.12'.*3\.11"):
        kit.stage(master, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- the zip
@pytest.fixture(scope="session")
def built(shared):
    """``otter assign`` on the smallest master. Named as tests/test_assignments.py names its
    own run on that master, so that in make test the two files share one (conftest.py)."""
    return shared(
        f"assignments-{MASTER.stem}", lambda out: kit.assign(MASTER, out, run_tests=False)
    )


def test_the_zip_installs_the_books_python_and_exactly_the_requirements(built, requirements):
    zip_path = kit.autograder_zip(built)
    with zipfile.ZipFile(zip_path) as zf:
        environment = yaml.safe_load(zf.read("environment.yml"))
        setup = zf.read("setup.sh").decode()
    # setup.sh builds the conda environment of environment.yml, which run_autograder activates
    assert re.search(r"env create -f \S*/source/environment\.yml", setup)
    deps = environment["dependencies"]
    assert f"python={BOOK_PYTHON}" in deps
    (pip,) = [d["pip"] for d in deps if isinstance(d, dict)]
    assert pip == requirements.splitlines()
    assert not [line for line in pip if "otter-grader[" in line or line.startswith("google")]
    assert kit.zip_environment(zip_path) == (BOOK_PYTHON, pip)
    kit.check_autograder_zip(zip_path)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda env: env.replace("python=3.11", "python=3.12"), "Python 3.12"),
        (lambda env: env.replace("  - pip:\n", "  - pip:\n      - gspread==6.2.1\n"), "gspread"),
        (lambda env: re.sub(r"\n\s+- pypdf==\S+", "", env), "without \\['pypdf=="),
    ],
    ids=["python-3.12", "plus-gspread", "without-pypdf"],
)
def test_a_zip_with_another_environment_is_an_error(built, tmp_path, change, named):
    original = kit.autograder_zip(built)
    doctored = tmp_path / original.name
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(doctored, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "environment.yml":
                changed = change(data.decode())
                assert changed != data.decode()
                data = changed.encode()
            dst.writestr(item, data)
    with pytest.raises(RuntimeError, match=named):
        kit.check_autograder_zip(doctored)


# --------------------------------------------------------------------------- on Gradescope
@pytest.fixture(scope="module")
def gradescope(tmp_path_factory):
    """The zip installed in a fresh virtual environment and run as Gradescope runs it, on the
    solution and on a submission with one wrong answer; with the time each step took."""
    work = tmp_path_factory.mktemp("gradescope")
    seconds = {}

    start = time.perf_counter()
    result = kit.assign(MASTER, work / "dist", run_tests=False)
    zip_path = kit.autograder_zip(result)
    seconds["otter assign"] = time.perf_counter() - start

    start = time.perf_counter()
    venv = work / "venv"
    subprocess.run([_book_interpreter(), "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    seconds["venv"] = time.perf_counter() - start

    start = time.perf_counter()
    _, pip_lines = kit.zip_environment(zip_path)
    (work / "requirements.txt").write_text("\n".join(pip_lines) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    install = subprocess.run(
        [python, "-m", "pip", "install", "--no-input", "-r", work / "requirements.txt"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    seconds["pip install"] = time.perf_counter() - start
    freeze = subprocess.run(
        [python, "-m", "pip", "freeze", "--all"], capture_output=True, text=True, check=True
    ).stdout
    check = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True)

    solution = nbformat.read(result / "autograder" / MASTER.name, as_version=4)
    student = nbformat.read(result / "student" / MASTER.name, as_version=4)
    submissions = {"solution": solution, "mistake": _with_mistake(student, solution)}
    results, kernels = {}, {}
    start = time.perf_counter()
    for name, nb in submissions.items():
        results[name], kernels[name] = _run_autograder(work / name, zip_path, venv, nb)
    seconds["two runs"] = time.perf_counter() - start
    print("\nGradescope run, seconds:", {k: round(v, 1) for k, v in seconds.items()})
    return {
        "requirements": pip_lines,
        "freeze": freeze,
        "check": check,
        "results": results,
        "kernels": kernels,
        "venv": venv,
    }


def _book_interpreter() -> str:
    """A Python of the book's version: python3.11, python3, or the one under this .venv."""
    candidates = [shutil.which(f"python{BOOK_PYTHON}"), shutil.which("python3")]
    candidates.append(getattr(sys, "_base_executable", sys.executable))
    for candidate in filter(None, candidates):
        version = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        if version == BOOK_PYTHON:
            return candidate
    pytest.fail(f"no Python {BOOK_PYTHON} on this machine (tried {candidates})")


#: The wrong answer: the unbiased variance where the MLE divides by n (question q3).
WRONG = (
    "def gaussian_mle(x):",
    "def gaussian_mle(x):\n"
    "    x = np.asarray(x, dtype=float)\n"
    "    return float(x.mean()), float(x.var(ddof=1))\n",
    "q3",
)


def _with_mistake(student, solution):
    """The student notebook, every answer filled in from the solution, one of them wrong."""
    from test_assignments import fill_in

    return fill_in(student, solution, [WRONG[:2]])


def _run_autograder(root: Path, zip_path: Path, venv: Path, submission) -> tuple[dict, dict]:
    """Lay out ROOT/autograder as Gradescope does and run the zip's run_otter.py there, with
    the virtual environment's Python as run_autograder runs it with the conda environment's.
    Returns results.json and where the kernel named python3 comes from."""
    autograder = root / "autograder"
    for sub in ("source", "submission", "results"):
        (autograder / sub).mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(autograder / "source")
    nbformat.write(submission, autograder / "submission" / MASTER.name)
    run_otter = autograder / "source" / "run_otter.py"
    text = run_otter.read_text()
    assert text.count('run_autograder("/autograder")') == 1, text
    run_otter.write_text(text.replace('"/autograder"', json.dumps(str(autograder))))
    home = root / "home"
    home.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    python = str(venv / "bin" / "python")
    proc = subprocess.run(
        [python, str(run_otter)], cwd=autograder, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    kernel = subprocess.run(
        [
            python,
            "-c",
            "import json, sys; from jupyter_client.kernelspec import KernelSpecManager as K;"
            "s = K().get_kernel_spec('python3');"
            "print(json.dumps({'argv': s.argv, 'dir': s.resource_dir, 'sys': sys.executable}))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    results = json.loads((autograder / "results" / "results.json").read_text())
    return results, json.loads(kernel.stdout)


def _points(master: Path) -> dict[str, float]:
    """Each auto-graded question's points, as its master gives them (written questions,
    ``manual: true``, are graded by hand, not by the autograder)."""
    from test_assignments import design

    return {q["name"]: float(q["points"]) for q in design(master)["questions"] if not q["manual"]}


@pytest.mark.slow
def test_the_gradescope_environment_is_the_books(gradescope):
    book = _book()
    installed = _lines("\n".join(gradescope["freeze"].split()))
    # The installer's own packages, from the virtual environment's bootstrap, are not the
    # grading's; everything else pip installed is the book's pin, and nothing but the zip's
    # requirements was needed.
    bootstrap = {"pip", "setuptools", "wheel"} - set(_lines("\n".join(gradescope["requirements"])))
    graded = {name: v for name, v in installed.items() if name not in bootstrap}
    assert graded == _lines("\n".join(gradescope["requirements"]))
    assert all(book[name] == version for name, version in graded.items())
    assert len(graded) > 100
    assert gradescope["check"].returncode == 0, gradescope["check"].stdout


@pytest.mark.slow
def test_the_grading_kernel_is_the_gradescope_environments(gradescope):
    venv = gradescope["venv"].resolve()
    for kernel in gradescope["kernels"].values():
        assert Path(kernel["sys"]).parent.resolve() == (venv / "bin").resolve()
        assert Path(kernel["dir"]).resolve().is_relative_to(venv)
        # jupyter_client runs a kernel whose argv starts with "python" with its own Python
        assert kernel["argv"][0] in ("python", kernel["sys"]), kernel


@pytest.mark.slow
def test_on_gradescope_the_solution_scores_full_marks(gradescope):
    points = _points(MASTER)
    tests = {t["name"]: t for t in gradescope["results"]["solution"]["tests"] if "score" in t}
    assert sorted(tests) == sorted(points) and len(points) >= 3
    for name, test in tests.items():
        assert test["score"] == test["max_score"] == points[name], test


@pytest.mark.slow
def test_on_gradescope_one_wrong_answer_loses_points_on_its_question_only(gradescope):
    points = _points(MASTER)
    tests = {t["name"]: t for t in gradescope["results"]["mistake"]["tests"] if "score" in t}
    assert sorted(tests) == sorted(points)
    question = WRONG[2]
    assert tests[question]["score"] < points[question]
    assert "unbiased variance" in tests[question]["output"]
    for name, test in tests.items():
        if name != question:
            assert test["score"] == test["max_score"] == points[name], test
