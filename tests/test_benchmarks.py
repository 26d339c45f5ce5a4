"""The benchmark script runs and its answers agree with the references; the README shows its
results.

Timings are never asserted here (they depend on the machine): only the agreement half of each
target, on a quick run with small data, and that the README's table is the one the committed
results render to.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def quick_rows(shared):
    """A quick run of the benchmarks with small data (once per run, see conftest.py)."""

    def make(folder):
        out = folder / "benchmarks.json"
        cmd = [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--no-book",
            "--output",
            str(out),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        assert out.with_suffix(".png").stat().st_size > 0
        return {row["task"]: row for row in json.loads(out.read_text())["rows"]}

    return shared("quick-benchmarks", make)


def test_every_library_task_is_measured(quick_rows):
    assert set(quick_rows) == {
        "gaussian",
        "gamma",
        "gamma_fit",
        "logistic",
        "mixture",
        "profile",
        "dask_logistic",
        "dask_gaussian",
    }
    for row in quick_rows.values():
        assert row["mlebook_s"] > 0 and row["reference_s"] > 0


def test_the_answers_agree_with_the_reference_libraries(quick_rows):
    assert quick_rows["gaussian"]["param_diff"] == 0.0
    assert quick_rows["gamma"]["loglik_rel_diff"] >= -1e-9
    # fit(Gamma(), x) reaches scipy's maximum, and the estimate of mlebook 0.1.0 (when git has it)
    gamma_fit = quick_rows["gamma_fit"]
    assert gamma_fit["loglik_rel_diff"] >= -1e-9 and gamma_fit["param_diff"] <= 1e-6
    assert gamma_fit["details"].get("previous_param_diff", 0.0) <= 1e-6
    logistic = quick_rows["logistic"]
    assert logistic["param_diff"] <= 1e-8 and logistic["details"]["se_rel_diff"] <= 1e-8
    mixture = quick_rows["mixture"]
    ours, theirs = mixture["details"]["iterations"].split(" / ")
    assert ours == theirs
    assert abs(mixture["loglik_rel_diff"]) <= 1e-8
    assert quick_rows["profile"]["param_diff"] <= 1e-6
    # on chunks: mlebook's Newton against dask-ml's, and the chunked Gaussian MLE against
    # NumPy's mean and variance in memory (and the same on 1 and 2 workers)
    assert quick_rows["dask_logistic"]["param_diff"] <= 1e-8
    assert quick_rows["dask_gaussian"]["param_diff"] <= 1e-12
    assert quick_rows["dask_gaussian"]["details"]["workers_param_diff"] <= 1e-12


def test_the_readme_shows_the_committed_results():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "report_benchmarks.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_committed_results_cover_every_task_and_chapter():
    rows = json.loads((ROOT / "benchmarks" / "results" / "benchmarks.json").read_text())["rows"]
    tasks = {r["task"] for r in rows if r["kind"] == "library"}
    assert tasks == {
        "gaussian",
        "gamma",
        "gamma_fit",
        "logistic",
        "mixture",
        "profile",
        "dask_logistic",
        "dask_gaussian",
    }
    chapters = {r["title"] for r in rows if r["kind"] == "chapter"}
    assert len(chapters) == len(list((ROOT / "chapters").glob("*.ipynb")))
    assert any(r["kind"] == "build" for r in rows)
