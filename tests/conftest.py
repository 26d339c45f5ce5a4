"""Shared fixtures: the models with example parameters and their scipy.stats references; the
expensive set-ups (the book build, the student edition, the assignments, the benchmark run), done
once per run and shared; and how the suite is spread over pytest-xdist's workers.
"""

import os
import pickle
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import numpy as np
import pytest
import yaml
from filelock import FileLock
from hypothesis import settings
from scipy import stats

from mlebook.models import Bernoulli, Categorical, Exponential, Gamma, Gaussian, Poisson

settings.register_profile("book", deadline=None, max_examples=40, derandomize=True)
settings.load_profile("book")


def _categorical_logpmf(x, p):
    onehot = np.eye(len(p))[np.asarray(x, dtype=int)]
    return stats.multinomial.logpmf(onehot, 1, p)


# (id, model, true parameters, scipy log-density of each observation)
CASES = [
    ("bernoulli", Bernoulli(), 0.3, lambda x, p: stats.bernoulli.logpmf(x, p)),
    ("gaussian", Gaussian(), (1.5, 4.0), lambda x, t: stats.norm.logpdf(x, t[0], np.sqrt(t[1]))),
    ("poisson", Poisson(), 3.5, lambda x, lam: stats.poisson.logpmf(x, lam)),
    ("exponential", Exponential(), 2.0, lambda x, r: stats.expon.logpdf(x, scale=1 / r)),
    ("categorical", Categorical(k=3), (0.2, 0.3, 0.5), _categorical_logpmf),
    ("gamma", Gamma(), (2.5, 1.5), lambda x, t: stats.gamma.logpdf(x, t[0], scale=t[1])),
]


@pytest.fixture(params=CASES, ids=[c[0] for c in CASES])
def case(request):
    """One model, its true parameters and its scipy reference."""
    return request.param[1:]


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


# --------------------------------------------------------------------------- shared set-ups
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared(tmp_path_factory, worker_id):
    """``shared(name, make)``: the result of ``make(folder)``, computed once per run.

    For the expensive set-ups (the book build, the student edition, otter assign and grading,
    the quick benchmark run). Under xdist, the first worker to ask computes it, into a folder
    of the run's common temporary directory, while holding a lock; the others wait for it and
    read the pickled result. A set-up that fails is not retried: the others get its error.
    """
    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the folder common to all the workers of this run

    def get(name, make):
        folder, record = root / name, root / f"{name}.pickle"
        with FileLock(str(root / f"{name}.lock")):
            if not record.exists():
                folder.mkdir()
                try:
                    result = ("ok", make(folder))
                except Exception:
                    record.write_bytes(pickle.dumps(("error", traceback.format_exc())))
                    raise
                record.write_bytes(pickle.dumps(result))
            status, value = pickle.loads(record.read_bytes())
        if status == "error":
            raise RuntimeError(f"the shared set-up {name!r} failed:\n{value}")
        return value

    return get


#: What a copy of the project for a test build leaves out.
_NOT_THE_BOOK = shutil.ignore_patterns(
    ".venv",
    "_build",
    ".git",
    "dist",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".hypothesis",
    ".ipynb_checkpoints",
    ".ruff_cache",
)


@pytest.fixture(scope="session")
def build(shared):
    """The whole book built once with the flags of `make book`: (the process, its HTML folder).

    It is built from the outputs stored in the notebooks (a copy of the project with
    ``execute_notebooks: off``): nbval re-executes every notebook in the same run and fails
    on any output that differs or any cell error, so executing them a second time inside
    the build would test nothing more and cost a minute.
    """

    def make(out):
        source = out / "source"
        shutil.copytree(ROOT, source, ignore=_NOT_THE_BOOK)
        config = yaml.safe_load((source / "_config.yml").read_text())
        config["execute"]["execute_notebooks"] = "off"
        (source / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        cmd = [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(source),
            "--path-output",
            str(out),
            "--builder",
            "html",
            "--warningiserror",
            "--nitpick",
            "--keep-going",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        return proc, out / "_build" / "html"

    return shared("book", make)


@pytest.fixture(scope="session")
def site(build):
    """The built book's HTML folder; a failed build fails every test that reads it."""
    proc, html = build
    if proc.returncode != 0:
        pytest.fail(f"the book did not build:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return html


# --------------------------------------------------------------------------- the browser
@pytest.fixture(scope="session")
def browser():
    """The system Chromium, driven by Playwright (see tests/browser.py)."""
    from browser import CHROMIUM_ARGS, find_chromium

    path = find_chromium()
    if path is None:
        if os.environ.get("MLEBOOK_REQUIRE_BROWSER") == "1":
            pytest.fail(
                "no Chromium found, and MLEBOOK_REQUIRE_BROWSER=1 requires one "
                "(install Debian's chromium)"
            )
        pytest.skip(
            "no Chromium on this machine: install one (Debian: apt-get install chromium) or set "
            "CHROMIUM=/path/to/chrome to run the site tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(site):
    """The built book served over HTTP on a local port: its URL."""
    from browser import serve

    with serve(site) as url:
        yield url


# --------------------------------------------------------------------------- the xdist layout
# `make test` runs pytest with `-n auto`: a worker per core. Each worker takes one test at a
# time, except that a notebook's cells all go to one worker, in order (nbval runs them one after
# another in the notebook's kernel). The expensive set-ups are `shared` (above), so whatever
# needs them can run on any worker. (Not `--dist loadgroup` with xdist_group marks: with
# pytest 9.2 and pytest-xdist 3.8 it silently stops grouping, pytest-xdist issue #1386.)
#
# The workers take the tests in this order, the longest set-ups first, so that the many short
# package tests fill the gaps at the end: the test that starts the book build (it uses `build`
# but not `site`); one test of each other shared set-up, the longest first (so the two workers
# make different set-ups at once); the notebooks; the package tests; the remaining tests of
# the shared set-ups, which are made by then (earlier, a worker would wait for a set-up's lock
# with nothing to do: 20 s for the student edition's); and last the tests that read the built
# site, by which time the build is done.
FIRST = ("graded", "hostile", "student", "quick_rows")


def _ranks(items) -> dict:
    """Each test's place in the order above.

    Only the FIRST test of each shared set-up comes early, so that the two workers start
    different set-ups; the other tests that need one come after the notebooks and the package
    tests, instead of waiting for its lock while a set-up is still being made.
    """
    started, ranks = set(), {}
    last = 2 * len(FIRST) + 4
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "build" in names:
            ranks[item.nodeid] = 0 if "site" not in names else last
            continue
        needs = [i for i, fixture in enumerate(FIRST) if fixture in names]
        if "generated" in names and not needs:
            needs = [FIRST.index("graded")]  # otter assign: made on the way to the grades
        if needs:
            i = needs[0]
            ranks[item.nodeid] = 1 + i if FIRST[i] not in started else 3 + len(FIRST) + i
            started.add(FIRST[i])
            continue
        ranks[item.nodeid] = 1 + len(FIRST) + (0 if _notebook(item.nodeid) else 1)
    return ranks


def _notebook(nodeid: str) -> str | None:
    """The notebook whose cell `nodeid` is (nbval names them `path.ipynb::Cell N`), if any."""
    path = nodeid.partition("::")[0]
    return path if path.endswith(".ipynb") else None


@pytest.hookimpl(trylast=True)  # after `-m` has deselected: a deselected test starts no set-up
def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):  # serial runs keep the order of the files
        ranks = _ranks(items)
        items.sort(key=lambda item: ranks[item.nodeid])  # stable: notebooks stay in order


@pytest.hookimpl(optionalhook=True)  # pytest -p no:xdist runs without it
def pytest_xdist_make_scheduler(config, log):
    """Load balancing test by test (`-n` alone), keeping each notebook's cells together."""
    if config.getvalue("dist") != "load":
        return None  # another --dist was asked for: xdist's own
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return _notebook(nodeid) or nodeid

    config.option.loadscopereorder = False  # the order above, not the largest scopes first
    return NotebookScheduling(config, log)
