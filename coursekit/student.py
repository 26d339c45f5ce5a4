"""The student edition, end to end: what ``make student`` runs.

:func:`run` stages the book without its solutions (:mod:`coursekit.stage`), writes the
student notebooks (plain Markdown, which Jupyter and Colab render), builds the site with
warnings as errors, and checks the result for leaks
(:mod:`coursekit.leaks`): the text of every solution, collected from the original sources,
and the solution markers must appear in no file of ``OUT/html`` (the student PDF included),
``OUT/notebooks`` or ``OUT/branch`` (the student branch, which its launch buttons open).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from coursekit.leaks import distinctive_ngrams, find_leaks, find_link_leaks, kept_ngrams
from coursekit.paths import ROOT
from coursekit.pdf import build as build_pdf
from coursekit.stage import (
    INSTRUCTOR_ONLY,
    STUDENT_BRANCH,
    build,
    collect_solutions,
    stage,
    write_branch,
    write_notebooks,
)

__all__ = ["run"]


def run(
    out: Path, build_site: bool = True, check: bool = True, root: Path = ROOT, pdf: bool = True
) -> int:
    """Make the student edition of the book into ``out``, and report on the way.

    Parameters
    ----------
    out : Path
        The output folder: the staged sources go to ``out/src``, the student notebooks to
        ``out/notebooks`` and the site to ``out/html``.
    build_site : bool
        Build the site (otherwise stage and strip only).
    check : bool
        Check the built edition for leaks.
    root : Path
        The book's root.
    pdf : bool
        Build the student PDF too (into ``out/pdf``), and publish it with the site as
        ``out/html/<name>-student.pdf``, where the leak check reads it.

    Returns
    -------
    int
        The exit status: 0, or 1 if the site did not build or a solution leaked.
    """
    staged, solutions = stage(out, root)
    notebooks = write_notebooks(out, staged)
    branch = write_branch(out, root)
    print(f"staged {len(staged)} pages into {out / 'src'}, removing {len(solutions)} solutions")
    print(f"wrote {len(notebooks)} student notebooks into {out / 'notebooks'}")
    print(f"laid out the student branch (what Binder and Colab open) in {branch}")
    if not build_site:
        return 0
    proc = build(out)
    if proc.returncode != 0:
        print(proc.stdout[-5000:], proc.stderr[-5000:], sep="\n", file=sys.stderr)
        print("the student edition did not build", file=sys.stderr)
        return 1
    print(f"built the student site into {out / 'html'}")
    if pdf:
        result = build_pdf(out / "src", out / "pdf")
        for problem in result.problems:
            print(problem, file=sys.stderr)
        if not result.ok:
            print(result.process.stdout[-3000:], result.process.stderr[-3000:], sep="\n")
            print("the student PDF did not build cleanly", file=sys.stderr)
            return 1
        shutil.copy2(result.pdf, out / "html" / result.pdf.name)
        print(f"built the student PDF into {out / 'html' / result.pdf.name}")
    if not check:
        return 0
    originals = [s for s in collect_solutions(root) if Path(s.source).stem not in INSTRUCTOR_ONLY]
    allowed = kept_ngrams(staged, root)
    leaks = find_leaks([out / "html", out / "notebooks", out / "branch"], originals, allowed)
    repository = yaml.safe_load((root / "_config.yml").read_text())["repository"]["url"]
    leaks += find_link_leaks(out / "html", out / "branch", repository, STUDENT_BRANCH)
    checkable = sum(1 for s in originals if distinctive_ngrams(s, allowed))
    for leak in leaks:
        print(f"LEAK: {leak.path.relative_to(out)}: {leak.what}", file=sys.stderr)
    print(
        f"leak check: {checkable} of {len(originals)} solutions have text of their own to look "
        f"for; {len(leaks)} leaks"
    )
    return 1 if leaks else 0
