"""The student edition, end to end: what ``make student`` runs.

:func:`run` stages the book without its solutions (:mod:`coursekit.stage`), writes the
student notebooks, builds the site with warnings as errors, and checks the result for leaks
(:mod:`coursekit.leaks`): the text of every solution, collected from the original sources,
and the solution markers must appear in no file of ``OUT/html`` or ``OUT/notebooks``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from coursekit.leaks import distinctive_ngrams, find_leaks, kept_ngrams
from coursekit.paths import ROOT
from coursekit.stage import INSTRUCTOR_ONLY, build, collect_solutions, stage, write_notebooks

__all__ = ["run"]


def run(out: Path, build_site: bool = True, check: bool = True, root: Path = ROOT) -> int:
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

    Returns
    -------
    int
        The exit status: 0, or 1 if the site did not build or a solution leaked.
    """
    staged, solutions = stage(out, root)
    notebooks = write_notebooks(out, staged)
    print(f"staged {len(staged)} pages into {out / 'src'}, removing {len(solutions)} solutions")
    print(f"wrote {len(notebooks)} student notebooks into {out / 'notebooks'}")
    if not build_site:
        return 0
    proc = build(out)
    if proc.returncode != 0:
        print(proc.stdout[-5000:], proc.stderr[-5000:], sep="\n", file=sys.stderr)
        print("the student edition did not build", file=sys.stderr)
        return 1
    print(f"built the student site into {out / 'html'}")
    if not check:
        return 0
    originals = [s for s in collect_solutions(root) if Path(s.source).stem not in INSTRUCTOR_ONLY]
    allowed = kept_ngrams(staged, root)
    leaks = find_leaks([out / "html", out / "notebooks"], originals, allowed)
    checkable = sum(1 for s in originals if distinctive_ngrams(s, allowed))
    for leak in leaks:
        print(f"LEAK: {leak.path.relative_to(out)}: {leak.what}", file=sys.stderr)
    print(
        f"leak check: {checkable} of {len(originals)} solutions have text of their own to look "
        f"for; {len(leaks)} leaks"
    )
    return 1 if leaks else 0
