"""Generate the course assignments from their otter-grader masters: what ``make assignments``
runs.

For each master notebook NAME.ipynb, :func:`assign`

1. stages the master in OUT/.stage/NAME/ next to a copy of the ``mlebook`` package and a
   ``requirements.txt`` for the autograder (:func:`stage`). The masters' configuration lists
   both (``files: [mlebook]``, ``requirements: requirements.txt``), so the package travels
   with the student notebook and inside the autograder zip. The staged configuration also
   says ``python_version``, the book's Python (runtime.txt), and ``overwrite_requirements:
   true``, so that a Gradescope image is the book's environment: the book's Python minor
   version, and exactly the packages the grading imports with all they require, each at the
   book's pin (:func:`autograder_requirements`), instead of otter's own unpinned defaults
   (its ``plugins`` extra brings the Google API client). A master that says otherwise is
   refused (:func:`staged_config`);
2. runs ``otter assign`` into OUT/NAME/, which writes the student version (OUT/NAME/student/)
   and the autograder (OUT/NAME/autograder/, with NAME-autograder_<time>.zip), after executing
   the solutions against every public and hidden test (an assignment whose solutions fail its
   own tests is an error), and checks that the zip's environment is the book's
   (:func:`check_autograder_zip`);
3. zips the student folder into OUT/NAME/NAME-student.zip, ready to hand out.

Nothing here is committed: OUT is under dist/, which git ignores.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterable
from pathlib import Path

import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from coursekit.paths import ROOT

__all__ = [
    "TEST_PACKAGES",
    "GRADER",
    "masters",
    "book_python",
    "book_pins",
    "autograder_roots",
    "requirement_closure",
    "autograder_packages",
    "autograder_requirements",
    "staged_config",
    "stage",
    "otter_executable",
    "assign",
    "autograder_zip",
    "zip_environment",
    "check_autograder_zip",
    "run",
]

#: Packages the assignments' hidden tests import besides mlebook's own dependencies.
TEST_PACKAGES = ("scikit-learn", "statsmodels")

#: The grader the autograder runs, with the extra it grades with (a kernel and its client);
#: not ``[plugins]``, which otter adds by default and which no assignment uses.
GRADER = "otter-grader[grading]"


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


def book_python(root: Path = ROOT) -> str:
    """The book's Python minor version, from its runtime.txt (``python-3.11``).

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    str
        The version, such as ``"3.11"``.

    Raises
    ------
    ValueError
        If runtime.txt does not name a Python ``MAJOR.MINOR``.
    """
    text = (root / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(3\.\d+)(?:\.\d+)?", text)
    if not m:
        raise ValueError(f"runtime.txt should say python-3.MINOR, not {text!r}")
    return m.group(1)


def book_pins(root: Path = ROOT) -> dict[str, str]:
    """The book's pins: requirements.txt's ``name==version`` lines by normalized name.

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    dict
        ``{normalized name: the line as requirements.txt writes it}``.
    """
    pins = {}
    for line in (root / "requirements.txt").read_text().splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if m:
            pins[canonicalize_name(m.group(1))] = line.strip()
    return pins


def autograder_roots(root: Path = ROOT) -> list[str]:
    """What the grading imports: mlebook's dependencies (pyproject.toml), the packages of the
    hidden tests (:data:`TEST_PACKAGES`) and the grader (:data:`GRADER`).

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    list of str
        Requirements, as pyproject.toml writes them.
    """
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *TEST_PACKAGES, GRADER]


def _target(python: str) -> dict[str, str]:
    """The marker environment of CPython ``python`` on x86-64 Linux (a Gradescope image)."""
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    full = ".".join(map(str, sys.version_info[:3])) if here == python else f"{python}.0"
    return {
        "implementation_name": "cpython",
        "implementation_version": full,
        "os_name": "posix",
        "platform_machine": "x86_64",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": "Linux",
        "platform_version": "",
        "python_full_version": full,
        "python_version": python,
        "sys_platform": "linux",
    }


def _applies(marker: Marker | None, target: dict[str, str], extras: Iterable[str]) -> bool:
    if marker is None:
        return True
    return any(marker.evaluate({**target, "extra": extra}) for extra in ("", *extras))


def requirement_closure(roots: Iterable[str], python: str) -> dict[str, tuple[str, ...]]:
    """The packages ``roots`` need on CPython ``python`` on Linux, with all they require.

    Walks the requirements that the installed packages declare (``importlib.metadata``), with
    the extras asked for, and the environment markers evaluated for the target rather than
    for the machine running this (a package needed only on Windows or macOS, or only on
    another Python, is left out).

    Parameters
    ----------
    roots : iterable of str
        Requirements such as ``"numpy>=2.0"`` or ``"otter-grader[grading]"``.
    python : str
        The target Python, ``MAJOR.MINOR``.

    Returns
    -------
    dict
        ``{normalized name: the normalized names of the packages that require it}``, the
        roots with an empty tuple, in the order found.

    Raises
    ------
    ValueError
        If ``python`` is not ``MAJOR.MINOR``, or a package of the closure is not installed in
        this environment (its requirements cannot be read).
    """
    if not isinstance(python, str) or not re.fullmatch(r"3\.\d+", python):
        raise ValueError(f"python should be a version MAJOR.MINOR such as '3.11', not {python!r}")
    target = _target(python)
    required_by: dict[str, set[str]] = {}
    extras: dict[str, set[str]] = {}
    queue = [(Requirement(r), None) for r in roots]
    while queue:
        req, parent = queue.pop(0)
        name = canonicalize_name(req.name)
        new = name not in extras
        wanted = extras.setdefault(name, set())
        required_by.setdefault(name, set())
        if parent is not None:
            required_by[name].add(parent)
        if not new and set(req.extras) <= wanted:
            continue
        wanted |= set(req.extras)
        try:
            dist = importlib.metadata.distribution(req.name)
        except importlib.metadata.PackageNotFoundError:
            by = f" (required by {parent})" if parent else ""
            raise ValueError(
                f"{req.name}{by} is not installed here, so its requirements cannot be read: "
                "install the book's requirements.txt"
            ) from None
        for line in dist.requires or []:
            child = Requirement(line)
            if _applies(child.marker, target, wanted):
                queue.append((child, name))
    return {name: tuple(sorted(required_by[name])) for name in extras}


def autograder_packages(root: Path = ROOT) -> list[str]:
    """Every package the grading needs on the book's Python: :func:`autograder_roots` and all
    they require (:func:`requirement_closure`).

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    list of str
        The packages' normalized names, sorted.
    """
    return sorted(requirement_closure(autograder_roots(root), book_python(root)))


def autograder_requirements(root: Path = ROOT) -> str:
    """The autograder's requirements: each of :func:`autograder_packages` at the book's pin.

    Parameters
    ----------
    root : Path
        The book's root.

    Returns
    -------
    str
        A requirements file, one ``name==version`` line of requirements.txt a package, sorted
        by name.

    Raises
    ------
    ValueError
        If requirements.txt does not pin one of the packages, or this environment has
        another version of one installed (whose requirements may not be the pinned
        version's).
    """
    pins = book_pins(root)
    closure = requirement_closure(autograder_roots(root), book_python(root))
    missing = [
        f"{n} (required by {', '.join(by) or 'the grading'})"
        for n, by in closure.items()
        if n not in pins
    ]
    if missing:
        raise ValueError(f"requirements.txt does not pin {', '.join(sorted(missing))}")
    wrong = []
    for name in closure:
        pinned = pins[name].split("==", 1)[1]
        installed = importlib.metadata.version(name)
        if installed != pinned:
            wrong.append(f"{name} {installed} is installed, requirements.txt pins {pinned}")
    if wrong:
        raise ValueError(
            "this environment is not the book's: "
            + "; ".join(wrong)
            + " (reinstall requirements.txt)"
        )
    return "".join(f"{pins[name]}\n" for name in sorted(closure))


#: What the staged configuration must say, beside ``python_version`` (the book's Python).
_STAGED = {"requirements": "requirements.txt", "overwrite_requirements": True}


def staged_config(source: str, master: str | Path, python: str) -> str:
    """The configuration cell of a master as it is staged for ``otter assign``.

    ``python_version`` is the book's Python and ``overwrite_requirements`` is true (otter
    then installs exactly :func:`autograder_requirements`, nothing of its own); a key the
    master leaves out is added. A master that says something else is refused, rather than
    overridden in silence: its author meant another environment than the one its students
    would be graded in.

    Parameters
    ----------
    source : str
        The master's first cell, ``# ASSIGNMENT CONFIG`` and its YAML.
    master : str or Path
        The master, named in errors.
    python : str
        The book's Python, ``MAJOR.MINOR``.

    Returns
    -------
    str
        The cell's source with the missing keys added.

    Raises
    ------
    ValueError
        If ``source`` is not an assignment configuration, if it names another
        ``python_version``, does not read ``requirements.txt``, sets
        ``overwrite_requirements`` false, or adds a conda ``environment`` (whose packages
        would not be the book's pins).
    """
    name = Path(master).name
    if not source.startswith("# ASSIGNMENT CONFIG"):
        raise ValueError(f"{name}: the first cell should be the # ASSIGNMENT CONFIG cell")
    config = yaml.safe_load(source) or {}
    wanted = {"python_version": python, **_STAGED}
    # YAML reads `python_version: 3.12` as a number; otter turns it into a string the same way.
    said = {
        key: str(config[key]) if key == "python_version" else config[key]
        for key in wanted
        if key in config
    }
    wrong = [f"{key}: {value!r}" for key, value in said.items() if value != wanted[key]]
    if wrong:
        raise ValueError(
            f"{name}: its configuration says {', '.join(wrong)}, but the autograder runs the "
            f'book\'s environment (python_version: "{python}" from runtime.txt, '
            "requirements: requirements.txt, overwrite_requirements: true); "
            "change or remove these keys"
        )
    if "environment" in config:
        raise ValueError(
            f"{name}: its configuration adds a conda environment, whose packages would not be "
            "the book's pins; list what the grading needs in coursekit.assign.TEST_PACKAGES"
        )
    added = {key: value for key, value in wanted.items() if key not in said}
    if not added:
        return source
    # python_version is written as a string ('3.11'), so that a 3.10 would stay 3.10
    return source.rstrip("\n") + "\n" + yaml.safe_dump(added, sort_keys=False)


def stage(master: Path, out: Path, root: Path = ROOT) -> Path:
    """Copy a master with what its configuration lists into ``out/.stage/NAME/``.

    The copy's configuration cell is :func:`staged_config`'s, which refuses a master that asks
    for another environment than the book's before anything is copied.

    Parameters
    ----------
    master : Path
        The master notebook.
    out : Path
        The output folder.
    root : Path
        The book's root (where ``mlebook/``, requirements.txt and runtime.txt are).

    Returns
    -------
    Path
        The staged copy of the master.

    Raises
    ------
    ValueError
        From :func:`staged_config` and :func:`autograder_requirements`.
    """
    nb = json.loads(master.read_text())
    first = nb["cells"][0] if nb.get("cells") else {"source": ""}
    source = first["source"] if isinstance(first["source"], str) else "".join(first["source"])
    first["source"] = staged_config(source, master, book_python(root))
    requirements = autograder_requirements(root)
    folder = out / ".stage" / master.stem
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / master.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    shutil.copytree(
        root / "mlebook", folder / "mlebook", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    (folder / "requirements.txt").write_text(requirements)
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
    ValueError
        If the master asks for another environment than the book's (:func:`stage`).
    RuntimeError
        If ``otter assign`` fails (for one, when the solutions fail their own tests), or the
        zip it writes is not the book's environment (:func:`check_autograder_zip`).
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
    check_autograder_zip(autograder_zip(result), root)
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


def zip_environment(zip_path: Path) -> tuple[str, list[str]]:
    """What a Gradescope image built from an autograder zip installs.

    The zip's ``setup.sh`` creates the conda environment of its ``environment.yml``: a Python,
    then the environment's pip requirements.

    Parameters
    ----------
    zip_path : Path
        An autograder zip.

    Returns
    -------
    python : str
        The Python that conda installs (``3.11`` from ``python=3.11``).
    requirements : list of str
        The pip requirements, in order.

    Raises
    ------
    ValueError
        If ``setup.sh`` does not build ``environment.yml``, or that does not name one Python
        and one pip list.
    """
    with zipfile.ZipFile(zip_path) as zf:
        setup = zf.read("setup.sh").decode()
        environment = yaml.safe_load(zf.read("environment.yml"))
    if "env create -f" not in setup or "source/environment.yml" not in setup:
        raise ValueError(f"{Path(zip_path).name}: setup.sh does not build environment.yml")
    deps = environment.get("dependencies", [])
    pythons = [d for d in deps if isinstance(d, str) and re.match(r"python\s*[=<>!~]", d)]
    pips = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    if len(pythons) != 1 or len(pips) != 1:
        raise ValueError(
            f"{Path(zip_path).name}: environment.yml should name one python and one pip list, "
            f"not {deps!r}"
        )
    return re.sub(r"^python\s*=+\s*", "", pythons[0]), list(pips[0])


def check_autograder_zip(zip_path: Path, root: Path = ROOT) -> None:
    """Check that an autograder zip installs the book's environment.

    Parameters
    ----------
    zip_path : Path
        An autograder zip.
    root : Path
        The book's root.

    Raises
    ------
    RuntimeError
        If the zip's Python is not the book's (runtime.txt) or its pip requirements are not
        exactly :func:`autograder_requirements`.
    """
    python, requirements = zip_environment(zip_path)
    expected = autograder_requirements(root).splitlines()
    problems = []
    if python != book_python(root):
        problems.append(f"Python {python}, not the book's {book_python(root)}")
    if requirements != expected:
        extra = sorted(set(requirements) - set(expected))
        lacking = sorted(set(expected) - set(requirements))
        problems.append(f"pip requirements with {extra} and without {lacking}")
    if problems:
        raise RuntimeError(f"{Path(zip_path).name} installs {'; '.join(problems)}")


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
