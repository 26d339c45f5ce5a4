"""The benchmark script runs and its answers agree with every peer; the README shows its results.

Timings are never asserted here (they depend on the machine): only the agreement half of each
target, on a quick run with small data, for every row and every size of the scaling studies;
that every row names its peer's settings and the spread of its ratio; the harness's load check
and formatters; and that the README's table is the one the committed results render to.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
LIBRARY_TASKS = {
    "gaussian",
    "gamma",
    "gamma_fit",
    "logistic",
    "mixture",
    "profile",
    "dask_logistic",
    "dask_gaussian",
}
#: How closely the coefficients must agree with each logistic-regression peer.
LOGISTIC_AGREEMENT = {
    "statsmodels": 1e-8,
    "statsmodels_no_rank": 1e-8,
    "sklearn_newton": 1e-8,
    "sklearn_lbfgs": 1e-6,
}


@pytest.fixture(scope="session")
def quick_rows(shared):
    """The results of a quick run of the benchmarks, small data (once per run, see conftest.py).

    The whole document: the machine, and the rows of every kind (conftest.py's name for it).
    """

    def make(folder):
        out = folder / "benchmarks.json"
        cmd = [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--no-book", "--output", out]
        proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        assert out.with_suffix(".png").stat().st_size > 0
        assert out.with_name("benchmarks-scaling.png").stat().st_size > 0
        return json.loads(out.read_text())

    return shared("quick-benchmarks", make)


def library(document: dict) -> list[dict]:
    return [r for r in document["rows"] if r["kind"] == "library"]


def scaling(document: dict, task: str) -> list[dict]:
    return [r for r in document["rows"] if r["kind"] == "scaling" and r["task"] == task]


def by_peer(document: dict, task: str) -> dict[str, dict]:
    return {r["reference"] + r["settings"]: r for r in library(document) if r["task"] == task}


def test_every_library_task_is_measured(quick_rows):
    assert {r["task"] for r in library(quick_rows)} == LIBRARY_TASKS
    for row in library(quick_rows):
        assert row["mlebook_s"] > 0 and row["reference_s"] > 0
    # the scaling studies: every size, every side
    assert len(scaling(quick_rows, "logistic")) == 4  # n in {5000, 10^4} x d in {5, 20}
    assert len(scaling(quick_rows, "gamma")) == len(scaling(quick_rows, "profile")) == 2
    for row in scaling(quick_rows, "logistic"):
        assert set(row["seconds"]) == {"mlebook", *LOGISTIC_AGREEMENT}
    growth = [r for r in quick_rows["rows"] if r["kind"] == "growth"]
    assert {(r["task"], r.get("d")) for r in growth} == {
        ("gamma", None),
        ("profile", None),
        ("logistic", 5),
        ("logistic", 20),
    }


def test_every_row_names_its_peer_its_settings_and_the_spread_of_its_ratio(quick_rows):
    for row in library(quick_rows):
        assert row["reference"] and row["settings"], row["title"]
        assert row["computes"]["mlebook"] and row["computes"]["reference"], row["title"]
        assert row["ratio_low"] <= row["ratio"] <= row["ratio_high"], row["title"]
        assert row["repeat"] >= 1 and row["load"] is not None
    for row in (r for r in quick_rows["rows"] if r["kind"] == "scaling"):
        for ratio in row["ratios"].values():
            assert ratio["ratio_low"] <= ratio["ratio"] <= ratio["ratio_high"], row["title"]
    logistic = {r["settings"] for r in library(quick_rows) if r["task"] == "logistic"}
    assert any("check_rank=False" in s for s in logistic)
    assert any("newton-cholesky" in s and "C=np.inf" in s for s in logistic)
    assert any("lbfgs" in s for s in logistic)
    assert len(logistic) == 4
    assert len(by_peer(quick_rows, "profile")) == 2
    assert quick_rows["machine"]["load_per_core_at_start"] is not None
    assert all(pool["num_threads"] == 1 for pool in quick_rows["machine"]["thread_pools"])


def test_the_answers_agree_with_every_peer(quick_rows):
    rows = {(r["task"], r["reference"], r["settings"]): r for r in library(quick_rows)}
    (gaussian,) = [r for r in library(quick_rows) if r["task"] == "gaussian"]
    assert gaussian["param_diff"] == 0.0
    # the Gamma MLE reaches scipy's maximum at every size
    for row in scaling(quick_rows, "gamma"):
        assert row["loglik_rel_diff"]["scipy"] >= -1e-9 and row["param_diff"]["scipy"] <= 1e-6
    # fit(Gamma(), x) reaches scipy's maximum, and the estimate of mlebook 0.1.0 (when git has it)
    for row in (r for r in library(quick_rows) if r["task"] == "gamma_fit"):
        assert row["param_diff"] is None or row["param_diff"] <= 1e-6
        assert row["loglik_rel_diff"] is None or row["loglik_rel_diff"] >= -1e-9
    # logistic regression: every peer, every size, coefficients and statsmodels' SEs
    for row in scaling(quick_rows, "logistic"):
        for peer, agreement in LOGISTIC_AGREEMENT.items():
            assert row["param_diff"][peer] <= agreement, (row["title"], peer)
        for peer in ("statsmodels", "statsmodels_no_rank"):
            assert row["se_rel_diff"][peer] <= 1e-8, (row["title"], peer)
    for key, row in rows.items():
        if key[0] == "logistic":
            assert row["param_diff"] <= 1e-6
    # Gaussian mixtures, k = 3 and k = 10: the same iterations, the same maximum
    mixtures = [r for r in library(quick_rows) if r["task"] == "mixture"]
    assert len(mixtures) == 2
    for row in mixtures:
        ours, theirs = row["details"]["iterations"].split(" / ")
        assert ours == theirs
        assert abs(row["loglik_rel_diff"]) <= 1e-8
    # profile intervals: both scipy versions, every size
    for row in scaling(quick_rows, "profile"):
        assert max(row["param_diff"].values()) <= 1e-6
    # on chunks: mlebook's Newton against dask-ml's, and the chunked Gaussian MLE against
    # NumPy's mean and variance in memory (and the same on 1 and 2 workers)
    (dask_logistic,) = [r for r in library(quick_rows) if r["task"] == "dask_logistic"]
    assert dask_logistic["param_diff"] <= 1e-8
    (dask_gaussian,) = [r for r in library(quick_rows) if r["task"] == "dask_gaussian"]
    assert dask_gaussian["param_diff"] <= 1e-12
    assert dask_gaussian["details"]["workers_param_diff"] <= 1e-12


def _load(name: str, monkeypatch):
    """A benchmarks module, imported without leaving its thread settings in this process."""
    for variable in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "BLIS_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "NUMEXPR_NUM_THREADS",
    ):  # monkeypatch restores each after the test
        if variable in os.environ:
            monkeypatch.setenv(variable, os.environ[variable])
        else:
            monkeypatch.delenv(variable, raising=False)
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_busy_machine_is_refused_unless_forced(monkeypatch):
    timing = _load("timing", monkeypatch)
    monkeypatch.setattr(timing.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(timing.os, "getloadavg", lambda: (1.6, 1.0, 1.0))
    assert timing.load() == 0.8
    allowed, why = timing.load_check(force=False)
    assert not allowed and "0.80 per core" in why and "--force" in why
    allowed, why = timing.load_check(force=True)
    assert allowed and "forced" in why
    monkeypatch.setattr(timing.os, "getloadavg", lambda: (0.6, 1.0, 1.0))
    assert timing.load_check(force=False)[0]


def test_rounds_rotate_and_the_ratio_has_its_interquartile_range(monkeypatch):
    timing = _load("timing", monkeypatch)
    # threadpoolctl and a full garbage collection per timing are slow in a test process
    monkeypatch.setattr(timing, "one_thread", contextlib.nullcontext)
    monkeypatch.setattr(timing.gc, "collect", lambda: 0)
    order = []
    sides = {name: (lambda name=name: order.append(name)) for name in ("a", "b", "c")}
    times, values = timing.measure(sides, repeat=3, budget=0.0)
    assert order == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert set(values) == {"a", "b", "c"} and all(len(t) == 3 for t in times.values())
    r = timing.ratio({"ours": [1.0, 2.0, 3.0, 4.0, 5.0], "theirs": [1.0] * 5}, "ours", "theirs")
    assert (r["ratio_low"], r["ratio"], r["ratio_high"]) == (2.0, 3.0, 4.0)


def test_a_ratio_whose_spread_contains_one_is_a_tie(monkeypatch):
    formats = _load("formats", monkeypatch)
    assert formats.ratio({"ratio": 0.97, "ratio_low": 0.9, "ratio_high": 1.05}) == "≈ 1 (0.90–1.05)"
    assert formats.ratio({"ratio": 0.75, "ratio_low": 0.7, "ratio_high": 0.8}) == "0.75 (0.70–0.80)"
    assert formats.ratio({"ratio": None}) == "–"
    assert formats.seconds(0.0421) == "42.10 ms" and formats.scientific(0.0) == "0"


def test_the_readme_shows_the_committed_results():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "report_benchmarks.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_committed_results_cover_every_task_size_and_chapter():
    document = json.loads((BENCHMARKS / "results" / "benchmarks.json").read_text())
    rows = document["rows"]
    assert {r["task"] for r in rows if r["kind"] == "library"} == LIBRARY_TASKS
    for row in library(document):
        assert row["reference"] and row["settings"], row["title"]
        if row["ratio"] is not None:
            assert row["ratio_low"] <= row["ratio"] <= row["ratio_high"], row["title"]
    sizes = {(r["n"], r["d"]) for r in scaling(document, "logistic")}
    assert sizes == {(n, d) for n in (10**4, 10**5, 10**6) for d in (5, 20, 100)}
    for task in ("gamma", "profile"):
        assert {r["n"] for r in scaling(document, task)} == {10**3, 10**5, 10**7}
    chapters = {r["title"] for r in rows if r["kind"] == "chapter"}
    assert len(chapters) == len(list((ROOT / "chapters").glob("*.ipynb")))
    assert any(r["kind"] == "build" for r in rows)
    assert "load_per_core_at_start" in document["machine"]
