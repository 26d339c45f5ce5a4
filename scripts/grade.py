"""Grade a folder of submitted notebooks (`make grade`): a thin entry point to
:mod:`coursekit.grade`, which documents the options, the roster, the sandbox, the CSV and the
feedback.

Usage:
  python scripts/grade.py SUBMISSIONS [--assignment NAME | --autograder ZIP] [--roster CSV]
                          [--out CSV] [--jobs N] [--timeout SECONDS] [--memory GB]
                          [--masters FOLDER]
"""

from __future__ import annotations

import sys

from coursekit.grade import main

if __name__ == "__main__":
    sys.exit(main())
