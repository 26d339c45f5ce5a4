"""Generate the course assignments from their otter-grader masters: what ``make assignments``
runs.

For each master notebook NAME.ipynb, :func:`assign`

1. stages the master in OUT/.stage/NAME/ next to a copy of the ``mlebook`` package and a
   ``requirements.txt`` for the autograder (:func:`stage`: the exact pins of the packages the
   assignments use, taken from the book's requirements.txt). The masters' configuration lists
   both (``files: [mlebook]``, ``requirements: requirements.txt``), so the package travels
   with the student notebook and inside the autograder zip, and a Gradescope image installs
   the same versions the book is tested with;
2. runs ``otter assign`` into OUT/NAME/, which writes the student version (OUT/NAME/student/)
   and the autograder (OUT/NAME/autograder/, with NAME-autograder_<time>.zip), after executing
   the solutions against every public and hidden test (an assignment whose solutions fail its
   own tests is an error);
3. zips the student folder into OUT/NAME/NAME-student.zip, ready to hand out.

Nothing here is committed: OUT is under dist/, which git ignores.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from coursekit.paths import ROOT

__all__ = [
    "TEST_PACKAGES",
    "masters",
    "autograder_packages",
    "autograder_requirements",
    "stage",
    "otter_executable",
    "assign",
    "autograder_zip",
    "run",
]

#: Packages the assignments' hidden tests import besides mlebook's own dependencies.
TEST_PACKAGES = ("scikit-learn", "statsmodels")


def masters(root: Path = ROOT) -> list[Path]:
    """The assignment masters of the book at ``root``: ``assignments/*.ipynb``, sorted.

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    list of Path
        The master notebooks.
    """
    return sorted((root / "assignments").glob("*.ipynb"))


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def autograder_packages(root: Path = ROOT) -> list[str]:
    """mlebook's dependencies (pyproject.toml) and the packages the hidden tests use.

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    list of str
        The packages' normalized names, without repeats.
    """
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    names = [re.match(r"^\s*([A-Za-z0-9_.-]+)", d).group(1) for d in project["dependencies"]]
    return list(dict.fromkeys(_normalize(n) for n in names + list(TEST_PACKAGES)))


def autograder_requirements(root: Path = ROOT) -> str:
    """The exact pins of :func:`autograder_packages` from the book's requirements.txt.

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    str
        A requirements file, one ``name==version`` a line.

    Raises
    ------
    ValueError
        If requirements.txt does not pin one of the packages.
    """
    pins = {}
    for line in (root / "requirements.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line.strip())
        if m:
            pins[_normalize(m.group(1))] = line.strip()
    wanted = autograder_packages(root)
    missing = [p for p in wanted if p not in pins]
    if missing:
        raise ValueError(f"requirements.txt does not pin {missing}")
    return "\n".join(pins[p] for p in wanted) + "\n"


def stage(master: Path, out: Path, root: Path = ROOT) -> Path:
    """Copy a master with what its configuration lists into ``out/.stage/NAME/``.

    Parameters
    ----------
    master : Path
        The master notebook.
    out : Path
        The output folder.
    root : Path
        The book's root (where ``mlebook/`` and requirements.txt are).

    Returns
    -------
    Path
        The staged copy of the master.
    """
    folder = out / ".stage" / master.stem
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copy2(master, folder / master.name)
    shutil.copytree(
        root / "mlebook", folder / "mlebook", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    (folder / "requirements.txt").write_text(autograder_requirements(root))
    return folder / master.name


def otter_executable() -> str:
    """The ``otter`` command of the running Python's environment."""
    return str(Path(sys.executable).parent / "otter")


def assign(master: Path, out: Path, root: Path = ROOT, *, run_tests: bool = True) -> Path:
    """Run ``otter assign`` on one master.

    Parameters
    ----------
    master : Path
        The master notebook NAME.ipynb.
    out : Path
        The output folder.
    root : Path
        The book's root.
    run_tests : bool
        Whether otter runs the solutions against every test while it assigns (``make
        assignments`` does). The test suite skips it, since it grades the solution notebook
        end to end anyway, with the grader instructors use.

    Returns
    -------
    Path
        ``out/NAME``, with ``student/``, ``autograder/`` and ``NAME-student.zip``.

    Raises
    ------
    RuntimeError
        If ``otter assign`` fails (for one, when the solutions fail their own tests).
    """
    staged = stage(master, out, root)
    result = out / master.stem
    if result.exists():
        shutil.rmtree(result)
    flags = ["--no-pdfs"] + ([] if run_tests else ["--no-run-tests"])
    proc = subprocess.run(
        [otter_executable(), "assign", *flags, staged.name, str(result)],
        cwd=staged.parent,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"otter assign failed on {master.name}:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    shutil.make_archive(str(result / f"{master.stem}-student"), "zip", result / "student")
    return result


def autograder_zip(result: Path) -> Path:
    """The autograder zip that ``otter assign`` wrote into ``result/autograder/``.

    Parameters
    ----------
    result : Path
        What :func:`assign` returned.

    Returns
    -------
    Path
        The newest ``*-autograder_*.zip``.

    Raises
    ------
    FileNotFoundError
        If there is none.
    """
    zips = sorted((result / "autograder").glob("*-autograder_*.zip"))
    if not zips:
        raise FileNotFoundError(f"no autograder zip in {result / 'autograder'}")
    return zips[-1]


def run(master_paths: list[Path], out: Path, root: Path = ROOT) -> int:
    """Assign every master into ``out``, and say where the results are.

    Parameters
    ----------
    master_paths : list of Path
        The masters; empty for every master of the book (:func:`masters`).
    out : Path
        The output folder.
    root : Path
        The book's root.

    Returns
    -------
    int
        The exit status, 0 (a failure raises).
    """
    out.mkdir(parents=True, exist_ok=True)
    for master in [m.resolve() for m in master_paths] or masters(root):
        print(
            f"otter assign {master.relative_to(root) if master.is_relative_to(root) else master}",
            flush=True,
        )
        result = assign(master, out, root)
        print(f"  student notebook: {(result / 'student' / master.name).relative_to(out)}")
        print(f"  student zip:      {(result / f'{master.stem}-student.zip').relative_to(out)}")
        print(f"  autograder zip:   {autograder_zip(result).relative_to(out)}")
    shutil.rmtree(out / ".stage", ignore_errors=True)
    return 0
