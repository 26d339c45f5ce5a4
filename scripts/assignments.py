"""Generate the course assignments from their otter-grader masters (`make assignments`).

Usage: python scripts/assignments.py [--out dist/assignments] [MASTER.ipynb ...]
       (default: every assignments/*.ipynb)

Runs `otter assign` on each master: the student version, its zip, and the autograder zip go to
OUT/NAME/. The work is done by the package `coursekit` (see `coursekit.assign`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coursekit.assign import run
from coursekit.paths import ROOT


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and assign the masters; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("masters", nargs="*", type=Path, help="master notebooks (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "assignments")
    args = parser.parse_args(argv)
    return run(args.masters, args.out.resolve())


if __name__ == "__main__":
    sys.exit(main())
