"""Grade a folder of submitted notebooks with otter-grader, without Docker (`make grade`).

Usage:
  python scripts/grade.py SUBMISSIONS [--assignment NAME | --autograder ZIP] [--out CSV]

SUBMISSIONS is a folder of submitted notebooks (`.ipynb`, or the `.zip` files that otter's
export produces), searched recursively; each file is one student, named by its path inside the
folder without the suffix. Each submission is graded as `otter run` grades it: in a fresh
kernel in a temporary folder, against the public and hidden tests of the autograder zip. The
environment is the current one (`.venv`), so nothing is installed and no container is used.

The autograder is `--autograder ZIP`, or the zip that `make assignments` wrote for
`--assignment NAME` (dist/assignments/NAME/autograder/), or, when neither is given, the one
whose assignment name matches the name recorded in the submissions' notebook metadata.

Writes one CSV (default: dist/grades/NAME.csv) with a row per submission: its total, the
points possible, the percentage, one column per question, and an `error` column that is empty
unless the submission could not be graded (which scores it zero). Next to the CSV, the folder
`NAME-feedback/` gets one text file per submission with every test's result and message,
hidden tests included (for the instructor).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist" / "assignments"


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
    with zipfile.ZipFile(ag_zip) as zf:
        config = json.loads(zf.read("otter_config.json"))
    return config.get("assignment_name")


def assignment_name_of_notebook(path: Path) -> str | None:
    try:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if n.endswith(".ipynb")]
                nb = json.loads(zf.read(names[0])) if names else {}
        else:
            nb = json.loads(path.read_text())
        return nb.get("metadata", {}).get("otter", {}).get("assignment_name")
    except (ValueError, KeyError, IndexError, zipfile.BadZipFile, UnicodeDecodeError):
        return None


def find_autograder(name: str | None, subs: list[Path], dist: Path = DIST) -> Path:
    zips = sorted(dist.glob("*/autograder/*-autograder_*.zip"))
    if name:
        chosen = [z for z in zips if z.parts[-3] == name]
        if not chosen:
            raise FileNotFoundError(f"no autograder for {name!r} in {dist}: run `make assignments`")
        return chosen[-1]
    names = {assignment_name_of_notebook(s) for s in subs} - {None}
    if len(names) != 1:
        raise ValueError(
            "cannot tell which assignment the submissions are for "
            f"(names found: {sorted(names)}); pass --assignment or --autograder"
        )
    (wanted,) = names
    chosen = [z for z in zips if assignment_name_of_zip(z) == wanted]
    if not chosen:
        raise FileNotFoundError(
            f"no autograder for the assignment {wanted!r} in {dist}: run `make assignments`"
        )
    return chosen[-1]


def grade_one(submission: Path, ag_zip: Path) -> tuple[dict, str, str]:
    """Grade one submission; returns (scores by question, feedback text, error or '')."""
    with warnings.catch_warnings():
        # Deprecations inside otter 7.0 and the widget packages it imports (DataFrame.drop with
        # inplace=True, traitlets given as types) are about their code, not the submission.
        warnings.filterwarnings("ignore", message="The inplace keyword in DataFrame.drop")
        warnings.filterwarnings(
            "ignore", message="Traits should be given as instances", category=DeprecationWarning
        )
        return _grade_one(submission, ag_zip)


def _grade_one(submission: Path, ag_zip: Path) -> tuple[dict, str, str]:
    from otter.api import grade_submission  # imported here: otter is slow to import

    try:
        results = grade_submission(str(submission), str(ag_zip), quiet=True)
    except Exception as exc:  # a broken file must not stop the other students' grading
        error = f"{type(exc).__name__}: {exc}"
        return {}, f"could not be graded: {error}", error
    if results.has_catastrophic_failure():
        error = str(results.catastrophic_error)
        return {}, f"could not be graded: {error}", error
    scores = {name: (float(tf.score), float(tf.possible)) for name, tf in results.results.items()}
    return scores, results.summary(), ""


def grade(folder: Path, ag_zip: Path, out_csv: Path) -> list[dict]:
    """Grade every submission in ``folder``; write and return the rows of the CSV."""
    subs = submissions_in(folder)
    feedback_dir = out_csv.with_name(out_csv.stem + "-feedback")
    feedback_dir.mkdir(parents=True, exist_ok=True)
    rows, questions = [], []
    for sub in subs:
        student = sub.relative_to(folder).with_suffix("").as_posix()
        print(f"grading {student}", flush=True)
        scores, feedback, error = grade_one(sub, ag_zip)
        questions += [q for q in scores if q not in questions]
        row = {"student": student, "error": error}
        row.update({q: s for q, (s, _) in scores.items()})
        row["total"] = sum(s for s, _ in scores.values())
        row["_possible"] = sum(p for _, p in scores.values())
        rows.append(row)
        (feedback_dir / (student.replace("/", "__") + ".txt")).write_text(feedback + "\n")
    # Every row is out of the same total: the one of the submissions that could be graded.
    possible = max((r["_possible"] for r in rows), default=0.0)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    columns = ["student", "total", "possible", "percent"] + questions + ["error"]
    with out_csv.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            row.pop("_possible")
            row["possible"] = possible
            row["percent"] = round(100 * row["total"] / possible, 2) if possible else 0.0
            for q in questions:
                row.setdefault(q, 0.0)
            writer.writerow(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", type=Path, help="folder of submitted notebooks")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--assignment", help="assignment name, e.g. 01_likelihood_mle")
    which.add_argument("--autograder", type=Path, help="path to an autograder zip")
    parser.add_argument("--out", type=Path, help="CSV to write (default: dist/grades/NAME.csv)")
    args = parser.parse_args(argv)

    subs = submissions_in(args.submissions)
    ag_zip = args.autograder or find_autograder(args.assignment, subs)
    name = ag_zip.name.split("-autograder_")[0]
    out = args.out or ROOT / "dist" / "grades" / f"{name}.csv"
    print(f"grading {len(subs)} submissions against {ag_zip}")
    rows = grade(args.submissions, ag_zip, out)
    failed = [r["student"] for r in rows if r["error"]]
    print(
        f"wrote {out} ({len(rows)} submissions"
        + (f"; could not grade {', '.join(failed)})" if failed else ")")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
