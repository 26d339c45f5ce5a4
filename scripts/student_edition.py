"""Build the student edition: the same book with every exercise solution removed (`make student`).

Usage: python scripts/student_edition.py [--out _build/student] [--no-build] [--no-check] [--no-pdf]

Stages the book without its solutions into OUT/src, writes the student notebooks into
OUT/notebooks, builds the site into OUT/html with warnings as errors, and checks that no
solution leaked. The work is done by the package `coursekit` (see `coursekit.student`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coursekit.paths import ROOT
from coursekit.student import run


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and make the student edition; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "_build" / "student",
        help="output folder (default: _build/student)",
    )
    parser.add_argument("--no-build", action="store_true", help="stage and strip only")
    parser.add_argument("--no-check", action="store_true", help="skip the leak check")
    parser.add_argument("--no-pdf", action="store_true", help="skip the student PDF")
    args = parser.parse_args(argv)
    return run(
        args.out.resolve(),
        build_site=not args.no_build,
        check=not args.no_check,
        pdf=not args.no_pdf,
    )


if __name__ == "__main__":
    sys.exit(main())
