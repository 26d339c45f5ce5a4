"""Parallel grading: copies of an assignment's solution graded one at a time, then two at a time.

``measure(quick)`` grades 8 copies (4 when ``quick``) of the solution notebook of the first
assignment with ``coursekit.grade.grade`` (each in its own sandboxed process, as `make grade`
does), with ``jobs=1`` and then ``jobs=2``, and returns the wall-clock times, their ratio and
whether the two CSVs are identical. On two cores the target is a speed-up of at least 1.5.

The autograder is made by `otter assign` in a temporary folder first (untimed).

    python benchmarks/bench_grading.py [--quick]
"""

from __future__ import annotations

# isort: off
import timing  # first: it limits every BLAS to one thread before numpy is imported

# isort: on
import argparse
import json
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01_likelihood_mle"


def _autograder(work: Path) -> tuple[Path, Path]:
    """(autograder zip, solution notebook) of ASSIGNMENT, made by `otter assign` in ``work``
    (untimed), so that the measurement never uses a stale dist/ folder."""
    from coursekit import assign

    result = assign.assign(ROOT / "assignments" / f"{ASSIGNMENT}.ipynb", work / "assign")
    return assign.autograder_zip(result), result / "autograder" / f"{ASSIGNMENT}.ipynb"


def measure(quick: bool) -> dict:
    from coursekit.grade import grade

    copies = 4 if quick else 8
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        work = Path(tmp)
        ag_zip, solution = _autograder(work)
        subs = work / "subs"
        subs.mkdir()
        for i in range(copies):
            shutil.copy(solution, subs / f"student{i:02d}.ipynb")
        times, csvs = {}, {}
        for jobs in (1, 2):
            out = work / f"jobs{jobs}" / "scores.csv"
            times[jobs], rows = timing.once(
                lambda jobs=jobs, out=out: grade(subs, ag_zip, out, jobs=jobs)
            )
            csvs[jobs] = out.read_text()
            assert all(r["error"] == "" and r["auto_total"] == r["auto_possible"] for r in rows), (
                rows
            )
    return {
        "serial_s": round(times[1], 2),
        "parallel_s": round(times[2], 2),
        "speedup": round(times[1] / times[2], 2),
        "submissions": copies,
        "same_csv": csvs[1] == csvs[2],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 copies instead of 8")
    print(json.dumps(measure(parser.parse_args().quick)))
